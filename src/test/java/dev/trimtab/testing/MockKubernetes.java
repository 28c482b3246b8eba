package dev.trimtab.testing;

import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesServerTestResource;

/**
 * The fabric8 mock API server (CRUD mode) for {@code @QuarkusTest}s, as
 * {@code @WithKubernetesTestServer} gives, but shared by every test class of one test profile.
 * {@code @WithKubernetesTestServer} restricts its resource to the annotated class, so Quarkus built
 * (augmented) and started an application for each test class: 42 builds and starts for 20
 * profiles, about 10 s each (docs/testing.md). Annotate a test class with
 * {@code @QuarkusTestResource(MockKubernetes.class)}; inject the server with
 * {@code @KubernetesTestServer}. A profile that must prepare the server before the application
 * starts (expectations, objects that must exist at start) implements {@link Setup}.
 *
 * <p>Test classes of one profile share the API server's objects and the application's state, so
 * each class uses names (namespaces) of its own.
 */
public class MockKubernetes extends KubernetesServerTestResource {
    /** Implemented by a {@code QuarkusTestProfile} whose mock API server needs preparing first. */
    public interface Setup {
        void prepare(KubernetesServer server);
    }

    private String profile;

    @Override
    public void setContext(Context context) {
        profile = context.testProfile();
    }

    @Override
    protected void configureServer() {
        if (profile == null) {
            return;
        }
        Object p;
        try {
            p = Class.forName(profile, true, MockKubernetes.class.getClassLoader())
                    .getDeclaredConstructor()
                    .newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create test profile " + profile, e);
        }
        if (p instanceof Setup s) {
            s.prepare(server);
        }
    }
}

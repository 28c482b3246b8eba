package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.core.ValidatingPolicy;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The shipped RBAC lets the policy and autoscaler service accounts get the ConfigMap
 * replica-ceiling by name and nothing else (k8s-manifests/policy/deployment.yaml). A mock API that
 * refuses to list ConfigMaps (403, as the API server does then) still gives a named parameter, read
 * directly; a selection by label fails naming the permission it lacks.
 */
class ParamsByNameTest {
    private static final ValidatingPolicy.ParamKind CONFIG_MAP = new ValidatingPolicy.ParamKind("v1", "ConfigMap");

    /** CRUD, except that ConfigMaps cannot be listed or watched in any namespace. */
    static final class NoConfigMapList extends KubernetesCrudDispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            boolean list = path.startsWith("/api/v1/configmaps")
                    || path.matches("/api/v1/namespaces/[^/]+/configmaps([?].*)?");
            if (request.getMethod().equals("GET") && list) {
                return new MockResponse().setResponseCode(403).setBody("""
                        {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Forbidden","code":403,
                         "message":"configmaps is forbidden: User \\"system:serviceaccount:trimtab:trimtab-policy\\" cannot list resource \\"configmaps\\""}""");
            }
            return super.dispatch(request);
        }
    }

    @Test
    void aNamedParameterIsReadDirectlyWhenListingIsForbidden() {
        KubernetesMockServer server = serverWithCeiling(new NoConfigMapList());
        try (KubernetesClient api = server.createClient()) {
            KubernetesCluster cluster = new KubernetesCluster(api);

            List<Map<String, Object>> found = cluster.params(CONFIG_MAP, "shop", "replica-ceiling", null);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).get("data")).isEqualTo(Map.of("maxReplicas", "20"));
            assertThat(cluster.params(CONFIG_MAP, "other", "replica-ceiling", null))
                    .isEmpty();
            // again: the refused list is remembered, the read by name still answers
            assertThat(cluster.params(CONFIG_MAP, "shop", "replica-ceiling", null))
                    .hasSize(1);

            assertThatThrownBy(() -> cluster.params(CONFIG_MAP, "shop", null, LabelSelector.EVERYTHING))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot select ConfigMap params by label")
                    .hasMessageContaining("grant list and watch");
        } finally {
            server.destroy();
        }
    }

    /** CRUD, counting the reads of single ConfigMaps by name. */
    static final class CountingReads extends KubernetesCrudDispatcher {
        final AtomicInteger byName = new AtomicInteger();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            if (request.getMethod().equals("GET")
                    && request.getPath().matches("/api/v1/namespaces/[^/]+/configmaps/[^/?]+")) {
                byName.incrementAndGet();
            }
            return super.dispatch(request);
        }
    }

    /**
     * Once the informer has listed every ConfigMap, a parameter it does not hold does not exist, as
     * the API server's admission decides from its own informer: no GET per review (the fault suite's
     * guardrail reviews read a missing parameter from the API server once per rescale, ~30 ms each).
     */
    @Test
    void aParameterMissingFromASyncedInformerIsMissingWithoutAskingTheApiServer() throws Exception {
        CountingReads dispatcher = new CountingReads();
        KubernetesMockServer server = serverWithCeiling(dispatcher);
        try (KubernetesClient api = server.createClient()) {
            KubernetesCluster cluster = new KubernetesCluster(api);
            // the first look starts the informer; until its list is in, a missing name is read directly
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (readsStillMade(cluster, dispatcher) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            int before = dispatcher.byName.get();
            for (int i = 0; i < 20; i++) {
                assertThat(cluster.params(CONFIG_MAP, "shop", "missing", null)).isEmpty();
            }
            assertThat(cluster.params(CONFIG_MAP, "shop", "replica-ceiling", null))
                    .hasSize(1);
            assertThat(dispatcher.byName.get() - before)
                    .as("GETs by name after the informer synced")
                    .isZero();
        } finally {
            server.destroy();
        }
    }

    /** Whether a lookup of a missing name still goes to the API server (the informer not synced yet). */
    private static boolean readsStillMade(KubernetesCluster cluster, CountingReads dispatcher) {
        int before = dispatcher.byName.get();
        cluster.params(CONFIG_MAP, "shop", "missing", null);
        return dispatcher.byName.get() > before;
    }

    /** A mock API answering with {@code dispatcher}, holding the ConfigMap shop/replica-ceiling. */
    private static KubernetesMockServer serverWithCeiling(KubernetesCrudDispatcher dispatcher) {
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient api = server.createClient()) {
            api.configMaps()
                    .inNamespace("shop")
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("replica-ceiling")
                            .withNamespace("shop")
                            .endMetadata()
                            .addToData("maxReplicas", "20")
                            .build())
                    .create();
        }
        return server;
    }
}

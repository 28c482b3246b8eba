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
            boolean list = path.startsWith("/api/v1/configmaps") || path.matches("/api/v1/namespaces/[^/]+/configmaps([?].*)?");
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
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new NoConfigMapList(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient api = server.createClient()) {
            api.configMaps().inNamespace("shop").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("replica-ceiling").withNamespace("shop").endMetadata()
                    .addToData("maxReplicas", "20").build()).create();
            KubernetesCluster cluster = new KubernetesCluster(api);

            List<Map<String, Object>> found = cluster.params(CONFIG_MAP, "shop", "replica-ceiling", null);
            assertThat(found).hasSize(1);
            assertThat(found.get(0).get("data")).isEqualTo(Map.of("maxReplicas", "20"));
            assertThat(cluster.params(CONFIG_MAP, "other", "replica-ceiling", null)).isEmpty();
            // again: the refused list is remembered, the read by name still answers
            assertThat(cluster.params(CONFIG_MAP, "shop", "replica-ceiling", null)).hasSize(1);

            assertThatThrownBy(() -> cluster.params(CONFIG_MAP, "shop", null, LabelSelector.EVERYTHING))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot select ConfigMap params by label")
                    .hasMessageContaining("grant list and watch");
        } finally {
            server.destroy();
        }
    }
}

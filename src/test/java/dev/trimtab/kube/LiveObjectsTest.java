package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The live views behind the RBAC and network answers and the intents (the policy function's
 * webhook pods) never block start-up on the API server: {@link LiveObjects#start} returns at once,
 * a list that fails is retried with backoff, and {@link LiveObjects#synced} says when every kind
 * is listed. Before, {@code start} waited on each informer on the main thread and an unreachable
 * API server failed the whole application's start.
 */
class LiveObjectsTest {
    static final LiveObjects.Kind NAMESPACES = new LiveObjects.Kind("", "v1", "Namespace", "namespaces", false);
    static final LiveObjects.Kind CONFIG_MAPS = new LiveObjects.Kind("", "v1", "ConfigMap", "configmaps", true);

    private KubernetesMockServer api;
    private KubernetesClient client;
    private LiveObjects<List<String>> objects;

    @AfterEach
    void stop() {
        if (objects != null) {
            objects.stop();
        }
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.destroy();
        }
    }

    private void startApi(int forbiddenLists) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        api = new KubernetesMockServer(
                new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        if (forbiddenLists > 0) {
            // the informer's first list of ConfigMaps is refused, as while RBAC is not granted yet
            api.expect()
                    .get()
                    .withPath("/api/v1/configmaps?resourceVersion=0")
                    .andReturn(
                            403,
                            Map.of(
                                    "apiVersion",
                                    "v1",
                                    "kind",
                                    "Status",
                                    "status",
                                    "Failure",
                                    "reason",
                                    "Forbidden",
                                    "code",
                                    403,
                                    "message",
                                    "configmaps is forbidden"))
                    .times(forbiddenLists);
        }
        client = api.createClient();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("shop")
                        .endMetadata()
                        .build())
                .create();
        client.configMaps()
                .inNamespace("shop")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("shop")
                        .endMetadata()
                        .build())
                .create();
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(List<Map<String, Object>> list) {
        return list.stream()
                .map(o -> o.get("kind") + "/" + ((Map<String, Object>) o.get("metadata")).get("name"))
                .sorted()
                .toList();
    }

    /**
     * Listed is not folded: the informer hands the listed objects to the view after the list, on
     * its own thread. While they cannot reach the view (its lock held, as by a reader rebuilding
     * it) the kinds are listed but not synced; once they are in, synced, with every object in view.
     */
    @Test
    void notSyncedUntilTheListedObjectsAreInTheView() {
        startApi(0);
        objects = new LiveObjects<>(LiveObjectsTest::names);
        synchronized (objects) {
            objects.start(client, List.of(NAMESPACES, CONFIG_MAPS));
            await().atMost(Duration.ofSeconds(4))
                    .until(() -> objects.statuses().size() == 2
                            && objects.statuses().stream().allMatch(Watches.Status::inForce));
            assertThat(objects.synced()).as("listed, not in the view").isFalse();
            assertThat(objects.statuses())
                    .anyMatch(st -> st.pending() > 0 && st.describeFolds().contains("still to fold"));
        }
        await().atMost(Duration.ofSeconds(4)).until(objects::synced);
        assertThat(objects.view()).contains("Namespace/shop", "ConfigMap/web");
        assertThat(objects.statuses()).allMatch(Watches.Status::folded);
    }

    @Test
    void aListThatFailsIsRetriedUntilEveryKindIsListed() {
        startApi(3);
        objects = new LiveObjects<>(LiveObjectsTest::names);
        objects.start(client, List.of(NAMESPACES, CONFIG_MAPS));
        assertThat(objects.synced())
                .as("not synced while ConfigMaps are refused")
                .isFalse();
        await().atMost(Duration.ofSeconds(30)).until(objects::synced);
        assertThat(objects.view()).containsExactly("ConfigMap/web", "Namespace/shop");
        assertThat(objects.statuses()).allMatch(Watches.Status::inForce);
        assertThat(objects.statuses())
                .filteredOn(s -> s.kind().equals("ConfigMap"))
                .singleElement()
                .satisfies(s -> assertThat(s.attempts()).isEqualTo(3));
    }

    @Test
    void anUnreachableApiServerDoesNotBlockTheStart() {
        startApi(0);
        String unreachable = "https://127.0.0.1:1";
        try (KubernetesClient nowhere = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl(unreachable)
                        .withTrustCerts(true)
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build()) {
            LiveObjects<List<String>> offline = new LiveObjects<>(LiveObjectsTest::names);
            long start = System.nanoTime();
            offline.start(nowhere, List.of(NAMESPACES, CONFIG_MAPS));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            try {
                assertThat(tookMillis)
                        .as("start returns without waiting for the API server")
                        .isLessThan(5_000);
                await().atMost(Duration.ofSeconds(10))
                        .until(() ->
                                offline.statuses().stream().anyMatch(s -> s.attempts() > 0 && s.lastError() != null));
                assertThat(offline.synced()).isFalse();
            } finally {
                offline.stop();
            }
        }
    }
}

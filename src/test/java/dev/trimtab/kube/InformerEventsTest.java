package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.cloudevents.CloudEvent;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The informer events behind the policy function's audit ({@code AuditInformers}) and placement
 * ({@code PlacementInformers}): synced only once every listed object has reached the sink, not
 * when the informers have merely listed (their ADDs reach the sink later, on another thread).
 */
class InformerEventsTest {
    private KubernetesMockServer api;
    private KubernetesClient client;
    private InformerEvents informers;

    @BeforeEach
    void startApi() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        api = new KubernetesMockServer(
                new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        client = api.createClient();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("shop")
                        .endMetadata()
                        .build())
                .create();
        for (int i = 0; i < 3; i++) {
            client.configMaps()
                    .inNamespace("shop")
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("c" + i)
                            .withNamespace("shop")
                            .endMetadata()
                            .build())
                    .create();
        }
    }

    @AfterEach
    void stop() {
        if (informers != null) {
            informers.close();
        }
        client.close();
        api.destroy();
    }

    @Test
    void notSyncedWhileListedObjectsHaveNotReachedTheSink() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        informers = InformerEvents.start(
                client,
                List.of("v1/Namespace", "v1/ConfigMap"),
                "/test",
                e -> {
                    try {
                        release.await(10, TimeUnit.SECONDS); // a slow sink (an audit waiting for a lock)
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    seen.add(e.data().get("kind").asText() + "/"
                            + e.data().get("metadata").get("name").asText());
                },
                "test-informers");
        await().atMost(Duration.ofSeconds(4))
                .until(() -> informers.statuses().size() == 1
                        && informers.statuses().get(0).inForce());
        Thread.sleep(300); // time enough for the ConfigMaps' informer to start, were it let
        assertThat(informers.synced()).as("listed, not handed to the sink").isFalse();
        assertThat(informers.pending()).isPositive();
        assertThat(informers.statuses())
                .as("ConfigMaps wait until the Namespaces reached the sink")
                .hasSize(1);
        release.countDown();
        await().atMost(Duration.ofSeconds(4)).until(informers::synced);
        assertThat(seen).contains("Namespace/shop", "ConfigMap/c0", "ConfigMap/c1", "ConfigMap/c2");
        assertThat(informers.pending()).isZero();
    }

    @Test
    void aSinkThatThrowsStillLetsTheViewSync() {
        informers = InformerEvents.start(
                client,
                List.of("v1/ConfigMap"),
                "/test",
                (CloudEvent e) -> {
                    throw new IllegalArgumentException("malformed");
                },
                "test-informers");
        await().atMost(Duration.ofSeconds(4)).until(informers::synced);
    }
}

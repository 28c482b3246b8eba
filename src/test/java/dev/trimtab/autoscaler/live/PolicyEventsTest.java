package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Events on the ScalingPolicy through the fabric8 mock API server in CRUD mode: the policy's uid
 * in involvedObject, and a decision repeated every second counted on one Event (merge-patched at
 * most every 30 s), not one Event each.
 */
class PolicyEventsTest {
    private static final ObjectRef POLICY = new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "shop", "web");
    private KubernetesMockServer server;
    private KubernetesClient api;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicLong now = new AtomicLong(1_000_000);
    private StatusRecorder recorder;
    private String uid;

    @BeforeEach
    void start() throws Exception {
        server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        api = server.createClient();
        uid = api.genericKubernetesResources(LiveFixture.POLICIES)
                .inNamespace("shop")
                .resource(CloudEventCodec.JSON.readValue(
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"web\","
                                + "\"namespace\":\"shop\"},\"spec\":{\"maxReplicas\":5}}",
                        GenericKubernetesResource.class))
                .create()
                .getMetadata()
                .getUid();
        recorder = new StatusRecorder(api, registry);
        recorder.clock = now::get;
    }

    @AfterEach
    void stop() {
        recorder.stop();
        api.close();
        server.destroy();
    }

    private static ScaleDecision failedGetMetrics() {
        return new ScaleDecision(
                POLICY,
                new ObjectRef("apps/v1", "Deployment", "shop", "web"),
                0,
                2,
                2,
                Reason.FailedGetMetrics,
                "no samples for cpu",
                List.of(),
                2,
                2,
                false,
                "1");
    }

    private List<Event> events() {
        return api.v1().events().inNamespace("shop").list().getItems();
    }

    @Test
    void aRepeatedWarningIsOneEventOnThePolicyWhoseCountGoesUp() {
        for (int i = 0; i < 20; i++) { // one evaluation a second
            recorder.record(failedGetMetrics(), "hold");
            now.addAndGet(1_000);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
        Event e = events().get(0);
        assertThat(e.getInvolvedObject().getUid()).isEqualTo(uid);
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("ScalingPolicy");
        assertThat(e.getInvolvedObject().getApiVersion()).isEqualTo("trimtab.dev/v1alpha1");
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getReason()).isEqualTo("FailedGetMetrics");
        assertThat(e.getMessage()).isEqualTo("no samples for cpu");
        assertThat(e.getCount()).isEqualTo(1);

        now.addAndGet(30_000);
        recorder.flushEvents(); // what the 10 s schedule does
        await().atMost(Duration.ofSeconds(10)).until(() -> events().get(0).getCount() == 20);
        assertThat(events()).hasSize(1);
        assertThat(events().get(0).getLastTimestamp())
                .isEqualTo(Instant.ofEpochMilli(1_019_000).toString());
        assertThat(registry.counter(
                                "trimtab_autoscaler_policy_events_total",
                                "reason",
                                "FailedGetMetrics",
                                "action",
                                "aggregated")
                        .count())
                .isEqualTo(19);
    }

    @Test
    void noEventForAPolicyDeletedMeanwhile() {
        api.genericKubernetesResources(LiveFixture.POLICIES)
                .inNamespace("shop")
                .withName("web")
                .delete();
        recorder.record(failedGetMetrics(), "hold");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.counter(
                                        "trimtab_autoscaler_policy_events_total",
                                        "reason",
                                        "FailedGetMetrics",
                                        "action",
                                        "skipped")
                                .count()
                        == 1);
        assertThat(events()).isEmpty();
    }
}

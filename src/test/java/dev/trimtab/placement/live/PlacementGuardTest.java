package dev.trimtab.placement.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A bind the admission policies would refuse is not made; the pod's event and the decision name the policy. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PlacementGuardTest.Guarded.class)
class PlacementGuardTest {
    public static class Guarded implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.incoming.placement-events.enabled",
                    "true",
                    "trimtab.placement.mock-api",
                    "true",
                    "trimtab.policy.directory",
                    "src/test/resources/placement-guard",
                    "trimtab.policy.watch-cluster",
                    "false");
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void aBindToAReservedNodeIsStoppedByThePolicy() throws Exception {
        PlacementFunctionTest.send(PlacementFunctionTest.node("gpu-1", "64", null));
        PlacementFunctionTest.send(PlacementFunctionTest.node("plain-1", "4", null));
        String pod =
                PlacementFunctionTest.pod("train", "2").replace("\"namespace\":\"place\"", "\"namespace\":\"guarded\"");
        client.pods()
                .inNamespace("guarded")
                .resource(CloudEventCodec.JSON.readValue(pod, Pod.class))
                .create();
        PlacementFunctionTest.send(pod);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.v1().events().inNamespace("guarded").list().getItems().stream()
                        .anyMatch(e -> e.getReason().equals("FailedScheduling")));
        Event e = client.v1().events().inNamespace("guarded").list().getItems().get(0);
        assertThat(e.getMessage())
                .isEqualTo("binding to gpu-1 denied by policy: pods \"train\" is forbidden: "
                        + "ValidatingAdmissionPolicy 'gpu-nodes-for-ml' with binding 'gpu-nodes-for-ml' denied request: "
                        + "GPU node gpu-1 is reserved for namespace ml");
        assertThat(client.pods()
                        .inNamespace("guarded")
                        .withName("train")
                        .get()
                        .getSpec()
                        .getNodeName())
                .isNull();
    }
}

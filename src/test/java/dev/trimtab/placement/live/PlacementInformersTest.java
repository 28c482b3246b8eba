package dev.trimtab.placement.live;

import static org.awaitility.Awaitility.await;

import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Without an ApiServerSource: Nodes, Pods and the default spreading's workloads from informers, the pending pod bound. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PlacementInformersTest.FromInformers.class)
class PlacementInformersTest {
    public static class FromInformers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trimtab.placement.informers",
                    "true",
                    "trimtab.placement.mock-api",
                    "true",
                    "trimtab.placement.rebalance",
                    "true");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    PlacementFunction placement;

    @Inject
    @Readiness
    PlacementInformers view;

    /** Namespaces, Nodes, Pods and (rebalancing on) PodDisruptionBudgets listed in turn: then ready. */
    @Test
    void readyOnceEveryKindIsListed() {
        await().atMost(Duration.ofSeconds(20)).until(() -> view.call().getStatus() == HealthCheckResponse.Status.UP);
        Assertions.assertThat(view.call().getData().orElseThrow())
                .containsEntry("Namespace", "synced")
                .containsEntry("Node", "synced")
                .containsEntry("Pod", "synced")
                .containsEntry("Service", "synced")
                .containsEntry("ReplicationController", "synced")
                .containsEntry("ReplicaSet", "synced")
                .containsEntry("StatefulSet", "synced")
                .containsEntry("PodDisruptionBudget", "synced");
    }

    /** Services and ReplicaSets from informers make the default spreading's selector (and its deletion undoes it). */
    @Test
    void servicesAndReplicaSetsFromTheApiMakeTheDefaultSpreadSelector() {
        client.services()
                .inNamespace("spread")
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(Map.of("app", "web"))
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .replicaSets()
                .inNamespace("spread")
                .resource(new ReplicaSetBuilder()
                        .withNewMetadata()
                        .withName("web-h1")
                        .endMetadata()
                        .withNewSpec()
                        .withNewSelector()
                        .addToMatchLabels("pod-template-hash", "h1")
                        .endSelector()
                        .endSpec()
                        .build())
                .create();
        PodInfo pod = PodInfo.fromMap(Map.of(
                "metadata",
                Map.of(
                        "namespace",
                        "spread",
                        "name",
                        "web-h1-x",
                        "labels",
                        Map.of("app", "web"),
                        "ownerReferences",
                        List.of(Map.of(
                                "apiVersion", "apps/v1", "kind", "ReplicaSet", "name", "web-h1", "controller", true))),
                "spec",
                Map.of()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> placement
                        .withFolder(f ->
                                f.snapshot().defaultSelector(pod).selector().toString())
                        .equals("app=web,pod-template-hash In [h1]"));
        client.services().inNamespace("spread").withName("web").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> placement
                        .withFolder(f ->
                                f.snapshot().defaultSelector(pod).selector().toString())
                        .equals("pod-template-hash In [h1]"));
    }

    @Test
    void aPendingPodCreatedInTheApiIsBound() throws Exception {
        client.nodes()
                .resource(CloudEventCodec.JSON.readValue(PlacementFunctionTest.node("i-small", "1", null), Node.class))
                .create();
        client.nodes()
                .resource(CloudEventCodec.JSON.readValue(PlacementFunctionTest.node("i-big", "8", null), Node.class))
                .create();
        // informers of different kinds are not ordered: the nodes must be in the snapshot first
        await().atMost(Duration.ofSeconds(10))
                .until(() -> placement.withFolder(
                        f -> f.snapshot().node("i-big") != null && f.snapshot().node("i-small") != null));
        client.pods()
                .inNamespace("place")
                .resource(CloudEventCodec.JSON.readValue(PlacementFunctionTest.pod("inf-1", "2"), Pod.class))
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "i-big"
                        .equals(client.pods()
                                .inNamespace("place")
                                .withName("inf-1")
                                .get()
                                .getSpec()
                                .getNodeName()));
    }
}

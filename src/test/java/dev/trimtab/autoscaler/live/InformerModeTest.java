package dev.trimtab.autoscaler.live;

import static org.awaitility.Awaitility.await;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Cluster state from fabric8 informers on the (mock) API server instead of the cluster-event topic. */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(InformerModeTest.Informers.class)
class InformerModeTest extends LiveFixture {

    public static class Informers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trimtab.autoscaler.cluster-state", "informers",
                    "mp.messaging.incoming.cluster-events.enabled", "false");
        }
    }

    @Test
    void objectsFromTheApiAndMetricsFromKafkaScaleTheWorkload() throws Exception {
        String ns = "inf";
        client.apps().deployments().inNamespace(ns).resource(new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(ns).endMetadata()
                .withNewSpec().withReplicas(2).withNewSelector().addToMatchLabels("app", "web").endSelector().endSpec()
                .build()).create();
        Instant started = Instant.now().minusSeconds(3600);
        for (int i = 0; i < 2; i++) {
            client.pods().inNamespace(ns).resource(new PodBuilder()
                    .withNewMetadata().withName("web-" + i).withNamespace(ns).addToLabels("app", "web").endMetadata()
                    .withNewSpec().addNewContainer().withName("app").withImage("app").withNewResources()
                    .addToRequests("cpu", new Quantity("500m")).endResources().endContainer().endSpec()
                    .withNewStatus().withPhase("Running").withStartTime(started.toString())
                    .addNewCondition().withType("Ready").withStatus("True")
                    .withLastTransitionTime(started.plusSeconds(5).toString()).endCondition().endStatus()
                    .build()).create();
        }
        client.genericKubernetesResources(POLICIES).inNamespace(ns).resource(CloudEventCodec.JSON.readValue(
                "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"web\","
                        + "\"namespace\":\"inf\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":"
                        + "\"Deployment\",\"name\":\"web\"},\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\","
                        + "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}}]}}",
                GenericKubernetesResource.class)).create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> engine.knows(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", ns, "web")));

        structured("trimtab.metrics", ns + "/web", cpu(ns, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
    }
}

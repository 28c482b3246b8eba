package dev.trimtab.autoscaler.admission;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Guardrails;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The validating webhook refuses a ScalingPolicy whose target an HPA or an older ScalingPolicy
 * already scales (422 naming spec.scaleTargetRef and the owner), and one the autoscaler could not
 * read; the views come from informers on the (mock) API.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(Guardrails.class)
class ScalingPolicyOwnersTest {
    static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("trimtab.dev")
            .withVersion("v1alpha1")
            .withKind("ScalingPolicy")
            .withPlural("scalingpolicies")
            .withNamespaced(true)
            .build();

    @Inject
    KubernetesClient client;

    static String policy(String name, String target) {
        return "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"shop\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":"
                + "\"Deployment\",\"name\":\"" + target + "\"},\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\","
                + "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}}]}}";
    }

    static JsonNode review(String object) throws Exception {
        String body = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\","
                + "\"kind\":{\"group\":\"trimtab.dev\",\"version\":\"v1alpha1\",\"kind\":\"ScalingPolicy\"},\"resource\":"
                + "{\"group\":\"trimtab.dev\",\"version\":\"v1alpha1\",\"resource\":\"scalingpolicies\"},\"namespace\":"
                + "\"shop\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"alice\",\"groups\":"
                + "[\"system:authenticated\"]},\"object\":" + object + "}}";
        return CloudEventCodec.JSON
                .readTree(given().contentType("application/json")
                        .body(body)
                        .post("/admission/validate")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .get("response");
    }

    @Test
    void aPolicyOnATargetAnotherAutoscalerScalesIsRefusedNamingIt() throws Exception {
        assertThat(review(policy("web", "web")).get("allowed").asBoolean())
                .as("nobody scales web yet")
                .isTrue();

        client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace("shop")
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("web-hpa")
                        .withNamespace("shop")
                        .endMetadata()
                        .withNewSpec()
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("web")
                        .endScaleTargetRef()
                        .withMaxReplicas(5)
                        .endSpec()
                        .build())
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !review(policy("web", "web")).get("allowed").asBoolean());
        JsonNode refused = review(policy("web", "web"));
        assertThat(refused.at("/status/code").asInt()).isEqualTo(422);
        assertThat(refused.at("/status/reason").asText()).isEqualTo("Invalid");
        assertThat(refused.at("/status/message").asText())
                .isEqualTo("spec.scaleTargetRef: Deployment shop/web is "
                        + "already scaled by HorizontalPodAutoscaler shop/web-hpa: two autoscalers would fight over "
                        + "spec.replicas; delete that one first or target another workload");

        // an existing ScalingPolicy owns api: a second one is refused, the first one's update is not
        client.genericKubernetesResources(POLICIES)
                .inNamespace("shop")
                .resource(CloudEventCodec.JSON.readValue(policy("api", "api"), GenericKubernetesResource.class))
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !review(policy("api-2", "api")).get("allowed").asBoolean());
        assertThat(review(policy("api-2", "api")).at("/status/message").asText())
                .contains("already scaled by ScalingPolicy shop/api (an older ScalingPolicy)");
        assertThat(review(policy("api", "api")).get("allowed").asBoolean()).isTrue();
    }

    @Test
    void aPolicyTheAutoscalerCannotReadIsRefusedNamingTheField() throws Exception {
        JsonNode refused = review(policy("bad", "bad").replace("\"maxReplicas\":10", "\"maxReplicas\":-1"));
        assertThat(refused.get("allowed").asBoolean()).isFalse();
        assertThat(refused.at("/status/code").asInt()).isEqualTo(422);
        assertThat(refused.at("/status/message").asText()).contains("spec.maxReplicas");
    }
}

package dev.trimtab.network.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.EnforcedIntents;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Intents published to the cluster (k8s-manifests/intents-crds.yaml) take effect when created and
 * stop when deleted; one Trimtab cannot read is refused at admission, naming the field.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(EnforcedIntents.class)
class ClusterIntentsTest {
    static final ResourceDefinitionContext INTENTS = new ResourceDefinitionContext.Builder().withGroup("trimtab.dev")
            .withVersion("v1alpha1").withKind("NetworkIntent").withPlural("networkintents").withNamespaced(false).build();
    static final ResourceDefinitionContext CLUSTER_REPORTS = new ResourceDefinitionContext.Builder()
            .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("ClusterPolicyReport")
            .withPlural("clusterpolicyreports").withNamespaced(false).build();

    static final String LAB = """
            {"apiVersion":"trimtab.dev/v1alpha1","kind":"NetworkIntent","metadata":{"name":"lab-isolated"},
             "spec":{"mode":"Audit","rules":[{"defaultDeny":{"namespaceSelector":{"matchLabels":{"team":"lab"}},
             "directions":["Ingress"]}}]}}""";

    @Inject
    KubernetesClient client;

    /** The intent's own result in the ClusterPolicyReport, or "" while there is none. */
    String result(String intent) {
        GenericKubernetesResource r = client.genericKubernetesResources(CLUSTER_REPORTS)
                .withName(NetworkIntents.REPORT).get();
        if (r == null) {
            return "";
        }
        for (JsonNode result : CloudEventCodec.JSON.valueToTree(r).path("results")) {
            if (result.path("policy").asText().equals(intent) && result.path("rule").asText().equals("intent")) {
                return result.path("result").asText() + ": " + result.path("message").asText();
            }
        }
        return "";
    }

    @Test
    void anIntentCreatedInTheClusterIsCheckedUntilDeleted() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("lab")
                .withLabels(Map.of("team", "lab")).endMetadata().build()).create();
        client.pods().inNamespace("lab").resource(new PodBuilder().withNewMetadata().withName("bench").withNamespace("lab")
                .endMetadata().withNewSpec().addNewContainer().withName("main").endContainer().endSpec().build()).create();

        client.genericKubernetesResources(INTENTS).resource(CloudEventCodec.JSON.readValue(LAB,
                GenericKubernetesResource.class)).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> result("lab-isolated").equals("fail: 1 violation"));
        // Audit: reported, nothing written
        assertThat(client.network().v1().networkPolicies().inNamespace("lab").list().getItems()).isEmpty();

        client.genericKubernetesResources(INTENTS).withName("lab-isolated").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> result("lab-isolated").isEmpty());
        assertThat(result("store-metrics")).as("the policy directory's intent stays").isNotEmpty();
    }

    @Test
    void anIntentTrimtabCannotReadIsRefusedNamingTheField() throws Exception {
        String bad = LAB.replace("\"Ingress\"", "\"Inbound\"");
        String review = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"i1\","
                + "\"kind\":{\"group\":\"trimtab.dev\",\"version\":\"v1alpha1\",\"kind\":\"NetworkIntent\"},"
                + "\"resource\":{\"group\":\"trimtab.dev\",\"version\":\"v1alpha1\",\"resource\":\"networkintents\"},"
                + "\"name\":\"lab-isolated\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"alice\"},"
                + "\"object\":" + bad + "}}";
        JsonNode answer = CloudEventCodec.JSON.readTree(given().contentType("application/json").body(review)
                .post("/admission/validate").then().statusCode(200).extract().asString()).path("response");
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(answer.at("/status/code").asInt()).isEqualTo(422);
        assertThat(answer.at("/status/message").asText())
                .startsWith("NetworkIntent lab-isolated: spec.rules[0].defaultDeny.directions[0]: got \"Inbound\"");

        String good = review.replace(bad, LAB);
        JsonNode ok = CloudEventCodec.JSON.readTree(given().contentType("application/json").body(good)
                .post("/admission/validate").then().statusCode(200).extract().asString()).path("response");
        assertThat(ok.path("allowed").asBoolean()).isTrue();
    }
}

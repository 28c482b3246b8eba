package dev.trimtab.network.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.EnforcedIntents;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Reports;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Intents published to the cluster (k8s-manifests/base/intents-crds.yaml) take effect when created and
 * stop when deleted, Audit-mode ones reported and never fixed; one Trimtab cannot read is refused
 * at admission, naming the field.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(EnforcedIntents.class)
class ClusterIntentsTest {
    static final ResourceDefinitionContext INTENTS = new ResourceDefinitionContext.Builder()
            .withGroup("trimtab.dev")
            .withVersion("v1alpha1")
            .withKind("NetworkIntent")
            .withPlural("networkintents")
            .withNamespaced(false)
            .build();

    static final String LAB = """
            {"apiVersion":"trimtab.dev/v1alpha1","kind":"NetworkIntent","metadata":{"name":"lab-isolated"},
             "spec":{"mode":"Audit","rules":[{"defaultDeny":{"namespaceSelector":{"matchLabels":{"team":"lab"}},
             "directions":["Ingress"]}}]}}""";

    @Inject
    KubernetesClient client;

    /** The intent's own result in its ClusterReport, or "" while there is none. */
    String result(String intent) {
        JsonNode r = Reports.of(client, NetworkIntents.REPORT, "NetworkIntent", "", intent);
        if (r == null) {
            return "";
        }
        for (JsonNode result : r.path("results")) {
            if (result.path("policy").asText().equals(intent)
                    && result.path("rule").asText().equals("intent")) {
                return result.path("result").asText() + ": "
                        + result.path("message").asText();
            }
        }
        return "";
    }

    @Test
    void anIntentCreatedInTheClusterIsCheckedUntilDeleted() throws Exception {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("lab")
                        .withLabels(Map.of("team", "lab"))
                        .endMetadata()
                        .build())
                .create();
        client.pods()
                .inNamespace("lab")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("bench")
                        .withNamespace("lab")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("main")
                        .endContainer()
                        .endSpec()
                        .build())
                .create();

        client.genericKubernetesResources(INTENTS)
                .resource(CloudEventCodec.JSON.readValue(LAB, GenericKubernetesResource.class))
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> result("lab-isolated").equals("fail: 1 violation"));
        // Audit: reported, nothing written
        assertThat(client.network()
                        .v1()
                        .networkPolicies()
                        .inNamespace("lab")
                        .list()
                        .getItems())
                .isEmpty();

        client.genericKubernetesResources(INTENTS).withName("lab-isolated").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> result("lab-isolated").isEmpty());
        assertThat(result("store-metrics"))
                .as("the policy directory's intent stays")
                .isNotEmpty();
    }

    /** An Audit-mode RbacIntent from the cluster: reported (event through the broker, report), never fixed. */
    @Test
    void anAuditRbacIntentReportsAndLeavesTheRoleAlone() throws Exception {
        var rbacIntents = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                .withGroup("trimtab.dev")
                .withVersion("v1alpha1")
                .withKind("RbacIntent")
                .withPlural("rbacintents")
                .withNamespaced(false)
                .build());
        rbacIntents
                .resource(CloudEventCodec.JSON.readValue("""
                {"apiVersion":"trimtab.dev/v1alpha1","kind":"RbacIntent","metadata":{"name":"tenant-no-wildcards"},
                 "spec":{"mode":"Audit","rules":[{"forbidWildcards":{"namespaceSelector":{"matchLabels":{"tenant":"true"}}}}]}}""", GenericKubernetesResource.class))
                .create();
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName("tenant-1")
                        .withLabels(Map.of("tenant", "true"))
                        .endMetadata()
                        .build())
                .create();
        client.rbac()
                .roles()
                .inNamespace("tenant-1")
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName("anything")
                        .withNamespace("tenant-1")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("pods")
                        .withVerbs("*")
                        .endRule()
                        .build())
                .create();

        List<JsonNode> open =
                Topics.cloudEvents("trimtab.policy-events", "dev.trimtab.rbac.violation", 1, Duration.ofSeconds(20))
                        .stream()
                        .filter(e -> e.at("/data/intent").asText().equals("tenant-no-wildcards"))
                        .toList();
        assertThat(open).hasSize(1);
        assertThat(open.get(0).at("/data/status").asText()).isEqualTo("open");
        assertThat(open.get(0).at("/data/mode").asText()).isEqualTo("Audit");
        assertThat(open.get(0).at("/data/role/name").asText()).isEqualTo("anything");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode r = Reports.of(client, "trimtab-rbac-intents", "Role", "tenant-1", "anything");
            return r != null && r.toString().contains("\"name\":\"anything\"");
        });
        assertThat(client.rbac()
                        .roles()
                        .inNamespace("tenant-1")
                        .withName("anything")
                        .get()
                        .getRules()
                        .get(0)
                        .getVerbs())
                .as("Audit: the role is not touched")
                .containsExactly("*");

        client.rbac().roles().inNamespace("tenant-1").withName("anything").delete();
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> Topics.cloudEvents(
                                        "trimtab.policy-events", "dev.trimtab.rbac.violation", 2, Duration.ofSeconds(2))
                                .stream()
                                .anyMatch(e -> e.at("/data/intent").asText().equals("tenant-no-wildcards")
                                        && e.at("/data/status").asText().equals("resolved")));
    }

    @Test
    void anIntentTrimtabCannotReadIsRefusedNamingTheField() throws Exception {
        String bad = LAB.replace("\"Ingress\"", "\"Inbound\"");
        String review =
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"i1\","
                        + "\"kind\":{\"group\":\"trimtab.dev\",\"version\":\"v1alpha1\",\"kind\":\"NetworkIntent\"},"
                        + "\"resource\":{\"group\":\"trimtab.dev\",\"version\":\"v1alpha1\",\"resource\":\"networkintents\"},"
                        + "\"name\":\"lab-isolated\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"alice\"},"
                        + "\"object\":" + bad + "}}";
        JsonNode answer = CloudEventCodec.JSON
                .readTree(given().contentType("application/json")
                        .body(review)
                        .post("/admission/validate")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .path("response");
        assertThat(answer.path("allowed").asBoolean()).isFalse();
        assertThat(answer.at("/status/code").asInt()).isEqualTo(422);
        assertThat(answer.at("/status/message").asText())
                .startsWith("NetworkIntent lab-isolated: spec.rules[0].defaultDeny.directions[0]: got \"Inbound\"");

        String good = review.replace(bad, LAB);
        JsonNode ok = CloudEventCodec.JSON
                .readTree(given().contentType("application/json")
                        .body(good)
                        .post("/admission/validate")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .path("response");
        assertThat(ok.path("allowed").asBoolean()).isTrue();
    }
}

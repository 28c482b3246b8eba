package dev.trimtab.rbac.live;

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
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * An Enforce-mode RBAC intent over the live (mock) cluster: an existing binding that breaks it loses
 * only the offending subject, the violation is an event (open, then resolved), and a new binding
 * that would break it is denied by the validating webhook.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(EnforcedIntents.class)
class RbacIntentsTest {
    @Inject
    KubernetesClient client;

    static RoleBinding binding(String name, Subject... subjects) {
        return new RoleBindingBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("shop")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("Role")
                .withName("reader")
                .endRoleRef()
                .withSubjects(subjects)
                .build();
    }

    @Test
    void theOffendingSubjectIsRemovedAndANewOffenceIsDenied() throws Exception {
        client.rbac()
                .roles()
                .inNamespace("shop")
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName("reader")
                        .withNamespace("shop")
                        .endMetadata()
                        .addNewRule()
                        .withApiGroups("")
                        .withResources("secrets")
                        .withVerbs("get")
                        .endRule()
                        .build())
                .create();
        Subject alice = new Subject("rbac.authorization.k8s.io", "User", "alice", null);
        Subject ci = new Subject(null, "ServiceAccount", "ci", "build");
        client.rbac()
                .roleBindings()
                .inNamespace("shop")
                .resource(binding("readers", alice, ci))
                .create();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.rbac()
                                .roleBindings()
                                .inNamespace("shop")
                                .withName("readers")
                                .get()
                                .getSubjects()
                                .size()
                        == 1);
        assertThat(client.rbac()
                        .roleBindings()
                        .inNamespace("shop")
                        .withName("readers")
                        .get()
                        .getSubjects())
                .extracting(Subject::getName)
                .containsExactly("alice");

        // the profile's other test classes share the topic: only this intent's events
        List<String> statuses = await().atMost(Duration.ofSeconds(30))
                .until(
                        () ->
                                Topics.cloudEvents("trimtab.policy-events", RbacIntents.TYPE, 1, Duration.ofSeconds(2))
                                        .stream()
                                        .filter(e ->
                                                e.at("/data/intent").asText().equals("no-sa-secrets"))
                                        .map(e -> e.at("/data/status").asText() + ":"
                                                + e.at("/data/intent").asText())
                                        .toList(),
                        l -> l.size() >= 2);
        assertThat(statuses).containsExactly("open:no-sa-secrets", "resolved:no-sa-secrets");

        // the intent's result in its ClusterReport: it holds again
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var r = Reports.of(client, RbacIntents.REPORT, "RbacIntent", "", "no-sa-secrets");
            return r != null && r.path("results").findValuesAsText("result").equals(List.of("pass"));
        });
        JsonNode report = Reports.of(client, RbacIntents.REPORT, "RbacIntent", "", "no-sa-secrets");
        assertThat(report.at("/results/0/policy").asText()).isEqualTo("no-sa-secrets");
        assertThat(report.at("/results/0/resources/0/kind").asText()).isEqualTo("RbacIntent");
        assertThat(report.at("/results/0/message").asText()).isEqualTo("holds");

        String review =
                "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"r1\","
                        + "\"kind\":{\"group\":\"rbac.authorization.k8s.io\",\"version\":\"v1\",\"kind\":\"RoleBinding\"},"
                        + "\"resource\":{\"group\":\"rbac.authorization.k8s.io\",\"version\":\"v1\",\"resource\":\"rolebindings\"},"
                        + "\"name\":\"more\",\"namespace\":\"shop\",\"operation\":\"CREATE\",\"userInfo\":{\"username\":\"bob\"},"
                        + "\"object\":" + CloudEventCodec.JSON.writeValueAsString(binding("more", ci)) + "}}";
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
        assertThat(answer.at("/status/code").asInt()).isEqualTo(403);
        assertThat(answer.at("/status/message").asText()).contains("no-sa-secrets");
    }
}

package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Reports;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Remediation end to end (real broker, mock API): a Deployment failing required-labels is patched
 * in the API by the label-defaults MutatingAdmissionPolicy, whose binding asks for remediation;
 * the patch tests the resourceVersion, so an event about an outdated version is a conflict, not
 * an overwrite. Each attempt is a remediation CloudEvent and a PolicyReport entry.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PolicyAuditTest.Audit.class)
class RemediationTest {
    @Inject
    KubernetesClient client;

    private static String json(Deployment d) throws Exception {
        return CloudEventCodec.JSON.writeValueAsString(d);
    }

    @Test
    void aFailingWorkloadIsPatchedWithTheMutatingPolicyAndAStaleVersionIsNotOverwritten() throws Exception {
        Deployment live = client.apps()
                .deployments()
                .inNamespace("remediated")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("api")
                        .withNamespace("remediated")
                        .addToLabels("tier", "web")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(2)
                        .endSpec()
                        .build())
                .create();
        PolicyAuditTest.send("add", json(live));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.apps()
                                .deployments()
                                .inNamespace("remediated")
                                .withName("api")
                                .get()
                                .getMetadata()
                                .getLabels()
                                .size()
                        == 3);
        Deployment patched = client.apps()
                .deployments()
                .inNamespace("remediated")
                .withName("api")
                .get();
        assertThat(patched.getMetadata().getLabels())
                .isEqualTo(Map.of(
                        "tier", "web", "app.kubernetes.io/name", "api", "app.kubernetes.io/part-of", "remediated"));
        assertThat(patched.getSpec().getReplicas()).isEqualTo(2);

        // the version the first event carried is outdated now: its patch must not apply
        Deployment stale = client.apps()
                .deployments()
                .inNamespace("remediated")
                .resource(new DeploymentBuilder(patched)
                        .editMetadata()
                        .withLabels(Map.of("tier", "web"))
                        .endMetadata()
                        .build())
                .update();
        Deployment newer = client.apps()
                .deployments()
                .inNamespace("remediated")
                .resource(new DeploymentBuilder(stale)
                        .editMetadata()
                        .addToLabels("app.kubernetes.io/name", "kept")
                        .endMetadata()
                        .build())
                .update();
        PolicyAuditTest.send("update", json(stale));

        List<JsonNode> remediations = new ArrayList<>();
        Topics.readAll(
                        "trimtab.policy-events",
                        Duration.ofSeconds(20),
                        l -> l.stream()
                                        .filter(r -> new String(r.value()).contains(Remediation.TYPE))
                                        .count()
                                >= 2)
                .stream()
                .map(ConsumerRecord::value)
                .forEach(v -> {
                    try {
                        JsonNode e = CloudEventCodec.JSON.readTree(v);
                        if (e.path("type").asText().equals(Remediation.TYPE)) {
                            remediations.add(e.path("data"));
                        }
                    } catch (IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                });
        assertThat(remediations)
                .extracting(d -> d.path("outcome").asText().replaceAll(":.*", ""))
                .containsExactly("applied", "conflict");
        assertThat(remediations.get(0).path("policies").toString()).isEqualTo("[\"trimtab.dev-label-defaults\"]");
        assertThat(remediations.get(0).at("/patch/0").toString())
                .isEqualTo("{\"op\":\"test\",\"path\":" + "\"/metadata/resourceVersion\",\"value\":\""
                        + live.getMetadata().getResourceVersion() + "\"}");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("remediated")
                        .withName("api")
                        .get()
                        .getMetadata()
                        .getLabels())
                .isEqualTo(newer.getMetadata().getLabels());

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            var report = Reports.of(client, "trimtab-policy", "Deployment", "remediated", "api");
            return report != null && report.path("results").toString().contains("\"rule\":\"remediation\"");
        });
    }
}

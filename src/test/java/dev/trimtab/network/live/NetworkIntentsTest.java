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
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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
 * An Enforce-mode NetworkIntent over the live (mock) cluster, through the real broker: the open
 * metrics port is reported (events and PolicyReport), Trimtab writes the NetworkPolicy that closes
 * it, the violations resolve, a hand edit of that policy is repaired, and a foreign allow-all that
 * Trimtab may not touch is reported, naming it.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(EnforcedIntents.class)
class NetworkIntentsTest {

    @Inject
    KubernetesClient client;

    void namespace(String name, Map<String, String> labels) {
        client.namespaces()
                .resource(new NamespaceBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withLabels(labels)
                        .endMetadata()
                        .build())
                .create();
    }

    void pod(String ns, String name, String app, String ip) {
        client.pods()
                .inNamespace(ns)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .withLabels(Map.of("app", app))
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("main")
                        .addNewPort()
                        .withName("metrics")
                        .withContainerPort(9090)
                        .endPort()
                        .endContainer()
                        .endSpec()
                        .withNewStatus()
                        .withPodIP(ip)
                        .endStatus()
                        .build())
                .create();
    }

    /** The intent's own result in its ClusterReport, or "" while there is none. */
    String intentResult() {
        JsonNode report = Reports.of(client, NetworkIntents.REPORT, "NetworkIntent", "", "store-metrics");
        if (report == null) {
            return "";
        }
        for (JsonNode result : report.path("results")) {
            if (result.path("policy").asText().equals("store-metrics")
                    && result.path("rule").asText().equals("intent")) {
                return result.path("result").asText() + ": "
                        + result.path("message").asText();
            }
        }
        return "";
    }

    String storeReport() {
        // the pod's own report
        JsonNode r = Reports.of(client, NetworkIntents.REPORT, "Pod", "store", "web");
        return r == null ? "" : r.toString();
    }

    static List<JsonNode> events(String type, int atLeast) {
        return Topics.cloudEvents("trimtab.policy-events", type, atLeast, Duration.ofSeconds(20));
    }

    @Test
    void theOpenPortIsClosedRepairedAndAForeignAllowIsNamed() throws Exception {
        namespace("store", Map.of());
        namespace("monitoring", Map.of());
        namespace("guest", Map.of());
        pod("store", "web", "web", "10.8.0.10");
        pod("monitoring", "prom", "prom", "10.8.1.10");
        pod("guest", "client", "client", "10.8.2.10");
        // the store joins the intent's scope: its metrics port is open to all
        client.namespaces().withName("store").edit(n -> {
            n.getMetadata().getLabels().put("team", "store");
            return n;
        });

        // Trimtab writes the policy that lets only monitoring in on 9090
        var policies = client.network().v1().networkPolicies().inNamespace("store");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> policies.withName("trimtab-store-metrics-0").get() != null);
        NetworkPolicy written = policies.withName("trimtab-store-metrics-0").get();
        assertThat(written.getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "trimtab")
                .containsEntry("trimtab.dev/intent", "store-metrics");
        assertThat(written.getSpec().getIngress()).hasSize(1);
        assertThat(written.getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .get(0)
                        .getNamespaceSelector()
                        .getMatchLabels())
                .containsEntry("kubernetes.io/metadata.name", "monitoring");
        await().atMost(Duration.ofSeconds(20)).until(() -> intentResult().equals("pass: holds"));

        // each violation opened, then resolved by the enforcement; the enforcement names its change
        List<JsonNode> violations = events(NetworkIntents.VIOLATION, 4);
        assertThat(violations).anySatisfy(e -> {
            assertThat(e.at("/data/from").asText()).isEqualTo("guest/client");
            assertThat(e.at("/data/to").asText()).isEqualTo("store/web");
            assertThat(e.at("/data/port").asInt()).isEqualTo(9090);
            assertThat(e.at("/data/code").asText()).isEqualTo("AllowedFlow");
            assertThat(e.at("/data/status").asText()).isEqualTo("open");
        });
        long opened = violations.stream()
                .filter(e -> e.at("/data/status").asText().equals("open"))
                .count();
        long resolved = violations.stream()
                .filter(e -> e.at("/data/status").asText().equals("resolved"))
                .count();
        assertThat(opened).isGreaterThanOrEqualTo(2).isEqualTo(resolved);
        JsonNode enforcement = events(NetworkIntents.ENFORCEMENT, 1).get(0);
        assertThat(enforcement.at("/data/changes/0/action").asText()).isEqualTo("create");
        assertThat(enforcement.at("/data/changes/0/outcome").asText()).isEqualTo("applied");
        assertThat(enforcement.at("/data/holds").asBoolean()).isTrue();

        // someone widens Trimtab's policy by hand: it is put back
        policies.withName("trimtab-store-metrics-0").edit(p -> {
            p.getSpec().getIngress().get(0).setFrom(List.of());
            return p;
        });
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !policies.withName("trimtab-store-metrics-0")
                        .get()
                        .getSpec()
                        .getIngress()
                        .get(0)
                        .getFrom()
                        .isEmpty());
        await().atMost(Duration.ofSeconds(20)).until(() -> intentResult().equals("pass: holds"));

        // a foreign allow-all cannot be overridden: reported on the pod, naming the policy
        policies.resource(new NetworkPolicyBuilder()
                        .withNewMetadata()
                        .withName("allow-all")
                        .withNamespace("store")
                        .endMetadata()
                        .withNewSpec()
                        .withNewPodSelector()
                        .endPodSelector()
                        .addNewIngress()
                        .endIngress()
                        .endSpec()
                        .build())
                .create();
        await().atMost(Duration.ofSeconds(20)).until(() -> storeReport().contains("store/allow-all"));
        await().atMost(Duration.ofSeconds(20)).until(() -> intentResult().startsWith("fail: "));
        JsonNode storeReport = CloudEventCodec.JSON.readTree(storeReport());
        assertThat(storeReport.path("results")).anySatisfy(r -> {
            assertThat(r.at("/resources/0/kind").asText()).isEqualTo("Pod");
            assertThat(r.at("/resources/0/name").asText()).isEqualTo("web");
            assertThat(r.path("result").asText()).isEqualTo("fail");
            assertThat(r.path("message").asText())
                    .contains("guest/client -> store/web 9090/TCP")
                    .contains("store/allow-all");
        });
        assertThat(policies.withName("allow-all").get()).isNotNull();

        // the same answer over HTTP, with the plan that cannot fix it
        JsonNode answer = CloudEventCodec.JSON.valueToTree(given().get("/network/intents?plan=true")
                .then()
                .statusCode(200)
                .extract()
                .as(Map.class));
        assertThat(answer.path("violations")).isNotEmpty();
        assertThat(answer.at("/plan/holds").asBoolean()).isFalse();
        assertThat(answer.at("/plan/changes")).isEmpty();
        assertThat(answer.at("/plan/unresolvable/0/policies/0").asText()).isEqualTo("store/allow-all");
    }
}

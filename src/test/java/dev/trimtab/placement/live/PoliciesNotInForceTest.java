package dev.trimtab.placement.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.policy.core.ReportApi;
import dev.trimtab.policy.live.LivePolicies;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Reports;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Trimtab's own cluster writes wait until the cluster's policies are in force: the list of
 * ValidatingAdmissionPolicies is refused (403, as while RBAC is not granted yet) until the test
 * opens the gate. Meanwhile a pending pod is placed but not bound (its decision and its
 * FailedScheduling event say "held: policies not yet in force"), a rebalance eviction is not made
 * (its decision says so), and the audit neither reports nor remediates; once the list succeeds,
 * the pod is bound, the pod is evicted and the audit reports and patches.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PoliciesNotInForceTest.Held.class)
class PoliciesNotInForceTest {
    static final String LIST = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies?resourceVersion=0";
    static final String HELD = "held: " + LivePolicies.NOT_IN_FORCE;

    public static class Held implements QuarkusTestProfile, MockKubernetes.Setup {
        @Override
        public void prepare(KubernetesServer server) {
            new Gate().accept(server);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("trimtab.test.await-policies", "false"),
                    Map.entry("trimtab.policy.watch-backoff.initial", "200ms"),
                    Map.entry("trimtab.policy.watch-backoff.max", "500ms"),
                    Map.entry("trimtab.policy.directory", "src/test/resources/audit"),
                    Map.entry("trimtab.policy.report-interval", "200ms"),
                    Map.entry("mp.messaging.incoming.policy-audit.enabled", "true"),
                    Map.entry("mp.messaging.incoming.placement-events.enabled", "true"),
                    Map.entry("trimtab.placement.mock-api", "true"),
                    Map.entry("trimtab.placement.rebalance", "true"),
                    Map.entry("trimtab.placement.rebalance-evict", "true"),
                    Map.entry("trimtab.placement.rebalance-interval", "200ms"));
        }
    }

    /** Whether the cluster's ValidatingAdmissionPolicies may be listed yet. */
    static final AtomicBoolean OPEN = new AtomicBoolean();

    public static class Gate implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            OPEN.set(false);
            server.expect()
                    .get()
                    .withPath(LIST)
                    .andReply(new ResponseProvider<>() {
                        private Headers headers = Headers.builder().build();

                        public int getStatusCode(RecordedRequest request) {
                            return OPEN.get() ? 200 : 403;
                        }

                        public Object getBody(RecordedRequest request) {
                            return OPEN.get()
                                    ? Map.of(
                                            "apiVersion",
                                            "admissionregistration.k8s.io/v1",
                                            "kind",
                                            "ValidatingAdmissionPolicyList",
                                            "metadata",
                                            Map.of("resourceVersion", "1"),
                                            "items",
                                            List.of())
                                    : Map.of(
                                            "apiVersion",
                                            "v1",
                                            "kind",
                                            "Status",
                                            "status",
                                            "Failure",
                                            "reason",
                                            "Forbidden",
                                            "code",
                                            403,
                                            "message",
                                            "validatingadmissionpolicies.admissionregistration.k8s.io is forbidden");
                        }

                        public Headers getHeaders() {
                            return headers;
                        }

                        public void setHeaders(Headers h) {
                            headers = h;
                        }
                    })
                    .always();
            // the mock API's CRUD store answers an eviction with 409 (it exists already): here it is granted, once
            server.expect()
                    .post()
                    .withPath("/api/v1/namespaces/nf-rebal/pods/nf-old/eviction")
                    .andReturn(
                            201,
                            Map.of(
                                    "apiVersion",
                                    "policy/v1",
                                    "kind",
                                    "Eviction",
                                    "metadata",
                                    Map.of("name", "nf-old", "namespace", "nf-rebal")))
                    .once();
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    MeterRegistry registry;

    @Inject
    LivePolicies policies;

    static JsonNode json(ConsumerRecord<String, byte[]> r) {
        try {
            return CloudEventCodec.JSON.readTree(r.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> outcomes(String key, int atLeast) {
        return Topics.readAll(
                        "trimtab.decisions",
                        Duration.ofSeconds(20),
                        l -> l.stream().filter(r -> key.equals(r.key())).count() >= atLeast)
                .stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> json(r).at("/data/outcome").asText())
                .toList();
    }

    double counted(String name, String... tags) {
        var c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void noBindEvictionReportOrPatchIsMadeUntilThePoliciesAreInForce() throws Exception {
        assertThat(policies.inForce()).isFalse();
        // placement: a node and a pending pod of ours
        PlacementFunctionTest.send(PlacementFunctionTest.node("nf-node", "8", null));
        String pod = PlacementFunctionTest.pod("nf-1", "1").replace("\"namespace\":\"place\"", "\"namespace\":\"nf\"");
        client.pods()
                .inNamespace("nf")
                .resource(CloudEventCodec.JSON.readValue(pod, Pod.class))
                .create();
        PlacementFunctionTest.send(pod);
        // rebalance: a running pod on a node tainted afterwards
        PlacementFunctionTest.send(PlacementFunctionTest.node("nf-drain", "8", "maintenance"));
        String old = PlacementFunctionTest.pod("nf-old", "500m")
                .replace(
                        "\"namespace\":\"place\"",
                        "\"namespace\":\"nf-rebal\","
                                + "\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"old\","
                                + "\"uid\":\"rs-1\",\"controller\":true}]")
                .replace(
                        "\"schedulerName\":\"trimtab\",",
                        "\"schedulerName\":\"default-scheduler\",\"nodeName\":\"nf-drain\",")
                .replace("\"phase\":\"Pending\"", "\"phase\":\"Running\"");
        client.pods()
                .inNamespace("nf-rebal")
                .resource(CloudEventCodec.JSON.readValue(old, Pod.class))
                .create();
        PlacementFunctionTest.send(old);
        // audit and remediation: a Deployment without the required labels
        Deployment live = client.apps()
                .deployments()
                .inNamespace("nf-audit")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("api")
                        .withNamespace("nf-audit")
                        .addToLabels("tier", "web")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(2)
                        .endSpec()
                        .build())
                .create();
        PlacementFunctionTest.send(CloudEventCodec.JSON.writeValueAsString(live)); // the audit reads the same topic

        assertThat(outcomes("nf/nf-1", 1)).containsExactly(HELD);
        assertThat(outcomes("nf-rebal/nf-old", 1)).containsExactly(HELD);
        await().atMost(Duration.ofSeconds(20)).until(() -> counted("trimtab_policy_audit_held_total") >= 1);
        assertThat(client.pods()
                        .inNamespace("nf")
                        .withName("nf-1")
                        .get()
                        .getSpec()
                        .getNodeName())
                .isNull();
        assertThat(client.v1().events().inNamespace("nf").list().getItems())
                .extracting(Event::getMessage)
                .containsExactly("binding to nf-node " + HELD);
        assertThat(client.pods().inNamespace("nf-rebal").withName("nf-old").get())
                .as("not evicted")
                .isNotNull();
        assertThat(counted("trimtab_placement_guardrail_held_total", "action", "bind"))
                .isEqualTo(1);
        assertThat(counted("trimtab_placement_guardrail_held_total", "action", "evict"))
                .isGreaterThanOrEqualTo(1);
        Thread.sleep(600); // a few report intervals and rebalance ticks: still nothing written, nothing logged again
        assertThat(Reports.all(client, ReportApi.openreports, "trimtab-policy", "nf-audit"))
                .isEmpty();
        assertThat(client.apps()
                        .deployments()
                        .inNamespace("nf-audit")
                        .withName("api")
                        .get()
                        .getMetadata()
                        .getLabels())
                .isEqualTo(Map.of("tier", "web"));
        assertThat(outcomes("nf-rebal/nf-old", 1)).containsExactly(HELD);

        OPEN.set(true);
        await().atMost(Duration.ofSeconds(20)).until(policies::inForce);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> "nf-node"
                        .equals(client.pods()
                                .inNamespace("nf")
                                .withName("nf-1")
                                .get()
                                .getSpec()
                                .getNodeName()));
        assertThat(outcomes("nf/nf-1", 2)).containsExactly(HELD, "bound");
        List<String> evictions = outcomes("nf-rebal/nf-old", 2);
        assertThat(evictions).containsExactly(HELD, "evicted");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.apps()
                                .deployments()
                                .inNamespace("nf-audit")
                                .withName("api")
                                .get()
                                .getMetadata()
                                .getLabels()
                                .size()
                        == 3);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Reports.of(client, "trimtab-policy", "Deployment", "nf-audit", "api") != null);
    }
}

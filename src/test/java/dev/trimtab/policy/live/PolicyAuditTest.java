package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Reports;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Continuous audit through a real broker: ApiServerSource pod events on trimtab.cluster-events are
 * reviewed; the namespace's PolicyReport in the API follows each pod's latest version (fail, then
 * pass after a fix, then nothing after the delete), and each change is a CloudEvent on
 * trimtab.policy-events.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PolicyAuditTest.Audit.class)
class PolicyAuditTest {
    public static class Audit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // both feeds of the audit: events on trimtab.cluster-events (this class, namespace "audited")
            // and informers on the API's pods (AuditInformersTest, namespace "watched")
            return Map.of(
                    "trimtab.policy.directory",
                    "src/test/resources/audit",
                    "mp.messaging.incoming.policy-audit.enabled",
                    "true",
                    "trimtab.policy.audit-informers",
                    "v1/Pod",
                    "trimtab.policy.report-interval",
                    "200ms",
                    // small, so that an oversized record is cheap to send
                    "trimtab.autoscaler.input.max-event-bytes",
                    "8192",
                    "trimtab.autoscaler.input.max-depth",
                    "32");
        }
    }

    @Inject
    KubernetesClient client;

    static void send(String type, String pod) throws Exception {
        send(null, type, pod);
    }

    static void send(String key, String type, String pod) throws Exception {
        try (KafkaProducer<String, byte[]> producer = Topics.producer()) {
            String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/apiserver\","
                    + "\"type\":\"dev.knative.apiserver.resource." + type + "\",\"time\":\"" + Instant.now()
                    + "\",\"data\":"
                    + pod + "}";
            ProducerRecord<String, byte[]> r =
                    new ProducerRecord<>("trimtab.cluster-events", key, event.getBytes(StandardCharsets.UTF_8));
            r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            producer.send(r).get();
        }
    }

    static String pod(String image) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web\",\"namespace\":\"audited\","
                + "\"uid\":\"u-1\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"" + image + "\"}]}}";
    }

    JsonNode report() {
        return Reports.of(client, "trimtab-policy", "Pod", "audited", "web");
    }

    @Test
    void theReportFollowsEachObjectAndEveryChangeIsAnEvent() throws Exception {
        send("add", pod("nginx:latest"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> report() != null && report().at("/summary/fail").asInt() == 1);
        JsonNode result = report().at("/results/0");
        assertThat(result.path("policy").asText()).isEqualTo("no-latest");
        assertThat(result.path("rule").asText()).isEqualTo("no-latest/validations[0]");
        assertThat(result.path("result").asText()).isEqualTo("fail");
        assertThat(result.path("message").asText()).isEqualTo("no :latest images");
        assertThat(result.at("/resources/0/name").asText()).isEqualTo("web");

        send("update", pod("nginx:1.27"));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> report().at("/summary/pass").asInt() == 1
                        && report().at("/summary/fail").asInt() == 0);

        send("delete", pod("nginx:1.27"));
        // its report goes with it (in a cluster its ownerReference would too)
        await().atMost(Duration.ofSeconds(20)).until(() -> report() == null);

        List<String> results = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : Topics.readAll(
                "trimtab.policy-events",
                Duration.ofSeconds(20),
                l -> l.stream().filter(r -> "audited/web".equals(r.key())).count() >= 3)) {
            if ("audited/web".equals(r.key())) {
                JsonNode data = CloudEventCodec.JSON.readTree(r.value()).path("data");
                results.add(data.path("result").asText() + "<-"
                        + data.path("previous").asText("none"));
            }
        }
        assertThat(results).containsExactly("fail<-none", "pass<-fail", "null<-pass");
    }

    @Test
    void aRecordBeyondTheInputLimitsIsDeadLetteredNamingTheLimitAndTheAuditGoesOn() throws Exception {
        String big = pod("nginx:latest")
                .replace("\"uid\":\"u-1\"", "\"uid\":\"u-2\",\"annotations\":{\"pad\":\"" + "x".repeat(9000) + "\"}")
                .replace("\"name\":\"web\",\"namespace\":\"audited\"", "\"name\":\"big\",\"namespace\":\"limits\"");
        send("limits/big", "add", big);
        send("limits/deep", "add", "[".repeat(40) + "]".repeat(40));
        send(
                "limits/after",
                "add",
                pod("nginx:latest").replace("\"namespace\":\"audited\"", "\"namespace\":\"limits\""));

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode r = Reports.of(client, "trimtab-policy", "Pod", "limits", "web");
            return r != null && r.at("/summary/fail").asInt() == 1;
        });
        Map<String, String> reasons = Topics.deadLetterReasons("trimtab.policy.dead-letter", "limits/", 2);
        assertThat(reasons).containsOnlyKeys("limits/big", "limits/deep");
        assertThat(reasons.get("limits/big"))
                .matches(".*the event is \\d+ bytes, more than the 8192 accepted \\(max-event-bytes\\).*");
        assertThat(reasons.get("limits/deep"))
                .contains("the event nests JSON deeper than the 32 levels accepted (max-depth)");
    }
}

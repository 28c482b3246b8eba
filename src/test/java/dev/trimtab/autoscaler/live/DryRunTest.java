package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Dry-run decides and logs but never writes; excluded namespaces are refused (NamespaceExcluded); the
 * heartbeat evaluates policies when no event comes (here every 2 s, holds logged).
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(DryRunTest.DryRun.class)
class DryRunTest extends LiveFixture {

    public static class DryRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trimtab.autoscaler.dry-run",
                    "true",
                    "trimtab.autoscaler.excluded-namespaces",
                    "platform",
                    "trimtab.autoscaler.resync",
                    "2s",
                    "trimtab.autoscaler.log-holds",
                    "true");
        }
    }

    @Test
    void dryRunLogsTheDecisionAndWritesNothing() throws Exception {
        String key = workload("dry", "web");
        structured("trimtab.metrics", key, cpu("dry", "web", 450));
        Predicate<ConsumerRecord<String, byte[]>> rescale =
                r -> key.equals(r.key()) && new String(r.value(), StandardCharsets.UTF_8).contains("\"rescale\":true");
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions", Duration.ofSeconds(20), l -> l.stream().anyMatch(rescale));
        JsonNode d = json(
                decisions.stream().filter(rescale).findFirst().orElseThrow().value());
        assertThat(d.at("/data/desiredReplicas").asInt()).isEqualTo(4);
        assertThat(d.at("/data/outcome").asText()).isEqualTo("dry-run");
        assertThat(replicas("dry", "web")).isEqualTo(2);
    }

    @Test
    void excludedNamespacesAreRefusedAndNeverScaled() throws Exception {
        String excluded = workload("platform", "core");
        structured("trimtab.metrics", excluded, cpu("platform", "core", 450));
        String marker = workload("dry", "marker");
        structured("trimtab.metrics", marker, cpu("dry", "marker", 450)); // same partition key space: processed after
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions",
                Duration.ofSeconds(20),
                l -> l.stream().anyMatch(r -> marker.equals(r.key()))
                        && l.stream().anyMatch(r -> excluded.equals(r.key())));
        List<JsonNode> refused = decisions.stream()
                .filter(r -> excluded.equals(r.key()))
                .map(r -> {
                    try {
                        return json(r.value());
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
        assertThat(refused).isNotEmpty().allSatisfy(d -> {
            assertThat(d.at("/data/reason").asText()).isEqualTo("NamespaceExcluded");
            assertThat(d.at("/data/desiredReplicas").asInt())
                    .isEqualTo(d.at("/data/currentReplicas").asInt());
        });
        assertThat(replicas("platform", "core")).isEqualTo(2);
    }

    @Test
    void theHeartbeatEvaluatesWithoutEvents() throws Exception {
        String key = workload("dry", "quiet");
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions",
                Duration.ofSeconds(20),
                l -> l.stream()
                        .anyMatch(r -> key.equals(r.key())
                                && r.value() != null
                                && new String(r.value(), StandardCharsets.UTF_8).contains("autoscaler.resync")));
        JsonNode d = json(decisions.stream()
                .filter(r -> key.equals(r.key()))
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains("autoscaler.resync"))
                .findFirst()
                .orElseThrow()
                .value());
        assertThat(d.at("/data/trigger/type").asText()).isEqualTo("dev.trimtab.autoscaler.resync");
        assertThat(d.at("/data/reason").asText()).as("no cpu sample ever came").isEqualTo("FailedGetMetrics");
    }
}

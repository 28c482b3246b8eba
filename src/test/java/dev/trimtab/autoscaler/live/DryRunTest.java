package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Dry-run decides and logs but never writes; excluded namespaces are never decided on. */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(DryRunTest.DryRun.class)
class DryRunTest extends LiveFixture {

    public static class DryRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trimtab.autoscaler.dry-run", "true", "trimtab.autoscaler.excluded-namespaces", "platform",
                    "mp.messaging.incoming.cluster-events.group.id", "trimtab-dry-run",
                    "mp.messaging.incoming.metrics.group.id", "trimtab-dry-run");
        }
    }

    @Test
    void dryRunLogsTheDecisionAndWritesNothing() throws Exception {
        String key = workload("dry", "web");
        structured("trimtab.metrics", key, cpu("dry", "web", 450));
        List<ConsumerRecord<String, byte[]>> decisions = readAll("trimtab.decisions", Duration.ofSeconds(20),
                l -> l.stream().anyMatch(r -> key.equals(r.key())));
        JsonNode d = json(decisions.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow().value());
        assertThat(d.at("/data/desiredReplicas").asInt()).isEqualTo(4);
        assertThat(d.at("/data/outcome").asText()).isEqualTo("dry-run");
        assertThat(replicas("dry", "web")).isEqualTo(2);
    }

    @Test
    void excludedNamespacesAreNeverDecidedOn() throws Exception {
        String excluded = workload("platform", "core");
        structured("trimtab.metrics", excluded, cpu("platform", "core", 450));
        String marker = workload("dry", "marker");
        structured("trimtab.metrics", marker, cpu("dry", "marker", 450));   // same partition key space: processed after
        List<ConsumerRecord<String, byte[]>> decisions = readAll("trimtab.decisions", Duration.ofSeconds(20),
                l -> l.stream().anyMatch(r -> marker.equals(r.key())));
        assertThat(decisions).noneMatch(r -> excluded.equals(r.key()));
        assertThat(replicas("platform", "core")).isEqualTo(2);
    }
}

package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End to end through the broker and the mock API server: one workload whose decision cannot be
 * applied (its write conflicts, and the re-read object cannot be read: a selector operator the
 * API would never store) fails alone, as its decision's outcome; the other workload of the batch
 * is decided and written, and each decision names its metric event in {@code inputs}.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class ApplyFailureTest extends LiveFixture {

    @Test
    void anExceptionApplyingOneWorkloadsDecisionLeavesTheOtherWorkloadsOfTheBatchDecidedAndWritten() throws Exception {
        String bad = "applybad" + System.nanoTime();
        String good = "applygood" + System.nanoTime();
        String badKey = workload(bad, "web");
        String goodKey = workload(good, "web");
        // changed behind the autoscaler's back: its write conflicts, and the re-read throws
        client.apps().deployments().inNamespace(bad).withName("web").edit(d -> {
            d.getSpec()
                    .getSelector()
                    .getMatchExpressions()
                    .add(new LabelSelectorRequirement("app", "Bogus", List.of()));
            return d;
        });

        String badSample = cpu(bad, "web", 450);
        String goodSample = cpu(good, "web", 450);
        for (String[] r : new String[][] {{badKey, badSample}, {goodKey, goodSample}}) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(
                    "trimtab.metrics",
                    0,
                    r[0],
                    r[1].getBytes(StandardCharsets.UTF_8)); // one partition: one batch, as far as the poll allows
            record.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            producer.send(record);
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(good, "web") == 4);
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions",
                Duration.ofSeconds(20),
                l -> l.stream().anyMatch(r -> badKey.equals(r.key()))
                        && l.stream().anyMatch(r -> goodKey.equals(r.key())));
        JsonNode badDecision = data(decisions, badKey);
        JsonNode goodDecision = data(decisions, goodKey);
        assertThat(badDecision.get("outcome").asText()).startsWith("failed: ").contains("Bogus");
        assertThat(goodDecision.get("outcome").asText()).isEqualTo("written");
        assertThat(badDecision.get("inputs")).extracting(JsonNode::asText).containsExactly(id(badSample));
        assertThat(goodDecision.get("inputs")).extracting(JsonNode::asText).containsExactly(id(goodSample));
        assertThat(replicas(bad, "web")).isEqualTo(2);
        assertThat(readAll("trimtab.autoscaler.dead-letter", Duration.ofSeconds(2), l -> false))
                .as("nothing of the batch dead-lettered")
                .noneMatch(r -> badKey.equals(r.key()) || goodKey.equals(r.key()));
    }

    private static JsonNode data(List<ConsumerRecord<String, byte[]>> decisions, String key) throws Exception {
        return json(decisions.stream()
                        .filter(r -> key.equals(r.key()))
                        .findFirst()
                        .orElseThrow()
                        .value())
                .get("data");
    }

    private static String id(String event) throws Exception {
        return json(event.getBytes(StandardCharsets.UTF_8)).get("id").asText();
    }
}

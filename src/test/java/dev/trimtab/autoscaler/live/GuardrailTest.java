package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Guardrails;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The policy engine guards the autoscaler end to end: a metric event on Kafka asks for 4 replicas,
 * a ValidatingAdmissionPolicy caps /scale at 3 in namespace shop, so nothing is written and the
 * decision on the decisions topic names the policy and binding; elsewhere the write goes ahead.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(Guardrails.class)
class GuardrailTest extends LiveFixture {

    @Test
    void aDeniedDecisionIsNotWrittenAndItsLogNamesThePolicy() throws Exception {
        String capped = workload("shop", "capped");
        structured("trimtab.metrics", capped, cpu("shop", "capped", 450));
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions", Duration.ofSeconds(20), l -> l.stream().anyMatch(r -> capped.equals(r.key())));
        JsonNode d = json(decisions.stream()
                .filter(r -> capped.equals(r.key()))
                .findFirst()
                .orElseThrow()
                .value());
        assertThat(d.at("/data/desiredReplicas").asInt()).isEqualTo(4);
        assertThat(d.at("/data/outcome").asText())
                .isEqualTo("denied by policy: deployments.apps \"capped\" is "
                        + "forbidden: ValidatingAdmissionPolicy 'ceiling-of-three' with binding 'ceiling-of-three-in-shop' "
                        + "denied request: at most 3 replicas, not 4");
        assertThat(replicas("shop", "capped")).isEqualTo(2);

        String free = workload("free", "web");
        structured("trimtab.metrics", free, cpu("free", "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas("free", "web") == 4);
        assertThat(new String(
                        readAll(
                                        "trimtab.decisions",
                                        Duration.ofSeconds(20),
                                        l -> l.stream().anyMatch(r -> free.equals(r.key())))
                                .stream()
                                .filter(r -> free.equals(r.key()))
                                .findFirst()
                                .orElseThrow()
                                .value(),
                        StandardCharsets.UTF_8))
                .contains("\"outcome\":\"written\"");
    }
}

package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A metric batch with a quantity bomb, a negative usage and a sample from the future, through the
 * real broker: the bad records are dead-lettered with their reasons and counted, the good one
 * decides, nothing of the bad ones reaches a decision, and all of it is quick (docs/decisions/0018).
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class HostileInputTest extends LiveFixture {

    @Inject
    MeterRegistry registry;

    /** Both pods of {@code name} report {@code cpu} (a quantity, as written), measured at {@code at}. */
    static String usage(String ns, String name, String cpu, Instant at) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"")
                    .append(name)
                    .append('-')
                    .append(i)
                    .append("\",\"namespace\":\"")
                    .append(ns)
                    .append("\"},\"timestamp\":\"")
                    .append(at)
                    .append("\",\"window\":\"15s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"")
                    .append(cpu)
                    .append("\"}}]}");
        }
        return event(
                "dev.trimtab.metrics",
                Instant.now(),
                "{\"apiVersion\":\"metrics.k8s.io/v1beta1\"," + "\"kind\":\"PodMetricsList\",\"items\":[" + items
                        + "]}");
    }

    @Test
    void badRecordsOfABatchAreDeadLetteredWithTheirReasonsAndTheGoodOneDecides() throws Exception {
        long started = System.nanoTime();
        String ns = "hostile" + System.nanoTime(); // the topics are shared with other test classes
        String key = workload(ns, "web");
        double negativeBefore = rejections("NegativeValue");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<String> batch = List.of(
                usage(ns, "web", "450m", now), // good: 90% of request, target 50%
                usage(ns, "web", "1e-100000000", now), // a quantity bomb
                usage(ns, "web", "-500m", now), // negative usage: a scale-down, if believed
                usage(ns, "web", "1m", now.plus(Duration.ofHours(1)))); // from the future: never stale, if believed
        for (String value : batch) { // one burst: usually one poll
            ProducerRecord<String, byte[]> r =
                    new ProducerRecord<>("trimtab.metrics", key, value.getBytes(StandardCharsets.UTF_8));
            r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            producer.send(r);
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(30)).until(() -> replicas(ns, "web") == 4);
        List<ConsumerRecord<String, byte[]>> dead = readAll(
                        "trimtab.autoscaler.dead-letter",
                        Duration.ofSeconds(30),
                        l -> l.stream().filter(r -> key.equals(r.key())).count() >= 3)
                .stream()
                .filter(r -> key.equals(r.key()))
                .toList();
        assertThat(dead)
                .extracting(r -> header(r, "dead-letter-reason"))
                .satisfiesExactly(
                        bomb -> assertThat(bomb)
                                .contains("items[0].containers[0].usage.cpu: got \"1e-100000000\"")
                                .contains("the exponent -100000000 is out of range"),
                        negative -> assertThat(negative)
                                .contains("items[0].containers[0].usage.cpu: got \"-500m\"")
                                .contains("must not be negative (resource usage of pod " + ns
                                        + "/web-0, container \"app\", resource cpu)"),
                        future -> assertThat(future)
                                .contains("items[0].timestamp: got \"" + now.plus(Duration.ofHours(1)) + "\"")
                                .contains("(max-clock-skew) ahead of the decision clock"));
        assertThat(dead)
                .allSatisfy(r -> assertThat(header(r, "dead-letter-topic")).isEqualTo("trimtab.metrics"));
        assertThat(dead)
                .extracting(r -> header(r, "dead-letter-reason-code"))
                .containsExactly("InvalidQuantity", "NegativeValue", "FutureTimestamp");
        assertThat(rejections("NegativeValue")).isEqualTo(negativeBefore + 1);
        assertThat(rejections("InvalidQuantity")).isGreaterThanOrEqualTo(1);
        assertThat(rejections("FutureTimestamp")).isGreaterThanOrEqualTo(1);

        // every decision taken for the workload saw the good samples only: 90% utilization
        List<JsonNode> decisions = readAll(
                        "trimtab.decisions",
                        Duration.ofSeconds(20),
                        l -> l.stream().anyMatch(r -> key.equals(r.key())))
                .stream()
                .filter(r -> key.equals(r.key()))
                .map(r -> parse(r.value()))
                .toList();
        assertThat(decisions).isNotEmpty().allSatisfy(d -> {
            assertThat(d.at("/data/metrics/0/current/averageUtilization").asInt())
                    .isEqualTo(90);
            assertThat(d.at("/data/desiredReplicas").asInt()).isEqualTo(4);
        });
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.genericKubernetesResources(POLICIES)
                                .inNamespace(ns)
                                .withName("web")
                                .get()
                                .getAdditionalProperties()
                                .get("status")
                        != null);
        JsonNode status = CloudEventCodec.JSON.valueToTree(client.genericKubernetesResources(POLICIES)
                .inNamespace(ns)
                .withName("web")
                .get()
                .getAdditionalProperties()
                .get("status"));
        assertThat(status.at("/currentMetrics/0/current/averageUtilization").asInt())
                .isEqualTo(90);
        assertThat(replicas(ns, "web")).as("no scale-down from the bad records").isEqualTo(4);
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("a generous bound against a hang")
                .isLessThan(Duration.ofSeconds(90));
    }

    @Test
    void anOversizedEventIsRejectedBeforeItIsParsed() throws Exception {
        // Kafka's default limits stop a record this big at the producer; the push endpoint is the way in
        String ns = "big" + System.nanoTime();
        workload(ns, "api");
        String huge = usage(ns, "api", "450m", Instant.now())
                .replace("\"source\":\"/test\"", "\"source\":\"" + "x".repeat(1_100_000) + "\"");
        double before = registry
                .find("trimtab_autoscaler_rejections_total")
                .tags("channel", "http", "reason", "TooLarge")
                .counters()
                .stream()
                .mapToDouble(c -> c.count())
                .sum();
        given().contentType("application/cloudevents+json")
                .body(huge)
                .when()
                .post("/")
                .then()
                .statusCode(400)
                .body(equalTo("the event is " + huge.getBytes(StandardCharsets.UTF_8).length
                        + " bytes, more than the 1048576 accepted (max-event-bytes)"));
        assertThat(registry.find("trimtab_autoscaler_rejections_total")
                        .tags("channel", "http", "reason", "TooLarge")
                        .counter()
                        .count())
                .isEqualTo(before + 1);
        given().contentType("application/cloudevents+json")
                .body(usage(ns, "api", "450m", Instant.now()))
                .when()
                .post("/")
                .then()
                .statusCode(202);
        assertThat(replicas(ns, "api")).isEqualTo(4);

        // a little ahead (within max-clock-skew): taken as measured now, and counted
        double clamped = registry.find("trimtab_autoscaler_future_samples_clamped_total")
                .counter()
                .count();
        given().contentType("application/cloudevents+json")
                .body(usage(ns, "api", "450m", Instant.now().plusSeconds(2)))
                .when()
                .post("/")
                .then()
                .statusCode(202);
        assertThat(registry.find("trimtab_autoscaler_future_samples_clamped_total")
                        .counter()
                        .count())
                .isEqualTo(clamped + 2);
    }

    private double rejections(String reason) {
        var c = registry.find("trimtab_autoscaler_rejections_total")
                .tags("channel", "metrics", "reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return json(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

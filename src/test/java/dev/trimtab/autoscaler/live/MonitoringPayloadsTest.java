package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.IngestSources;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.OtlpBodies;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Monitoring payloads read from Kafka: OTLP protobuf records, as the OpenTelemetry Collector's
 * Kafka exporter writes them (unkeyed), scale the workloads whose policies read their points; a
 * record that cannot be read goes to the dead-letter topic with a reason naming the field, and
 * the records after it are still read.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(IngestSources.class)
class MonitoringPayloadsTest extends LiveFixture {
    static final String PODS = "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"sessions\"},"
            + "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"10\"}}}]";

    @Test
    void collectorRecordsScaleWorkloadsAndABadRecordIsDeadLetteredWithoutStoppingTheRest() throws Exception {
        workload("mp", "web", PODS);
        long now = System.currentTimeMillis();
        producer.send(new ProducerRecord<>(
                        "trimtab.monitoring", null, "not protobuf at all".getBytes(StandardCharsets.UTF_8)))
                .get();
        var r0 = OtlpBodies.resource(Map.of("k8s.namespace.name", "mp", "k8s.pod.name", "web-0"));
        var r1 = OtlpBodies.resource(Map.of("k8s.namespace.name", "mp", "k8s.pod.name", "web-1"));
        producer.send(new ProducerRecord<>(
                        "trimtab.monitoring",
                        null,
                        OtlpBodies.protobuf(List.of(
                                OtlpBodies.gauge(r0, "sessions", Map.of(), 50, now),
                                OtlpBodies.gauge(r1, "sessions", Map.of(), 50, now)))))
                .get();

        await().atMost(Duration.ofSeconds(30)).until(() -> replicas("mp", "web") > 2);
        List<ConsumerRecord<String, byte[]>> dead = readAll(
                "trimtab.autoscaler.dead-letter",
                Duration.ofSeconds(20),
                l -> l.stream().anyMatch(MonitoringPayloadsTest::ours));
        ConsumerRecord<String, byte[]> letter =
                dead.stream().filter(MonitoringPayloadsTest::ours).findFirst().orElseThrow();
        assertThat(header(letter, "dead-letter-reason")).startsWith("otlp_proto: ExportMetricsServiceRequest");
        assertThat(header(letter, "dead-letter-topic")).isEqualTo("trimtab.monitoring");
    }

    private static boolean ours(ConsumerRecord<String, byte[]> r) {
        return new String(r.value(), StandardCharsets.UTF_8).equals("not protobuf at all");
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

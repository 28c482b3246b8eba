package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.RemoteWriteBodies;
import dev.trimtab.testing.RemoteWriteBodies.TimeSeries;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prometheus remote write end to end on the real broker: a request's series reach the workloads
 * whose policies read them, as metric events keyed by workload on trimtab.metrics, and scale them;
 * a request that breaks the specification is refused whole with the series named.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class RemoteWriteLiveTest extends LiveFixture {
    static final String PODS = "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"http_requests\"},"
            + "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"10\"}}}]";
    static final String EXTERNAL = "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue_depth\","
            + "\"selector\":{\"matchLabels\":{\"queue\":\"orders\"}}},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"5\"}}}]";

    @Test
    void aRequestsSeriesScaleTheWorkloadsThatReadThem() throws Exception {
        workload("rw", "web", PODS);
        workload("rw", "worker", EXTERNAL);
        long now = System.currentTimeMillis();
        byte[] body = RemoteWriteBodies.snappy(List.of(
                TimeSeries.of("http_requests", Map.of("namespace", "rw", "pod", "web-0", "job", "web"), 40, now),
                TimeSeries.of("http_requests", Map.of("namespace", "rw", "pod", "web-1", "job", "web"), 40, now),
                TimeSeries.of("queue_depth", Map.of("queue", "orders"), 60, now),
                TimeSeries.of("up", Map.of("job", "unrelated"), 1, now)));

        write(body).then().statusCode(204);

        await().atMost(Duration.ofSeconds(30)).until(() -> replicas("rw", "web") > 2 && replicas("rw", "worker") > 2);
        List<ConsumerRecord<String, byte[]>> metrics = readAll(
                "trimtab.metrics",
                Duration.ofSeconds(10),
                l -> l.stream().filter(r -> "rw/worker".equals(r.key())).count() >= 1);
        List<ConsumerRecord<String, byte[]>> ours = metrics.stream()
                .filter(r -> r.key() != null && r.key().startsWith("rw/"))
                .toList();
        assertThat(ours).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("rw/web", "rw/worker");
        for (ConsumerRecord<String, byte[]> r : ours) {
            assertThat(json(r.value()).path("source").asText()).isEqualTo("/trimtab/ingest/prometheus-remote-write");
            assertThat(json(r.value()).path("partitionkey").asText()).isEqualTo(r.key());
        }
    }

    @Test
    void aRequestThatBreaksTheSpecificationIsRefusedWholeNamingTheSeries() {
        long now = System.currentTimeMillis();
        byte[] body = RemoteWriteBodies.snappy(List.of(
                TimeSeries.of("queue_depth", Map.of("queue", "orders"), 60, now),
                TimeSeries.labels(Map.of("job", "nameless")).sample(1, now)));
        write(body)
                .then()
                .statusCode(400)
                .body(containsString("timeseries[1]: has no __name__ label"))
                .body(containsString("{job=\"nameless\"}"));

        given().header("Content-Type", "application/x-protobuf")
                .body(RemoteWriteBodies.protobuf(List.of(TimeSeries.of("up", Map.of(), 1, now))))
                .post("/api/v1/write")
                .then()
                .statusCode(415)
                .body(containsString("Content-Encoding: (none)"));
        write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f})
                .then()
                .statusCode(400)
                .body(containsString("trimtab.ingest.max-uncompressed-size"));
    }

    private static Response write(byte[] body) {
        return given().header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .body(body)
                .post("/api/v1/write");
    }
}

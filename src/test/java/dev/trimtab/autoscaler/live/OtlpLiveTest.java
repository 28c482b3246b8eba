package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.OtlpBodies;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * OTLP/HTTP end to end on the real broker, sent by the OpenTelemetry Java SDK's own OTLP exporter
 * (protobuf, plain and gzip) and as OTLP JSON: data points reach the workloads whose policies
 * read them and scale them; refusals come as the specification's google.rpc.Status.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class OtlpLiveTest extends LiveFixture {
    static final String PODS = "[{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"http.server.active_requests\"},"
            + "\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"10\"}}}]";
    static final String EXTERNAL_RATE =
            "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue.messages:rate\","
                    + "\"selector\":{\"matchLabels\":{\"queue\":\"orders\"}}},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"5\"}}}]";
    static final String DEPLOYMENT_P99 =
            "[{\"type\":\"Object\",\"object\":{\"describedObject\":{\"apiVersion\":\"apps/v1\","
                    + "\"kind\":\"Deployment\",\"name\":\"api\"},\"metric\":{\"name\":\"http.server.request.duration:p99\"},"
                    + "\"target\":{\"type\":\"Value\",\"value\":\"500m\"}}}]";

    @TestHTTPResource("/v1/metrics")
    URL endpoint;

    @Test
    void theSdksExporterFeedsPodsExternalAndObjectMetricsThatScaleTheirWorkloads() throws Exception {
        workload("ot", "web", PODS);
        workload("ot", "worker", EXTERNAL_RATE);
        workload("ot", "api", DEPLOYMENT_P99);
        long now = System.currentTimeMillis();
        Resource web0 =
                OtlpBodies.resource(Map.of("k8s.namespace.name", "ot", "k8s.pod.name", "web-0", "service.name", "web"));
        Resource web1 =
                OtlpBodies.resource(Map.of("k8s.namespace.name", "ot", "k8s.pod.name", "web-1", "service.name", "web"));
        Resource broker = OtlpBodies.resource(Map.of("service.name", "orders-broker"));
        Resource api = OtlpBodies.resource(Map.of("k8s.namespace.name", "ot", "k8s.deployment.name", "api"));
        List<MetricData> first = List.of(
                OtlpBodies.gauge(web0, "http.server.active_requests", Map.of(), 40, now),
                OtlpBodies.gauge(web1, "http.server.active_requests", Map.of(), 40, now),
                // 1,800 messages in 30 s: 60 a second, 12 workers at 5 each (capped at 10)
                OtlpBodies.sum(
                        broker,
                        "queue.messages",
                        Map.of("queue", "orders"),
                        AggregationTemporality.DELTA,
                        1800,
                        now - 30_000,
                        now));
        export(OtlpHttpMetricExporter.builder().setEndpoint(endpoint.toString()).build(), first);
        // the p99 from buckets: 2 s, four times the 500 ms target
        export(
                OtlpHttpMetricExporter.builder()
                        .setEndpoint(endpoint.toString())
                        .setCompression("gzip")
                        .build(),
                List.of(OtlpBodies.histogram(
                        api,
                        "http.server.request.duration",
                        Map.of(),
                        AggregationTemporality.DELTA,
                        150,
                        List.of(0.5, 1.0, 2.0),
                        List.of(10L, 10L, 80L, 0L),
                        now - 10_000,
                        now)));

        // each asks for 8 or more (web 80/10, worker 60/5, api 1.99 s/0.5 s × 2); the first step is at most 6
        await().atMost(Duration.ofSeconds(30))
                .until(() -> replicas("ot", "web") > 2 && replicas("ot", "worker") > 2 && replicas("ot", "api") > 2);
        List<ConsumerRecord<String, byte[]>> metrics = readAll(
                "trimtab.metrics",
                Duration.ofSeconds(10),
                l -> l.stream().filter(r -> "ot/api".equals(r.key())).count() >= 1);
        List<ConsumerRecord<String, byte[]>> ours = metrics.stream()
                .filter(r -> r.key() != null && r.key().startsWith("ot/"))
                .toList();
        assertThat(ours).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("ot/web", "ot/worker", "ot/api");
        for (ConsumerRecord<String, byte[]> r : ours) {
            assertThat(json(r.value()).path("source").asText()).isEqualTo("/trimtab/ingest/otlp");
        }
    }

    @Test
    void otlpJsonIsAnsweredInJsonAndSaysWhatFedNothing() throws Exception {
        workload("oj", "web", PODS.replace("http.server.active_requests", "sessions"));
        long now = System.currentTimeMillis();
        Resource pod = OtlpBodies.resource(Map.of("k8s.namespace.name", "oj", "k8s.pod.name", "web-0"));
        byte[] body = OtlpBodies.json(List.of(
                OtlpBodies.gauge(pod, "sessions", Map.of(), 70, now),
                OtlpBodies.gauge(pod, "temperature", Map.of(), -3, now)));
        given().contentType("application/json")
                .body(body)
                .post("/v1/metrics")
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body(containsString(
                        "\"errorMessage\":\"1 series fed no metric (Negative 1), for example temperature{"));
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas("oj", "web") > 2);
    }

    @Test
    void aRequestThatCannotBeReadIsRefusedWithAStatusNamingTheField() throws Exception {
        byte[] valid = OtlpBodies.protobuf(
                List.of(OtlpBodies.gauge(OtlpBodies.resource(Map.of()), "g", Map.of(), 1, System.currentTimeMillis())));
        String json = "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"h\",\"histogram\":"
                + "{\"aggregationTemporality\":1,\"dataPoints\":[{\"count\":\"2\",\"bucketCounts\":[\"1\",\"1\"],"
                + "\"explicitBounds\":[],\"timeUnixNano\":\"1\"}]}}]}]}]}";
        given().contentType("application/json")
                .body(json)
                .post("/v1/metrics")
                .then()
                .statusCode(400)
                .contentType("application/json")
                .body(containsString("\"code\":3"))
                .body(containsString("dataPoints[0]: 2 bucket counts for 0 explicit bounds"));
        // the protobuf answer is a google.rpc.Status: code 3 (field 1), then the message (field 2)
        byte[] status = given().contentType("application/x-protobuf")
                .body(Arrays.copyOf(valid, valid.length - 2))
                .post("/v1/metrics")
                .then()
                .statusCode(400)
                .contentType("application/x-protobuf")
                .extract()
                .asByteArray();
        assertThat(status[0]).isEqualTo((byte) 0x08);
        assertThat(status[1]).isEqualTo((byte) 3);
        assertThat(new String(status, StandardCharsets.UTF_8)).contains("ExportMetricsServiceRequest");

        given().contentType("text/plain")
                .body("up 1")
                .post("/v1/metrics")
                .then()
                .statusCode(415);
        given().contentType("application/x-protobuf")
                .header("Content-Encoding", "br")
                .body(valid)
                .post("/v1/metrics")
                .then()
                .statusCode(415);
        // a small gzip body that inflates past max-uncompressed-size (32 MiB): refused after 32 MiB + 1, 413
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bomb)) {
            gz.write(new byte[40 << 20]);
        }
        given().contentType("application/x-protobuf")
                .header("Content-Encoding", "gzip")
                .body(bomb.toByteArray())
                .post("/v1/metrics")
                .then()
                .statusCode(413)
                .contentType("application/x-protobuf");
    }

    private static void export(OtlpHttpMetricExporter exporter, List<MetricData> metrics) {
        try {
            CompletableResultCode result = exporter.export(metrics).join(30, TimeUnit.SECONDS);
            assertThat(result.isSuccess()).as("the exporter's export succeeded").isTrue();
        } finally {
            exporter.shutdown().join(10, TimeUnit.SECONDS);
        }
    }
}

package dev.trimtab.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.OtlpProto;
import dev.trimtab.ingest.core.OtlpSeries;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.Series;
import dev.trimtab.ingest.core.SeriesRules;
import dev.trimtab.ingest.core.Skipped;
import dev.trimtab.testing.OtlpBodies;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The OTLP readers over bodies the OpenTelemetry SDK's own marshaler wrote: both encodings read
 * to the same series; the JSON reader takes what the OTLP JSON mapping allows; hostile bodies end
 * in a {@link BadPayload} naming where, never in another exception.
 */
class OtlpReadersTest {
    static final IngestLimits LIMITS = IngestLimits.defaults();
    static final long NOW = 1_765_000_000_000L;

    static Payload proto(byte[] body) {
        return OtlpProto.read(body, new OtlpSeries(SeriesRules.DEFAULT_OBJECT_LABELS, LIMITS), LIMITS);
    }

    static Payload json(byte[] body) {
        return OtlpJson.read(body, new OtlpSeries(SeriesRules.DEFAULT_OBJECT_LABELS, LIMITS), LIMITS);
    }

    static Payload json(String body) {
        return json(body.getBytes(StandardCharsets.UTF_8));
    }

    static List<MetricData> request() {
        Resource web = OtlpBodies.resource(Map.of(
                "k8s.namespace.name", "shop", "k8s.pod.name", "web-0", "service.name", "web", "process.pid", "42"));
        Resource queue = Resource.create(Attributes.builder()
                .put("service.name", "orders")
                .put("up", true)
                .put("shard", 3L)
                .put("weight", 0.5)
                .build());
        return List.of(
                OtlpBodies.gauge(web, "http.server.active_requests", Map.of("http.route", "/cart"), 7, NOW),
                OtlpBodies.longGauge(web, "jvm.threads", Map.of(), 31, NOW),
                OtlpBodies.sum(
                        queue,
                        "queue.messages",
                        Map.of("queue", "orders"),
                        AggregationTemporality.DELTA,
                        300,
                        NOW - 30_000,
                        NOW),
                OtlpBodies.histogram(
                        web,
                        "http.server.request.duration",
                        Map.of(),
                        AggregationTemporality.DELTA,
                        150,
                        List.of(1.0, 2.0, 4.0),
                        List.of(10L, 20L, 30L, 40L),
                        NOW - 10_000,
                        NOW),
                OtlpBodies.summary(queue, "gc.pause", Map.of(), 4, 10, Map.of(0.5, 2.0, 0.99, 5.0), NOW));
    }

    @Test
    void bothEncodingsOfOneRequestReadToTheSameSeries() {
        Payload p = proto(OtlpBodies.protobuf(request()));
        Payload j = json(OtlpBodies.json(request()));
        // the SDK's marshaler may group resources in another order in each encoding
        assertThat(j.series()).containsExactlyInAnyOrderElementsOf(p.series());
        assertThat(j.samples()).isEqualTo(p.samples()).isEqualTo(5);
        assertThat(j.skipped()).isEqualTo(p.skipped()).isEmpty();
        assertThat(p.series())
                .extracting(Series::name, Series::value)
                .contains(
                        tuple("http.server.active_requests", 7.0),
                        tuple("jvm.threads", 31.0),
                        tuple("queue.messages", 300.0),
                        tuple("queue.messages:rate", 10.0),
                        tuple("http.server.request.duration:mean", 1.5),
                        tuple("gc.pause:mean", 2.5),
                        tuple("gc.pause:p50", 2.0),
                        tuple("gc.pause:p99", 5.0));
        Series active = p.series().stream()
                .filter(s -> s.name().equals("http.server.active_requests"))
                .findFirst()
                .orElseThrow();
        assertThat(active.labels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("namespace", "shop", "pod", "web-0", "service.name", "web", "http.route", "/cart"));
        assertThat(active.timestampMillis()).isEqualTo(NOW);
        Series messages = p.series().stream()
                .filter(s -> s.name().equals("queue.messages"))
                .findFirst()
                .orElseThrow();
        assertThat(messages.labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("service.name", "orders", "queue", "orders"));
    }

    @Test
    void theOtlpJsonExampleOfTheSpecificationIsRead() throws Exception {
        byte[] example = getClass().getResourceAsStream("/otlp/metrics.json").readAllBytes();
        Payload p = json(example);
        assertThat(p.samples()).isEqualTo(4);
        assertThat(p.series())
                .extracting(Series::name)
                .containsExactly(
                        "my.counter",
                        "my.gauge",
                        "my.histogram:mean",
                        "my.histogram:p50",
                        "my.histogram:p90",
                        "my.histogram:p95",
                        "my.histogram:p99",
                        "my.exponential.histogram:mean");
        // buckets (-inf, 1] and (1, +inf) of one each, min 0, max 2: the top bucket closes at the max
        assertThat(p.series())
                .extracting(Series::value)
                .zipSatisfy(
                        List.of(5.0, 10.0, 1.0, 1.0, 1.8, 1.9, 1.98, 10.0 / 3),
                        (actual, expected) -> assertThat(actual).isCloseTo(expected, Assertions.within(1e-9)));
        // a delta sum whose start is its time has no interval to take a rate over
        assertThat(p.skipped()).extracting(Skipped::reason).containsExactly(Skipped.Reason.NoInterval);
        assertThat(p.series().get(0).labels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("service.name", "my.service", "my.counter.attr", "some value"));
        assertThat(p.series().get(0).timestampMillis()).isEqualTo(1544712660300L);
    }

    @Test
    void jsonMayCarryIntegersAsStringsOrNumbersSnakeCaseNamesEnumNamesAndUnknownFields() {
        Payload p = json("""
                {"resource_metrics":[{"resource":{"attributes":[{"key":"k8s.namespace.name","value":{"stringValue":"shop"}},
                  {"key":"k8s.pod.name","value":{"stringValue":"web-0"}},{"key":"tags","value":{"arrayValue":{"values":[]}}}]},
                  "schemaUrl":"x","somethingNew":{"a":[1,2,{"b":null}]},
                  "scopeMetrics":[{"metrics":[
                    {"name":"q","sum":{"aggregation_temporality":"AGGREGATION_TEMPORALITY_DELTA","isMonotonic":true,
                      "dataPoints":[{"asInt":"60","startTimeUnixNano":1000000000,"time_unix_nano":"31000000000",
                        "attributes":[{"key":"ok","value":{"boolValue":true}},{"key":"shard","value":{"intValue":"3"}},
                          {"key":"w","value":{"doubleValue":0.5}},{"key":"raw","value":{"bytesValue":"AAE="}}]}]}},
                    {"name":"g","gauge":{"dataPoints":[{"asDouble":"NaN","timeUnixNano":"31000000000","flags":0}]}}]}]}]}
                """);
        assertThat(p.series())
                .extracting(Series::name, Series::value)
                .containsExactly(tuple("q", 60.0), tuple("q:rate", 2.0), tuple("g", Double.NaN));
        assertThat(p.series().get(0).labels())
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("namespace", "shop", "pod", "web-0", "ok", "true", "shard", "3", "w", "0.5"));
    }

    @Test
    void jsonThatIsNotAnOtlpRequestIsRefusedNamingThePath() {
        assertThatThrownBy(
                        () -> json("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"gauge\":"
                                + "{\"dataPoints\":[{\"asDouble\":\"lots\"}]}}]}]}]}"))
                .isInstanceOf(BadPayload.class)
                .hasMessage("ExportMetricsServiceRequest.resourceMetrics[0].scopeMetrics[0]"
                        + ".metrics[0].gauge.dataPoints[0].asDouble: the string \"lots\" is not a number");
        assertThatThrownBy(() -> json("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"g\",\"sum\":"
                        + "{\"dataPoints\":[{\"asInt\":1,\"timeUnixNano\":\"-5\"}]}}]}]}]}"))
                .hasMessageEndingWith(
                        "dataPoints[0].timeUnixNano: the string \"-5\" is not an unsigned 64-bit integer");
        assertThatThrownBy(() -> json("{\"resourceMetrics\":{}}"))
                .hasMessageContaining("resourceMetrics: an object where an array belongs");
        assertThatThrownBy(() -> json("{\"resourceMetrics\":[]} trailing")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> json("{\"resourceMetrics\":[")).hasMessageContaining("not JSON");
        assertThatThrownBy(() -> json("[1]"))
                .hasMessageContaining("ExportMetricsServiceRequest: an array where an object belongs");
        assertThatThrownBy(() -> json("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"))
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining("nesting depth");
        assertThatThrownBy(() -> json("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":"
                        + "{\"dataPoints\":[{\"asDouble\":1}]}}]}]}]}"))
                .hasMessageContaining("metrics[0]: a metric with data has no name");
        byte[] notUtf8 =
                "{\"resourceMetrics\":[{\"resource\":{\"attributes\":[{\"key\":\"a\",\"value\":{\"stringValue\":\"xx\"}}]}}]}"
                        .getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < notUtf8.length - 1; i++) {
            if (notUtf8[i] == 'x' && notUtf8[i + 1] == 'x') {
                notUtf8[i] = (byte) 0xc3;
            }
        }
        assertThatThrownBy(() -> json(notUtf8)).isInstanceOf(BadPayload.class).hasMessageContaining("UTF-8");
    }

    @Test
    void protobufBoundsAreCheckedWhileReading() {
        var many = new LinkedHashMap<String, String>();
        for (int i = 0; i < 10; i++) {
            many.put("a" + i, "v");
        }
        byte[] body = OtlpBodies.protobuf(List.of(OtlpBodies.gauge(OtlpBodies.resource(Map.of()), "g", many, 1, NOW)));
        IngestLimits few = new IngestLimits(1 << 20, 100, 100, 8, 64);
        assertThatThrownBy(() -> OtlpProto.read(body, new OtlpSeries(List.of(), few), few))
                .hasMessageContaining(
                        "ExportMetricsServiceRequest.resourceMetrics[0].scopeMetrics[0].metrics[0].gauge.dataPoints[0](g)"
                                + ": more than 8 attributes (trimtab.ingest.max-labels)");
        byte[] long_ = OtlpBodies.protobuf(
                List.of(OtlpBodies.gauge(OtlpBodies.resource(Map.of()), "g", Map.of("a", "x".repeat(65)), 1, NOW)));
        assertThatThrownBy(() -> OtlpProto.read(long_, new OtlpSeries(List.of(), few), few))
                .hasMessageContaining("stringValue of 65 bytes, more than 64 (trimtab.ingest.max-label-bytes)");
        byte[] ok = OtlpBodies.protobuf(request());
        assertThatThrownBy(() -> proto(Arrays.copyOf(ok, ok.length - 3))).isInstanceOf(BadPayload.class);
        // an unknown field anywhere is skipped
        byte[] extended = Arrays.copyOf(ok, ok.length + 2);
        extended[ok.length] = (byte) (99 << 3 & 0x7f | 0x80);
        extended[ok.length + 1] = (byte) (99 >>> 4);
        byte[] withUnknown = Arrays.copyOf(extended, extended.length + 1);
        withUnknown[extended.length] = 5; // field 99, varint 5
        assertThat(proto(withUnknown)).isEqualTo(proto(ok));
    }

    @Test
    void randomMutationsOfValidBodiesAreReadOrRefusedNeverAnythingElse() {
        long seed = Long.getLong("trimtab.seed", System.nanoTime());
        Random r = new Random(seed);
        byte[] protobuf = OtlpBodies.protobuf(request());
        byte[] json = OtlpBodies.json(request());
        for (int i = 0; i < 10_000; i++) {
            boolean isJson = (i & 1) == 1;
            byte[] m = (isJson ? json : protobuf).clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                m[r.nextInt(m.length)] = (byte) r.nextInt(256);
            }
            try {
                if (isJson) {
                    json(m);
                } else {
                    proto(m);
                }
            } catch (BadPayload expected) {
                assertThat(expected.getMessage())
                        .as("seed %d, case %d", seed, i)
                        .isNotBlank();
            } catch (RuntimeException e) {
                throw new AssertionError(
                        "seed " + seed + ", case " + i + " (" + (isJson ? "json" : "protobuf") + "): " + e, e);
            }
        }
    }
}

package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.MetricStore;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile metric events: each is rejected as a whole with the reason and a message naming the
 * field and the value, nothing of it is applied, and it costs little (docs/decisions/0018).
 */
class InputRulesTest {
    static final Instant NOW = Instant.parse("2026-11-01T12:00:00Z");
    static final InputLimits LIMITS = new InputLimits(4096, 16, 3, 2, 2, 2, 20, Duration.ofSeconds(5));

    private ClusterState state;
    private EventFolder folder;

    @BeforeEach
    void cluster() {
        state = new ClusterState();
        folder = new EventFolder(state, LIMITS);
    }

    static String event(Instant time, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"t\",\"type\":\"dev.trimtab.metrics\",\"time\":\""
                + time + "\",\"data\":" + data + "}";
    }

    static String podMetrics(String timestamp, String containers, String labels) {
        return "{\"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\",\"labels\":" + labels + "},"
                + (timestamp == null ? "" : "\"timestamp\":\"" + timestamp + "\",")
                + "\"window\":\"15s\",\"containers\":"
                + containers + "}";
    }

    static String list(String... items) {
        return "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":["
                + String.join(",", items) + "]}";
    }

    static String usage(String cpu) {
        return "[{\"name\":\"app\",\"usage\":{\"cpu\":\"" + cpu + "\"}}]";
    }

    static final String OK = podMetrics(NOW.toString(), usage("250m"), "{\"app\":\"web\"}");

    static String external(String value, String timestamp) {
        return "{\"apiVersion\":\"external.metrics.k8s.io/v1beta1\",\"kind\":\"ExternalMetricValue\",\"metricName\":\"queue\","
                + "\"metricLabels\":{},\"value\":" + value
                + (timestamp == null ? "" : ",\"timestamp\":\"" + timestamp + "\"") + "}";
    }

    static String custom(String value) {
        return "{\"apiVersion\":\"custom.metrics.k8s.io/v1beta2\",\"kind\":\"MetricValue\",\"describedObject\":{\"kind\":\"Service\","
                + "\"namespace\":\"shop\",\"name\":\"front\"},\"metric\":{\"name\":\"rps\"},\"value\":\"" + value
                + "\"}";
    }

    record Case(String name, Instant eventTime, String data, RejectReason reason, List<String> message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> rejected() {
        return Stream.of(
                new Case(
                        "a quantity bomb in a usage",
                        NOW,
                        list(OK, podMetrics(NOW.toString(), usage("1e-100000000"), "{}")),
                        RejectReason.InvalidQuantity,
                        List.of(
                                "items[1].containers[0].usage.cpu: got \"1e-100000000\"",
                                "the exponent -100000000 is out of range")),
                new Case(
                        "a huge quantity",
                        NOW,
                        list(podMetrics(NOW.toString(), usage("9223372036854775807Ei"), "{}")),
                        RejectReason.InvalidQuantity,
                        List.of("usage.cpu: got \"9223372036854775807Ei\"", "is out of range")),
                new Case(
                        "a negative usage",
                        NOW,
                        list(OK, podMetrics(NOW.toString(), usage("-500m"), "{}")),
                        RejectReason.NegativeValue,
                        List.of(
                                "items[1].containers[0].usage.cpu: got \"-500m\"",
                                "must not be negative (resource usage of pod shop/web-1, container \"app\", resource cpu)")),
                new Case(
                        "a negative external value",
                        NOW,
                        external("\"-1\"", null),
                        RejectReason.NegativeValue,
                        List.of("value: got \"-1\"", "must not be negative (external metric queue)")),
                new Case(
                        "a negative JSON number",
                        NOW,
                        external("-0.5", null),
                        RejectReason.NegativeValue,
                        List.of("value: got \"-0.5\"")),
                new Case(
                        "a negative custom value",
                        NOW,
                        custom("-3"),
                        RejectReason.NegativeValue,
                        List.of("value: got \"-3\"", "metric rps of Service shop/front")),
                new Case(
                        "a sample from the future",
                        NOW,
                        list(OK, podMetrics(NOW.plusSeconds(3600).toString(), usage("1"), "{}")),
                        RejectReason.FutureTimestamp,
                        List.of(
                                "items[1].timestamp: got \"2026-11-01T13:00:00Z\"",
                                "more than 5000 ms (max-clock-skew) ahead of the decision clock 2026-11-01T12:00:00Z")),
                new Case(
                        "an event dated in the future, its items undated",
                        NOW.plusSeconds(60),
                        list(podMetrics(null, usage("1"), "{}")),
                        RejectReason.FutureTimestamp,
                        List.of("time (the CloudEvent's, for items[0].timestamp): got \"2026-11-01T12:01:00Z\"")),
                new Case(
                        "too many items",
                        NOW,
                        list(OK, OK, OK, OK),
                        RejectReason.TooLarge,
                        List.of("items: got 4 items, at most 3 are accepted (max-list-items)")),
                new Case(
                        "too many containers",
                        NOW,
                        list(podMetrics(
                                NOW.toString(),
                                "[{\"name\":\"a\",\"usage\":{}},{\"name\":\"b\",\"usage\":{}},{\"name\":\"c\",\"usage\":{}}]",
                                "{}")),
                        RejectReason.TooLarge,
                        List.of("items[0].containers: got 3 containers, at most 2 are accepted (max-containers)")),
                new Case(
                        "too many resources",
                        NOW,
                        list(podMetrics(
                                NOW.toString(),
                                "[{\"name\":\"a\",\"usage\":{\"cpu\":\"1\",\"memory\":\"1\",\"x\":\"1\"}}]",
                                "{}")),
                        RejectReason.TooLarge,
                        List.of("items[0].containers[0].usage: got 3 resources, at most 2")),
                new Case(
                        "too many labels",
                        NOW,
                        list(podMetrics(NOW.toString(), usage("1"), "{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}")),
                        RejectReason.TooLarge,
                        List.of("items[0].metadata.labels: got 3 labels, at most 2 are accepted (max-labels)")),
                new Case(
                        "a label too long",
                        NOW,
                        list(podMetrics(NOW.toString(), usage("1"), "{\"a\":\"" + "v".repeat(21) + "\"}")),
                        RejectReason.TooLarge,
                        List.of(
                                "items[0].metadata.labels.a: got a key of 1 and a value of 21 characters",
                                "at most 20 each are accepted (max-label-length)")),
                new Case(
                        "a long bad value is echoed cut",
                        NOW,
                        list(podMetrics(NOW.toString(), usage("x".repeat(3000)), "{}")),
                        RejectReason.InvalidQuantity,
                        List.of("…(3002 characters)", "is 3000 characters long")),
                new Case(
                        "a negative window",
                        NOW,
                        list(podMetrics(NOW.toString(), usage("1"), "{}").replace("\"15s\"", "\"-15s\"")),
                        RejectReason.InvalidField,
                        List.of("items[0].window: got \"-15s\", must not be negative")),
                new Case(
                        "an unknown event",
                        NOW,
                        "{\"apiVersion\":\"v9\",\"kind\":\"Thing\"}",
                        RejectReason.UnknownEvent,
                        List.of("apiVersion \"v9\" kind \"Thing\" is not an event the autoscaler reads")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsTheWholeEventNamingFieldAndValue(Case c) {
        CloudEvent e = CloudEventCodec.parse(event(c.eventTime(), c.data()));
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            InvalidObjectException thrown =
                    (InvalidObjectException) Assertions.catchThrowable(() -> folder.fold(e, NOW.toEpochMilli()));
            assertThat(thrown).as("rejected").isNotNull();
            assertThat(thrown.reason()).isEqualTo(c.reason());
            assertThat(RejectReason.of(thrown)).isEqualTo(c.reason());
            for (String part : c.message()) {
                assertThat(thrown.getMessage()).contains(part);
            }
            assertThat(thrown.getMessage()).hasSizeLessThan(1000);
        });
        assertThat(state.metrics().podUsage("shop", "web-1"))
                .as("nothing of the event was applied")
                .isNull();
    }

    @Test
    void aSampleAheadWithinTheSkewIsTakenAsMeasuredNowAndCounted() {
        CloudEvent e = CloudEventCodec.parse(
                event(NOW, list(podMetrics(NOW.plusSeconds(4).toString(), usage("1"), "{}"))));
        folder.fold(e, NOW.toEpochMilli());
        assertThat(state.metrics().podUsage("shop", "web-1").timestampMillis()).isEqualTo(NOW.toEpochMilli());
        assertThat(folder.futureSamplesClamped()).isEqualTo(1);
        CloudEvent x = CloudEventCodec.parse(
                event(NOW, external("\"2\"", NOW.plusMillis(5000).toString())));
        folder.fold(x, NOW.toEpochMilli());
        assertThat(folder.futureSamplesClamped())
                .as("exactly the skew is still accepted")
                .isEqualTo(2);
        assertThat(state.metrics()
                        .external("", "queue")
                        .iterator()
                        .next()
                        .sample()
                        .timestampMillis())
                .isEqualTo(NOW.toEpochMilli());
        CloudEvent rejected = CloudEventCodec.parse(event(
                NOW,
                list(
                        podMetrics(NOW.plusSeconds(1).toString(), usage("1"), "{}"),
                        podMetrics(NOW.toString(), usage("-1"), "{}"))));
        assertThatThrownBy(() -> folder.fold(rejected, NOW.toEpochMilli())).isInstanceOf(InvalidObjectException.class);
        assertThat(folder.futureSamplesClamped())
                .as("a rejected event's samples were not taken")
                .isEqualTo(2);
    }

    @Test
    void aMessageListsTenProblemsAndCountsTheRest() {
        String bad = podMetrics(NOW.toString(), usage("-1"), "{}");
        EventFolder roomy = new EventFolder(state, InputLimits.defaults());
        CloudEvent e = CloudEventCodec.parse(
                event(NOW, list(Collections.nCopies(500, bad).toArray(String[]::new))));
        assertThatThrownBy(() -> roomy.fold(e, NOW.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageEndingWith("; and 490 more problems")
                .message()
                .hasSizeLessThan(3000);
    }

    @Test
    void zeroAndPositiveValuesAreAccepted() {
        folder.fold(
                CloudEventCodec.parse(event(NOW, list(podMetrics(NOW.toString(), usage("0"), "{}")))),
                NOW.toEpochMilli());
        assertThat(state.metrics().podUsage("shop", "web-1").usage("cpu", "")).isZero();
        folder.fold(CloudEventCodec.parse(event(NOW, custom("+3"))), NOW.toEpochMilli());
        assertThat(state.metrics()
                        .objectMetric(new MetricStore.ObjectKey(
                                "shop", "Service", "front", new MetricStore.SeriesKey("rps", ""))))
                .isNotNull();
    }

    @Test
    void podsAreBoundedToo() {
        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"shop\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]}}";
        CloudEvent e = CloudEventCodec.parse(event(NOW, pod).replace("dev.trimtab.metrics", EventFolder.ADD));
        assertThatThrownBy(() -> folder.fold(e, NOW.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("spec.containers: got 3 containers (init containers included), at most 2");
        assertThat(state.pod("shop", "p")).isNull();
    }

    @Test
    void namesFromTheInputAreCutInMessagesToo() {
        String name = "n".repeat(100_000);
        CloudEvent e = CloudEventCodec.parse(event(
                NOW, list(podMetrics(NOW.toString(), usage("-1"), "{}").replace("\"web-1\"", "\"" + name + "\""))));
        assertThatThrownBy(() -> folder.fold(e, NOW.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .message()
                .contains("…(")
                .hasSizeLessThan(2000);
    }

    @Test
    void aPodWithANegativeRequestIsRefused() {
        String pod = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"shop\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"-1\"}}}]}}";
        CloudEvent e = CloudEventCodec.parse(event(NOW, pod).replace("dev.trimtab.metrics", EventFolder.ADD));
        assertThatThrownBy(() -> folder.fold(e, NOW.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("spec.containers[0].resources.requests.cpu: got \"-1\", must not be negative")
                .extracting(t -> ((InvalidObjectException) t).reason())
                .isEqualTo(RejectReason.NegativeValue);
    }

    @Test
    void theDecoderChecksSizeAndDepthBeforeParsing() {
        CloudEventCodec.Limits limits = LIMITS.codec();
        byte[] big = event(NOW, list(OK))
                .replace("\"t\"", "\"" + "s".repeat(5000) + "\"")
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventCodec.fromRecord(record(big, Map.of()), limits))
                .isInstanceOf(CloudEventCodec.LimitExceededException.class)
                .hasMessage("the event is " + big.length + " bytes, more than the 4096 accepted (max-event-bytes)");
        byte[] deep = event(NOW, "[".repeat(40) + "]".repeat(40)).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> CloudEventCodec.fromRecord(record(deep, Map.of()), limits))
                .isInstanceOf(CloudEventCodec.LimitExceededException.class)
                .hasMessageContaining("deeper than the 16 levels accepted (max-depth)");
        Map<String, String> headers = Map.of(
                "ce_specversion",
                "1.0",
                "ce_id",
                "b",
                "ce_source",
                "s",
                "ce_type",
                "t",
                "content-type",
                "application/json");
        assertThatThrownBy(() -> CloudEventCodec.fromRecord(record(big, headers), limits))
                .as("binary mode too")
                .isInstanceOf(CloudEventCodec.LimitExceededException.class);
        assertThat(RejectReason.of(new CloudEventCodec.LimitExceededException("x")))
                .isEqualTo(RejectReason.TooLarge);
        String longTime = event(NOW, "{}").replace(NOW.toString(), "t".repeat(3000));
        assertThatThrownBy(() -> CloudEventCodec.parse(longTime.getBytes(StandardCharsets.UTF_8), limits))
                .hasMessageEndingWith("…(3000 characters)\" is not an RFC 3339 timestamp");
        assertThat(RejectReason.of(new IllegalArgumentException("not JSON"))).isEqualTo(RejectReason.Undecodable);
    }

    private static ConsumerRecord<String, byte[]> record(byte[] value, Map<String, String> headers) {
        RecordHeaders h = new RecordHeaders();
        headers.forEach((k, v) -> h.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return new ConsumerRecord<>(
                "t", 0, 0L, 0L, TimestampType.CREATE_TIME, -1, value.length, null, value, h, Optional.empty());
    }
}

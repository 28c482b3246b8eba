package dev.trimtab.autoscaler.events;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import dev.trimtab.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The autoscaler's folders ({@link EventFolder}, and through it {@link KubeObjects},
 * {@link ScalingPolicyParser}, {@link Fields}, {@link SampleRules}) on decoded events whose data
 * is fuzzed. One input is a sequence of events, one a line, each {@code L DATA}: {@code L} the
 * type ({@code a} add, {@code u} update, {@code d} delete, {@code k} Kafka offsets, else a metric
 * event), {@code DATA} the
 * event's data as JSON. Each is wrapped in a structured CloudEvent, decoded by
 * {@link CloudEventCodec} within the default {@link InputLimits} and folded into one fresh
 * {@link ClusterState}, so that objects, policies and metrics of one input meet. A bad event is
 * rejected with an {@link InvalidObjectException} (or the decoder's IllegalArgumentException)
 * naming the field; anything else is a crash. Seeds: {@code EventFolderFuzzTestInputs/fold/}.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class EventFolderFuzzTest {
    private static final InputLimits LIMITS = InputLimits.defaults();
    private static final CloudEventCodec.Limits CODEC = LIMITS.codec();
    private static final long START = Instant.parse("2026-11-01T12:00:00Z").toEpochMilli();
    private static final FuzzBounds FOLD = new FuzzBounds(
            "EventFolder.fold (KubeObjects, ScalingPolicyParser, Fields)",
            IllegalArgumentException.class,
            InvalidObjectException.class);

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "\"apiVersion\"",
        "\"kind\"",
        "\"metadata\"",
        "\"name\"",
        "\"namespace\"",
        "\"labels\"",
        "\"spec\"",
        "\"status\"",
        "\"containers\"",
        "\"usage\"",
        "\"resources\"",
        "\"requests\"",
        "\"cpu\"",
        "\"memory\"",
        "\"Pod\"",
        "\"Deployment\"",
        "\"ScalingPolicy\"",
        "\"trimtab.dev/v1alpha1\"",
        "\"apps/v1\"",
        "\"metrics.k8s.io/v1beta1\"",
        "\"PodMetrics\"",
        "\"PodMetricsList\"",
        "\"items\"",
        "\"timestamp\"",
        "\"window\"",
        "\"custom.metrics.k8s.io/v1beta2\"",
        "\"MetricValueList\"",
        "\"describedObject\"",
        "\"metric\"",
        "\"value\"",
        "\"external.metrics.k8s.io/v1beta1\"",
        "\"ExternalMetricValueList\"",
        "\"metricName\"",
        "\"metricLabels\"",
        "\"scaleTargetRef\"",
        "\"minReplicas\"",
        "\"maxReplicas\"",
        "\"metrics\"",
        "\"target\"",
        "\"averageUtilization\"",
        "\"selector\"",
        "\"matchLabels\"",
        "\"matchExpressions\"",
        "\"replicas\"",
        "\"behavior\"",
        "\"2026-11-01T12:00:00Z\"",
        "\"1e-100000000\"",
        "\"Kafka\"",
        "\"kafka\"",
        "\"bootstrapServers\"",
        "\"consumerGroup\"",
        "\"topic\"",
        "\"topics\"",
        "\"partitions\"",
        "\"partition\"",
        "\"endOffset\"",
        "\"committedOffset\"",
        "\"excludePersistentLag\""
    })
    void fold(byte[] input) {
        FOLD.check(input, () -> {
            EventFolder folder = new EventFolder(new ClusterState(), LIMITS);
            String[] lines = new String(input, StandardCharsets.UTF_8).split("\n");
            InvalidObjectException lastRejection = null;
            for (int i = 0; i < lines.length && i < 64; i++) {
                String line = lines[i];
                if (line.length() < 2) {
                    continue;
                }
                String type = switch (line.charAt(0)) {
                    case 'a' -> EventFolder.ADD;
                    case 'u' -> EventFolder.UPDATE;
                    case 'd' -> EventFolder.DELETE;
                    case 'k' -> KafkaOffsetEvents.TYPE;
                    default -> "dev.trimtab.metrics";
                };
                String envelope = "{\"specversion\":\"1.0\",\"id\":\"fuzz-" + i + "\",\"source\":\"/fuzz\",\"type\":\""
                        + type + "\",\"time\":\"" + Instant.ofEpochMilli(START + i * 1000L)
                        + "\",\"namespace\":\"shop\",\"data\":" + line.substring(1) + "}";
                CloudEvent event;
                try {
                    event = CloudEventCodec.parse(envelope.getBytes(StandardCharsets.UTF_8), CODEC);
                } catch (IllegalArgumentException e) {
                    continue; // the decoder's own fuzz test covers it; the folder needs decoded events
                }
                try {
                    folder.fold(event, START + i * 1000L);
                } catch (InvalidObjectException e) {
                    lastRejection = e; // the next events still fold, as on the live path
                }
            }
            if (lastRejection != null) {
                throw lastRejection;
            }
        });
    }

    @AfterAll
    static void figures() {
        System.out.println(FOLD.report());
    }
}

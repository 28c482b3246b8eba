package dev.trimtab.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.live.Delivery;
import dev.trimtab.ingest.core.MetricItem;
import dev.trimtab.ingest.core.Skipped;
import dev.trimtab.testing.RecordingEmitter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** What a receiver sends, and what it does when the broker does not take it. */
class MetricForwarderTest {
    static final List<MetricItem> ITEMS = List.of(
            new MetricItem.ExternalValue("", "queue_depth", Map.of("queue", "a"), 5000, 1),
            new MetricItem.ExternalValue("", "nobody_reads", Map.of(), 1, 1));
    static final List<Set<String>> ROUTES = List.of(Set.of("shop/worker", "ops/batch"), Set.of());

    @Test
    void eachWorkloadThatReadsAnItemGetsOneRecordAndTheRestIsCounted() {
        List<String> sent = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MetricForwarder f =
                new MetricForwarder(new RecordingEmitter(sent), items -> ROUTES, registry, Duration.ofSeconds(5), 1000);

        MetricForwarder.Outcome out =
                f.forward("prometheus-remote-write", ITEMS, List.of(new Skipped("t{}", Skipped.Reason.Negative)));

        assertThat(out).isEqualTo(new MetricForwarder.Outcome(2, 2, 1, 1));
        assertThat(sent).hasSize(2).allSatisfy(s -> assertThat(s).contains("\"metricName\":\"queue_depth\""));
        assertThat(sent)
                .anySatisfy(s -> assertThat(s).contains("\"partitionkey\":\"shop/worker\""))
                .anySatisfy(s -> assertThat(s).contains("\"partitionkey\":\"ops/batch\""));
        assertThat(count(registry, "forwarded", "")).isEqualTo(1);
        assertThat(count(registry, "unused", "")).isEqualTo(1);
        assertThat(count(registry, "skipped", "Negative")).isEqualTo(1);
    }

    @Test
    void aBrokerThatRefusesEveryRecordEndsTheRequestWithinTheDeliveryTimeoutAndCountsNothingForwarded() {
        List<String> sent = new ArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MetricForwarder f = new MetricForwarder(
                new RecordingEmitter(sent, n -> new TimeoutException("broker down")),
                items -> ROUTES,
                registry,
                Duration.ofMillis(500),
                1000);
        long start = System.nanoTime();

        assertThatThrownBy(() -> f.forward("prometheus-remote-write", ITEMS, List.of()))
                .isInstanceOf(Delivery.NotDelivered.class)
                .hasMessageContaining("broker down");

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("bounded by the delivery timeout")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(sent.size())
                .as("sent again after a backoff before giving up")
                .isGreaterThan(2);
        assertThat(count(registry, "forwarded", "")).isZero();
    }

    private static double count(SimpleMeterRegistry r, String result, String reason) {
        var c = r.find("trimtab_ingest_samples_total")
                .tag("result", result)
                .tag("reason", reason)
                .counter();
        return c == null ? 0 : c.count();
    }
}

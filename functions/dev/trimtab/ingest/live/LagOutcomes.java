package dev.trimtab.ingest.live;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Counts the Kafka-lag source's outcomes ({@code trimtab_ingest_queries_total{receiver="kafka-lag",
 * result}}) and logs a problem at WARN at most once a minute per key (a cluster, a policy).
 */
final class LagOutcomes {
    static final String RECEIVER = "kafka-lag";
    private static final Logger LOG = Logger.getLogger(KafkaLagSource.class);
    private static final long WARN_EVERY_MILLIS = 60_000;
    private static final int MAX_KEYS = 10_000;

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, Long> lastWarn = new ConcurrentHashMap<>();

    LagOutcomes(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void count(LagResult result, long n) {
        if (n > 0) {
            registry.counter("trimtab_ingest_queries_total", "receiver", RECEIVER, "result", result.name())
                    .increment(n);
        }
    }

    /** Counts once and warns about {@code key} unless it was warned about within the minute. */
    void failed(LagResult result, String key, String message) {
        count(result, 1);
        warn(key, message);
    }

    void warn(String key, String message) {
        long now = clock.millis();
        if (lastWarn.size() > MAX_KEYS) {
            lastWarn.values().removeIf(t -> now - t >= WARN_EVERY_MILLIS || t > now);
        }
        Long last = lastWarn.get(key);
        if (last == null || now < last || now - last >= WARN_EVERY_MILLIS) {
            lastWarn.put(key, now);
            LOG.warnf("Kafka lag: %s (logged at most once a minute)", message);
        }
    }
}

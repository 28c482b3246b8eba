package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.Lease;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The lease on the metric partitions: every second, reads how long ago the metric consumer last
 * heartbeated to its group coordinator and fences the engine ({@link AutoscalerEngine#fence}) once
 * that is longer than {@code session.timeout.ms} less two {@code heartbeat.interval.ms} ({@link Lease}):
 * past it, the group may have expired the membership and given the partitions to another instance
 * before this consumer hears of it (a broker restart). The lease is back, and the engine decides
 * again, when heartbeats resume; if the partitions went meanwhile, the rebalance listener
 * ({@link StateStore}) releases them as usual. Alone (no metric channel) there is no group and
 * nothing to fence (docs/decisions/0020, "Membership lease").
 *
 * <p>Kafka's {@code consumer-coordinator-metrics/last-heartbeat-seconds-ago} counts whole seconds
 * since a heartbeat was <em>sent</em>, answered or not: the lease reads it as the end of that
 * second plus the time until its next look, so it is fenced by the time the heartbeat is
 * {@code session − 2 × heartbeat} old. {@code KafkaConsumer.metrics()} (classic and consumer protocols, kafka-clients 4.1)
 * takes no consumer lock and a metric's value is read under its own lock, so it is read here, off
 * the polling thread.
 *
 * <p>While fenced, the lease is also looked at every {@link #STEP_MILLIS}: deciding resumes within
 * 0.1 s of the first heartbeat instead of at the scheduler's next second.
 *
 * <p>A completed rebalance renews the lease at once ({@link #rebalanced}): the coordinator reset
 * the member's session when it answered the group's join, before the assignment listener ran.
 * The renewal counts from one heartbeat interval before that listener started, a bound on the
 * join's round trip, so that the lease does not wait for the first heartbeat after the join (one
 * interval later). The listener fires it last, once the engine holds exactly the partitions the
 * group assigned (stale ones released first).
 */
@ApplicationScoped
@Startup // its gauge is scraped (and on the dashboard) from the start, not from the first look
public class MembershipLease {
    private static final Logger LOG = Logger.getLogger(MembershipLease.class);
    /** How long a fenced metric batch sleeps between looks at the lease, and how often a fenced lease is looked at. */
    static final long STEP_MILLIS = 100;
    /**
     * How often the lease is looked at ({@link #tick}): once a second, the Quarkus scheduler's
     * shortest period (a shorter {@code every} runs late, which the lease must not assume).
     */
    static final long CHECK_MILLIS = 1000;

    /** One reading: whole seconds since the last heartbeat (negative: none yet) and the group settings. */
    public record Reading(double lastHeartbeatSecondsAgo, long sessionTimeoutMillis, long heartbeatIntervalMillis) {}

    /** Where readings come from; null while there is nothing to read (no consumer yet, none at all). */
    public interface Heartbeats {
        Reading read();
    }

    /** A metric batch stayed fenced for longer than the delivery timeout: it fails uncommitted. */
    public static final class NotRenewed extends RuntimeException {
        NotRenewed(String message) {
            super(message);
        }
    }

    private final AutoscalerEngine engine;
    private final Heartbeats heartbeats;
    private final LongSupplier nanoTime;
    private volatile boolean fenced;
    private String misconfigured;
    /** Whether, while fenced, the lease is also looked at every {@link #STEP_MILLIS} ({@link #looks}). */
    private final boolean looksWhileFenced;
    /** The looks every {@link #STEP_MILLIS} while fenced: resumed heartbeats are seen within 0.1 s, not up to 1 s. */
    private ScheduledExecutorService looks;

    private ScheduledFuture<?> looking;
    private boolean closed;
    /** When the last completed rebalance renewed the session ({@link System#nanoTime}); none while {@link #renewed} is false. */
    private long renewedAtNanos;

    private boolean renewed;

    @Inject
    public MembershipLease(
            AutoscalerEngine engine,
            MeterRegistry registry,
            KafkaClientService kafka,
            @ConfigProperty(name = "mp.messaging.incoming.metrics.enabled", defaultValue = "true")
                    boolean metricsConsumed) {
        this(
                engine,
                registry,
                metricsConsumed ? new ConsumerHeartbeats(kafka, "metrics") : () -> null,
                System::nanoTime,
                true);
    }

    /** Looked at only when the test says so ({@link #check}, {@link #rebalanced}). */
    MembershipLease(AutoscalerEngine engine, MeterRegistry registry, Heartbeats heartbeats) {
        this(engine, registry, heartbeats, System::nanoTime, false);
    }

    MembershipLease(
            AutoscalerEngine engine,
            MeterRegistry registry,
            Heartbeats heartbeats,
            LongSupplier nanoTime,
            boolean looksWhileFenced) {
        this.engine = engine;
        this.heartbeats = heartbeats;
        this.nanoTime = nanoTime;
        this.looksWhileFenced = looksWhileFenced;
        Gauge.builder("trimtab_autoscaler_membership_fenced", this, l -> l.fenced ? 1 : 0)
                .description("1 while this instance may have lost its consumer-group membership and decides for none"
                        + " of its metric partitions (its consumer has not heartbeated for session.timeout.ms less"
                        + " two heartbeat intervals)")
                .register(registry);
    }

    @Scheduled(
            every = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        check();
    }

    /**
     * The metric consumer's group completed a rebalance with this instance in it: the coordinator
     * renewed its session, so the lease is renewed and looked at now (on the consumer's thread).
     */
    void rebalanced(@Observes StateStore.Rebalanced r) {
        synchronized (this) {
            renewedAtNanos = r.atNanos();
            renewed = true;
        }
        check();
    }

    /** Reads the heartbeat once and fences or unfences the engine; returns whether it is fenced. */
    synchronized boolean check() {
        boolean fence;
        String why;
        try {
            Reading r;
            try {
                r = heartbeats.read();
            } catch (IllegalArgumentException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.debugf("cannot read the metric consumer's heartbeat: %s", e.toString());
                return fenced; // nothing learned: keep the lease as it is
            }
            if (r == null) {
                return fenced;
            }
            // the reported second's end, plus the time until the next look: the lease must hold till then
            long ago = r.lastHeartbeatSecondsAgo() < 0
                    ? -1
                    : (long) (r.lastHeartbeatSecondsAgo() + 1) * 1000 + CHECK_MILLIS;
            if (ago >= 0 && renewed) {
                // the last rebalance's renewal, one heartbeat interval early, if it is the later
                long sinceRenewal = (nanoTime.getAsLong() - renewedAtNanos) / 1_000_000
                        + r.heartbeatIntervalMillis()
                        + CHECK_MILLIS;
                ago = Math.min(ago, Math.max(0, sinceRenewal));
            }
            fence = Lease.fenced(ago, r.sessionTimeoutMillis(), r.heartbeatIntervalMillis());
            why = "the metric consumer last heartbeated " + (long) r.lastHeartbeatSecondsAgo() + " s ago (up to "
                    + ago / 1000 + " s by the next look), past the lease of "
                    + Lease.limitMillis(r.sessionTimeoutMillis(), r.heartbeatIntervalMillis())
                    + " ms (session.timeout.ms "
                    + r.sessionTimeoutMillis() + " less 2 × heartbeat.interval.ms " + r.heartbeatIntervalMillis() + ")";
        } catch (IllegalArgumentException e) {
            // no margin is left: fail closed, and say why once
            if (!e.getMessage().equals(misconfigured)) {
                LOG.errorf(
                        "membership lease: %s (mp.messaging.incoming.metrics.*); deciding for no partition",
                        e.getMessage());
                misconfigured = e.getMessage();
            }
            fence = true;
            why = e.getMessage();
        }
        if (fence != fenced) {
            engine.fence(fence);
            fenced = fence;
            lookOftenWhileFenced(fence);
            if (fence) {
                LOG.warnf(
                        "membership lease lost: %s; the group may have given this instance's metric partitions to"
                                + " another; deciding for none of them until heartbeats resume",
                        why);
            } else {
                LOG.infof("membership lease back: the metric consumer heartbeats again; deciding for its partitions");
            }
        }
        return fenced;
    }

    /**
     * Fenced, the lease is looked at every {@link #STEP_MILLIS} besides the scheduler's second, so
     * that deciding resumes within 0.1 s of the first heartbeat (the heartbeat metric reads 0 from
     * then on); unfenced, the second's looks suffice. Each look still holds the lease up to the
     * scheduler's next one ({@link #CHECK_MILLIS}).
     */
    private void lookOftenWhileFenced(boolean fence) {
        if (!looksWhileFenced || closed) {
            return;
        }
        if (fence && looking == null) {
            if (looks == null) {
                looks = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "trimtab-membership-lease");
                    t.setDaemon(true);
                    return t;
                });
            }
            looking = looks.scheduleWithFixedDelay(this::check, STEP_MILLIS, STEP_MILLIS, TimeUnit.MILLISECONDS);
        } else if (!fence && looking != null) {
            looking.cancel(false);
            looking = null;
        }
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (looks != null) {
            looks.shutdownNow();
        }
    }

    /** Whether the lease is lost (the gauge's value). */
    public boolean fenced() {
        return fenced;
    }

    /**
     * Runs {@code attempt} until it answers (non-null), sleeping {@link #STEP_MILLIS} between tries:
     * a metric batch taken only when the engine is not fenced ({@link Intake#takeAllUnlessFenced}).
     *
     * @throws NotRenewed when it has not answered within {@code timeout}
     */
    public static <T> T whenUnfenced(Duration timeout, LongConsumer sleeper, Supplier<T> attempt) {
        long start = System.nanoTime();
        while (true) {
            T out = attempt.get();
            if (out != null) {
                return out;
            }
            if (System.nanoTime() - start >= timeout.toNanos()) {
                throw new NotRenewed(
                        "fenced (membership lease lost) for longer than the delivery timeout (" + timeout + ")");
            }
            sleeper.accept(STEP_MILLIS);
        }
    }

    /** Readings from a channel's Kafka consumers (the stalest of them, when there are several). */
    static final class ConsumerHeartbeats implements Heartbeats {
        static final String METRIC = "last-heartbeat-seconds-ago";
        private final KafkaClientService kafka;
        private final String channel;

        ConsumerHeartbeats(KafkaClientService kafka, String channel) {
            this.kafka = kafka;
            this.channel = channel;
        }

        @Override
        public Reading read() {
            List<KafkaConsumer<Object, Object>> consumers = kafka.getConsumers(channel);
            Reading stalest = null;
            for (KafkaConsumer<Object, Object> c : consumers) {
                Double ago = lastHeartbeat(c.unwrap().metrics());
                if (ago == null) {
                    continue;
                }
                Map<String, ?> conf = c.configuration();
                Reading r = new Reading(
                        ago, millis(conf, "session.timeout.ms", 45_000), millis(conf, "heartbeat.interval.ms", 3_000));
                if (stalest == null || r.lastHeartbeatSecondsAgo() > stalest.lastHeartbeatSecondsAgo()) {
                    stalest = r;
                }
            }
            return stalest;
        }

        static Double lastHeartbeat(Map<MetricName, ? extends Metric> metrics) {
            for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
                if (METRIC.equals(e.getKey().name())
                        && e.getKey().group().endsWith("coordinator-metrics")
                        && e.getValue().metricValue() instanceof Number n) {
                    return n.doubleValue();
                }
            }
            return null;
        }

        /** A consumer setting in milliseconds, Kafka's default when absent. */
        static long millis(Map<String, ?> conf, String key, long kafkaDefault) {
            Object v = conf.get(key);
            if (v == null) {
                return kafkaDefault;
            }
            try {
                return Long.parseLong(String.valueOf(v).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " = '" + v + "', must be a number of milliseconds");
            }
        }
    }
}

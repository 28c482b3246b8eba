package dev.trimtab.ingest.live;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.ingest.core.AllowedBrokers;
import dev.trimtab.ingest.core.LagWatch;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.jboss.logging.Logger;

/**
 * Runs the Kafka-lag source without a framework (the bean {@link KafkaLagSource} and the tests
 * start it): every second it takes the metrics to watch, checks each cluster against the allow
 * list and the bounds ({@code max-clusters}, {@code max-groups} per cluster), starts a
 * {@link ClusterLagReader} for each cluster named and closes the readers of clusters no longer
 * named. Every reader connects with Trimtab's own Kafka client settings (security protocol, TLS,
 * SASL: the {@code default-kafka-broker} map), its bootstrap servers replaced by the cluster's.
 */
public final class KafkaLagRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KafkaLagRunner.class);

    /** The settings ({@code trimtab.ingest.kafka-lag.*}). */
    public record Options(
            Duration interval,
            Duration commitGap,
            int maxClusters,
            int maxGroups,
            int maxPartitions,
            Duration requestTimeout,
            Duration reseedInterval) {
        public Options {
            if (interval.toMillis() < 10) {
                throw new IllegalArgumentException(
                        "trimtab.ingest.kafka-lag.interval: " + interval + ", must be at least 10ms");
            }
            if (maxClusters < 1 || maxGroups < 1 || maxPartitions < 1) {
                throw new IllegalArgumentException("trimtab.ingest.kafka-lag.max-clusters, max-groups, max-partitions: "
                        + maxClusters + ", " + maxGroups + ", " + maxPartitions + ": each must be at least 1");
            }
            if (requestTimeout.toMillis() < 1
                    || requestTimeout.toMillis() > Integer.MAX_VALUE
                    || commitGap.isNegative()
                    || reseedInterval.toMillis() < 1) {
                throw new IllegalArgumentException(
                        "trimtab.ingest.kafka-lag.request-timeout, commit-gap, reseed-interval: " + requestTimeout
                                + ", " + commitGap + ", " + reseedInterval + ": out of range");
            }
        }

        public static Options defaults() {
            return new Options(
                    Duration.ofSeconds(1),
                    Duration.ofMillis(100),
                    8,
                    200,
                    10_000,
                    Duration.ofSeconds(5),
                    Duration.ofMinutes(5));
        }
    }

    private final Options options;
    private final AllowedBrokers allowed;
    private final Supplier<List<LagWatch>> watches;
    private final Map<String, Object> kafka;
    private final LagOutcomes outcomes;
    private final LagSender sender;
    private final Clock clock;
    private final Map<String, ClusterLagReader> readers = new HashMap<>();
    private final ScheduledExecutorService control;
    private final AtomicInteger clients = new AtomicInteger();
    private boolean closed;

    /**
     * @param kafka Trimtab's own Kafka client settings; only the security and connection ones are used
     * @param sink  sends events keyed by workload and returns once the broker has them, or throws
     */
    public KafkaLagRunner(
            Options options,
            AllowedBrokers allowed,
            Supplier<List<LagWatch>> watches,
            Map<String, Object> kafka,
            Consumer<Map<String, List<CloudEvent>>> sink,
            MeterRegistry registry,
            Clock clock) {
        this.options = options;
        this.allowed = allowed;
        this.watches = watches;
        this.kafka = new HashMap<>(kafka);
        this.clock = clock;
        this.outcomes = new LagOutcomes(registry, clock);
        this.sender = new LagSender(sink, outcomes, 10_000);
        this.control = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trimtab-kafka-lag");
            t.setDaemon(true);
            return t;
        });
    }

    public KafkaLagRunner start() {
        sender.start();
        control.scheduleWithFixedDelay(this::refreshQuietly, 0, 1, TimeUnit.SECONDS);
        return this;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("Kafka lag: the metrics to watch could not be read, tried again in a second: %s", e.toString());
        }
    }

    /** Takes the metrics to watch now; starts and stops cluster readers to match. */
    synchronized void refresh() {
        if (closed) {
            return;
        }
        Map<String, List<LagWatch>> byCluster = new LinkedHashMap<>();
        Map<String, Set<String>> groups = new HashMap<>();
        for (LagWatch w : watches.get()) {
            String cluster;
            try {
                cluster = AllowedBrokers.cluster(w.bootstrapServers());
            } catch (IllegalArgumentException e) {
                outcomes.failed(LagResult.bad_bootstrap, w.describe(), w.describe() + ": " + e.getMessage());
                continue;
            }
            if (!allowed.allows(cluster)) {
                outcomes.failed(
                        LagResult.refused_server,
                        "refused " + cluster,
                        w.describe() + ": bootstrapServers \""
                                + w.bootstrapServers() + "\" are not all in " + KafkaLagSource.ALLOWED_PROPERTY + " "
                                + allowed.servers() + ": not read");
                continue;
            }
            if (!byCluster.containsKey(cluster) && byCluster.size() >= options.maxClusters()) {
                outcomes.failed(
                        LagResult.over_limit,
                        "clusters",
                        w.describe() + ": more than " + options.maxClusters()
                                + " clusters (trimtab.ingest.kafka-lag.max-clusters): " + cluster + " not read");
                continue;
            }
            Set<String> g = groups.computeIfAbsent(cluster, c -> new LinkedHashSet<>());
            if (!g.contains(w.consumerGroup()) && g.size() >= options.maxGroups()) {
                outcomes.failed(
                        LagResult.over_limit,
                        cluster + " groups",
                        w.describe() + ": more than " + options.maxGroups() + " groups on " + cluster
                                + " (trimtab.ingest.kafka-lag.max-groups): not read");
                continue;
            }
            g.add(w.consumerGroup());
            byCluster.computeIfAbsent(cluster, c -> new ArrayList<>()).add(w);
        }
        for (var it = readers.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, ClusterLagReader> e = it.next();
            if (!byCluster.containsKey(e.getKey())) {
                it.remove();
                e.getValue().close();
                LOG.infof("Kafka lag: no metric reads cluster %s any more: its reader stopped", e.getKey());
            }
        }
        byCluster.forEach((cluster, ws) -> {
            ClusterLagReader r = readers.get(cluster);
            if (r == null) {
                r = new ClusterLagReader(
                        cluster, consumerConfig(cluster), adminConfig(cluster), options, sender, outcomes, clock);
                r.watches(ws);
                readers.put(cluster, r.start());
                LOG.infof("Kafka lag: reading cluster %s for %d metric(s)", cluster, ws.size());
            } else {
                r.watches(ws);
            }
        });
    }

    /** The clusters read now (for tests). */
    synchronized Set<String> clusters() {
        return Set.copyOf(readers.keySet());
    }

    private Map<String, Object> consumerConfig(String cluster) {
        Map<String, Object> p = only(ConsumerConfig.configNames());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "trimtab-kafka-lag-" + clients.incrementAndGet());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.EXCLUDE_INTERNAL_TOPICS_CONFIG, false);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // the reader seeks to the end itself; a position lost later (the log truncated under it) is an
        // error, after which every group is seeded again, rather than a silent jump over commits
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        // offsets committed in a transaction count from its commit marker, as OffsetFetch (KEDA) sees them
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1 << 20);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 8 << 20);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        p.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return p;
    }

    private Map<String, Object> adminConfig(String cluster) {
        Map<String, Object> p = only(AdminClientConfig.configNames());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "trimtab-kafka-lag-admin-" + clients.incrementAndGet());
        int timeout = (int) options.requestTimeout().toMillis();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeout);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeout);
        return p;
    }

    /** Trimtab's client settings that {@code names} knows (security, reconnect backoff, ...). */
    private Map<String, Object> only(Set<String> names) {
        Map<String, Object> p = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (names.contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    @Override
    public void close() {
        List<ClusterLagReader> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(readers.values());
            readers.clear();
        }
        control.shutdownNow();
        try {
            control.awaitTermination(10, TimeUnit.SECONDS); // a refresh may be closing a reader
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        toClose.forEach(ClusterLagReader::close);
        sender.close();
    }
}

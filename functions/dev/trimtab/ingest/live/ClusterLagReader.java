package dev.trimtab.ingest.live;

import dev.trimtab.ingest.core.ConsumerOffsetsDecoder;
import dev.trimtab.ingest.core.LagBook;
import dev.trimtab.ingest.core.LagWatch;
import dev.trimtab.kube.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The Kafka-lag source's reader of one Kafka cluster (docs/decisions/0034); what it knows is its
 * {@link ClusterLagView}. Two threads:
 * <ul>
 *   <li>the <b>tail</b>: one consumer without a group, assigned the partitions of
 *       {@code __consumer_offsets} that hold the watched groups, positioned at their end, then
 *       each watched group seeded with the Admin API's {@code listConsumerGroupOffsets} (again
 *       after any error, and every {@code reseed-interval}); every commit record read after that
 *       updates the {@link LagBook} and, at most once per {@code commit-gap} per metric, sends the
 *       metric's event with the end offsets of the last poll;</li>
 *   <li>the <b>poll</b>, every {@code interval}: the partitions of the topics read
 *       ({@code describeTopics}, cached 30 s) and their end offsets ({@code listOffsets(latest)}),
 *       then an event for every watched metric.</li>
 * </ul>
 * Nothing is sent for a group until its offsets are known whole, so a missing committed offset in
 * an event always means the group has none.
 */
final class ClusterLagReader implements AutoCloseable {
    private static final long MAX_POLL_WAIT_MILLIS = 100;
    /** The most topics one event carries: the autoscaler refuses more (trimtab.autoscaler.max-kafka-topics, 1000). */
    static final int MAX_TOPICS_PER_EVENT = 1000;

    private final String cluster;
    private final Map<String, Object> consumerConfig;
    private final KafkaLagRunner.Options options;
    private final LagSender sender;
    private final LagOutcomes outcomes;
    private final Clock clock;
    private final LagAdmin admin;
    private final Thread tail;
    private final ScheduledExecutorService poller;
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), new Random());
    private volatile boolean running = true;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile List<LagWatch> watches = List.of();
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    private final ClusterLagView view;
    private long nextReseed;
    private long nextSeedAttempt;

    ClusterLagReader(
            String cluster,
            Map<String, Object> consumerConfig,
            Map<String, Object> adminConfig,
            KafkaLagRunner.Options options,
            LagSender sender,
            LagOutcomes outcomes,
            Clock clock) {
        this.cluster = cluster;
        this.consumerConfig = consumerConfig;
        this.options = options;
        this.sender = sender;
        this.outcomes = outcomes;
        this.clock = clock;
        this.view = new ClusterLagView(cluster, options, sender, outcomes);
        this.admin = new LagAdmin(adminConfig, options.requestTimeout(), clock);
        this.tail = new Thread(this::runTail, "trimtab-kafka-lag-tail");
        this.tail.setDaemon(true);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trimtab-kafka-lag-poll");
            t.setDaemon(true);
            return t;
        });
        this.nextReseed = clock.millis() + options.reseedInterval().toMillis();
    }

    ClusterLagReader start() {
        tail.start();
        long every = options.interval().toMillis();
        poller.scheduleAtFixedRate(this::poll, 0, every, TimeUnit.MILLISECONDS);
        return this;
    }

    /** The metrics to watch on this cluster from now on. */
    void watches(List<LagWatch> ws) {
        watches = List.copyOf(ws);
    }

    // ---------------------------------------------------------------- the tail

    private void runTail() {
        while (running) {
            KafkaConsumer<byte[], byte[]> c = null;
            try {
                c = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                consumer = c;
                if (running) {
                    tailWith(c);
                }
            } catch (WakeupException | InterruptException e) {
                // closing
            } catch (RuntimeException e) {
                if (!running) {
                    break;
                }
                outcomes.failed(
                        LagResult.unreachable,
                        cluster,
                        "cluster " + cluster + ": reading "
                                + ConsumerOffsetsDecoder.TOPIC + " failed, every group is read again after a pause: "
                                + LagAdmin.describe(e));
                view.unseedAll();
                pause(backoff.next());
            } finally {
                consumer = null;
                if (c != null) {
                    c.close(CloseOptions.timeout(Duration.ofSeconds(1)));
                }
            }
        }
    }

    private void tailWith(KafkaConsumer<byte[], byte[]> c) {
        Duration timeout = options.requestTimeout();
        int count = 0;
        Set<Integer> assigned = Set.of();
        while (running) {
            List<LagWatch> ws = watches;
            Set<String> groups = ClusterLagView.groups(ws);
            view.watch(ws);
            if (count == 0 && !groups.isEmpty()) {
                List<PartitionInfo> infos = c.partitionsFor(ConsumerOffsetsDecoder.TOPIC, timeout);
                if (infos == null || infos.isEmpty()) {
                    // created by the first group coordinator lookup, which seeding makes
                    seed(groups);
                    pause(500);
                    continue;
                }
                count = infos.size();
            }
            Set<Integer> wanted = new HashSet<>();
            for (String g : groups) {
                wanted.add(ConsumerOffsetsDecoder.partitionFor(g, count));
            }
            if (!wanted.equals(assigned)) {
                reassign(c, assigned, wanted, groups, count, timeout);
                assigned = wanted;
            }
            seedIfDue(groups);
            if (assigned.isEmpty()) {
                pause(MAX_POLL_WAIT_MILLIS);
                continue;
            }
            long wait = view.untilNext(clock.millis());
            ConsumerRecords<byte[], byte[]> records =
                    c.poll(Duration.ofMillis(wait < 0 ? MAX_POLL_WAIT_MILLIS : Math.min(wait, MAX_POLL_WAIT_MILLIS)));
            for (ConsumerRecord<byte[], byte[]> r : records) {
                apply(r);
            }
            backoff.reset();
            view.emitDue(watches, clock.millis());
        }
    }

    /** Assigns {@code wanted}; partitions new to the consumer start at their end, and their groups are seeded after. */
    private void reassign(
            KafkaConsumer<byte[], byte[]> c,
            Set<Integer> assigned,
            Set<Integer> wanted,
            Set<String> groups,
            int count,
            Duration timeout) {
        List<TopicPartition> all = new ArrayList<>();
        List<TopicPartition> fresh = new ArrayList<>();
        for (int p : wanted) {
            TopicPartition tp = new TopicPartition(ConsumerOffsetsDecoder.TOPIC, p);
            all.add(tp);
            if (!assigned.contains(p)) {
                fresh.add(tp);
            }
        }
        c.assign(all);
        c.seekToEnd(fresh);
        for (TopicPartition tp : fresh) {
            c.position(tp, timeout); // resolved now: every commit after this point is read from the log
        }
        for (String g : groups) {
            if (!assigned.contains(ConsumerOffsetsDecoder.partitionFor(g, count))) {
                view.unseed(g);
            }
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        ConsumerOffsetsDecoder.Entry e;
        try {
            e = ConsumerOffsetsDecoder.decode(r.key(), r.value());
        } catch (ConsumerOffsetsDecoder.Unreadable u) {
            outcomes.failed(
                    LagResult.bad_record,
                    cluster + " bad record",
                    "cluster " + cluster + ": "
                            + ConsumerOffsetsDecoder.TOPIC + "-" + r.partition() + " offset " + r.offset() + ": "
                            + u.getMessage()
                            + (u.group() == null ? "; skipped" : "; the group's offsets are read again"));
            if (u.group() != null) {
                view.unseed(u.group());
            }
            return;
        }
        view.apply(e, watches);
    }

    /** Seeds the groups not known whole, and every {@code reseed-interval} all of them (they stay usable meanwhile). */
    private void seedIfDue(Set<String> groups) {
        long now = clock.millis();
        Set<String> toSeed = view.unseeded();
        if (now >= nextReseed && !groups.isEmpty()) {
            nextReseed = now + options.reseedInterval().toMillis();
            toSeed = groups;
        }
        if (!toSeed.isEmpty() && now >= nextSeedAttempt) {
            if (!seed(toSeed)) {
                nextSeedAttempt = now + backoff.next();
            }
        }
    }

    /** Reads the groups' committed offsets whole (Admin); returns whether every group was read. */
    private boolean seed(Set<String> groups) {
        LagAdmin.Committed read;
        try {
            read = admin.committed(groups);
        } catch (InterruptedException e) {
            throw new WakeupException();
        }
        boolean pollNow = view.seeded(read.offsets(), watches); // newly known: end offsets now
        if (pollNow && running) {
            try {
                poller.execute(this::poll);
            } catch (RejectedExecutionException closing) {
                // closed meanwhile
            }
        }
        read.failed()
                .forEach((g, why) -> outcomes.warn(
                        cluster + " group " + g,
                        "cluster " + cluster
                                + ": the committed offsets of group \"" + g
                                + "\" could not be read (tried again; the Kafka user needs "
                                + "Describe on the group): " + why));
        return read.failed().isEmpty();
    }

    // ---------------------------------------------------------------- the poll

    private void poll() {
        try {
            List<LagWatch> ws = watches;
            if (ws.isEmpty() || !running) {
                return;
            }
            Map<LagWatch, Set<String>> topicsOf = view.topicsOf(ws);
            Set<String> topics = new LinkedHashSet<>();
            topicsOf.values().forEach(topics::addAll);
            Map<String, List<Integer>> known = describe(topics);
            Set<TopicPartition> wanted = new LinkedHashSet<>();
            Set<String> tooMany = new HashSet<>();
            for (Map.Entry<LagWatch, Set<String>> e : topicsOf.entrySet()) {
                Set<TopicPartition> more = new LinkedHashSet<>();
                for (String t : e.getValue()) {
                    for (int p : known.getOrDefault(t, List.of())) {
                        TopicPartition tp = new TopicPartition(t, p);
                        if (!wanted.contains(tp)) {
                            more.add(tp);
                        }
                    }
                }
                if (wanted.size() + more.size() > options.maxPartitions()
                        || e.getValue().size() > MAX_TOPICS_PER_EVENT) {
                    tooMany.add(e.getKey().eventKey());
                } else {
                    wanted.addAll(more);
                }
            }
            LagAdmin.Ends read = admin.endOffsets(wanted);
            if (read.failure() != null) {
                outcomes.warn(
                        cluster + " end offsets",
                        "cluster " + cluster + ": end offsets could not be read: " + read.failure());
            }
            view.polled(ws, read.offsets(), tooMany, clock.millis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            outcomes.failed(
                    LagResult.unreachable,
                    cluster,
                    "cluster " + cluster + ": the poll failed: " + LagAdmin.describe(e));
        }
    }

    /**
     * The partitions of {@code topics}: described again when unknown or older than 30 s; a topic
     * that does not exist is left out (its metrics count unknown_topic).
     */
    private Map<String, List<Integer>> describe(Set<String> topics) throws InterruptedException {
        long now = clock.millis();
        List<String> stale = view.stale(topics, now);
        if (!stale.isEmpty()) {
            LagAdmin.Described d = admin.describe(stale);
            view.described(d, now);
            d.failed()
                    .forEach((t, why) -> outcomes.warn(
                            cluster + " describe",
                            "cluster " + cluster + ": topic \"" + t
                                    + "\" could not be described (the Kafka user needs Describe on it): " + why));
        }
        return view.partitions();
    }

    /** Waits {@code millis}, or until closed. */
    private void pause(long millis) {
        try {
            stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WakeupException();
        }
    }

    @Override
    public void close() {
        running = false;
        stopped.countDown();
        poller.shutdownNow();
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            tail.join(5_000);
            if (tail.isAlive()) {
                tail.interrupt(); // stuck in a request: its timeout has not passed
                tail.join(2_000);
            }
            poller.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close();
    }
}

package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.events.HistoryRecords;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes a workload's history follow its partition. The metric channel's rebalance listener: on
 * assignment it takes the same partitions of the compacted state topic from the instance's
 * {@link StateReplica} (up to their end offsets at that moment) and restores the histories
 * before a record of them is processed (docs/decisions/0043); on revocation it waits for the decision in
 * flight, writes the histories of the revoked workloads and waits until the broker has every one
 * (sending failed ones again, for at most {@code state.handover-timeout}) before the partitions go.
 * A metric batch is committed only after the histories its decisions changed are written
 * ({@link #writeBeforeCommit}), so a crash loses no recommendation a committed batch was decided
 * on. Changes no batch covers (resync, informer events) are written every
 * {@code state.flush-interval}, and a failed write is sent again at the next flush (the policy's
 * latest snapshot). Alone (the metric channel disabled, as in Knative push mode) the instance
 * owns every workload and restores the whole topic at start, so scaling the autoscaler to zero
 * keeps its windows.
 *
 * <p>Snapshots are keyed by policy and written to the partition of the policy's workload (the
 * metric topic's partition count), so the state topic needs as many partitions as the metric topic.
 */
@ApplicationScoped
@Identifier(StateStore.NAME)
public class StateStore implements KafkaConsumerRebalanceListener {
    public static final String NAME = "trimtab-autoscaler-ownership";
    private static final Logger LOG = Logger.getLogger(StateStore.class);

    private final AutoscalerEngine engine;
    private final LiveSettings.State settings;
    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final String metricTopic;
    private final boolean metricsConsumed;
    private final RevocationCommit commits;
    private final LongConsumer rebalanced;
    private KafkaProducer<String, byte[]> producer;
    private StateReplica replica;
    private boolean closed;

    /**
     * The metric consumer's group finished a rebalance with this instance in it (its assignment
     * listener started, on the consumer's thread, at {@code atNanos}): the coordinator has just
     * renewed its session ({@link MembershipLease#rebalanced}). Fired at the listener's end.
     */
    public record Rebalanced(long atNanos) {}

    @Inject
    public StateStore(
            AutoscalerEngine engine,
            LiveSettings settings,
            MeterRegistry registry,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "mp.messaging.incoming.metrics.topic") String metricTopic,
            @ConfigProperty(name = "mp.messaging.incoming.metrics.enabled", defaultValue = "true")
                    boolean metricsConsumed,
            @Identifier(RevocationCommit.NAME) RevocationCommit commits,
            Event<Rebalanced> rebalanced) {
        this(
                engine,
                settings,
                registry,
                kafka,
                metricTopic,
                metricsConsumed,
                commits,
                atNanos -> rebalanced.fire(new Rebalanced(atNanos)));
    }

    /** Without a membership lease to tell of rebalances (tests that drive the listener by hand). */
    StateStore(
            AutoscalerEngine engine,
            LiveSettings settings,
            MeterRegistry registry,
            Map<String, Object> kafka,
            String metricTopic,
            boolean metricsConsumed,
            RevocationCommit commits) {
        this(engine, settings, registry, kafka, metricTopic, metricsConsumed, commits, atNanos -> {});
    }

    StateStore(
            AutoscalerEngine engine,
            LiveSettings settings,
            MeterRegistry registry,
            Map<String, Object> kafka,
            String metricTopic,
            boolean metricsConsumed,
            RevocationCommit commits,
            LongConsumer rebalanced) {
        this.engine = engine;
        this.rebalanced = rebalanced;
        this.commits = commits;
        this.settings = settings.state();
        this.kafka = kafka;
        this.registry = registry;
        this.metricTopic = metricTopic;
        this.metricsConsumed = metricsConsumed;
        Gauge.builder("trimtab_autoscaler_owned_partitions", engine, AutoscalerEngine::ownedPartitions)
                .description("partitions of the metric topic whose workloads this instance decides for")
                .register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        if (settings.enabled()) {
            replica().start(); // reading before the group assigns anything: the first assignment waits less
        }
        if (metricsConsumed) {
            engine.awaitAssignment();
            return;
        }
        if (!settings.enabled()) {
            return;
        }
        // alone: every workload is ours, and so is every partition of the state topic
        List<Integer> all = new ArrayList<>();
        int count;
        try (Consumer<String, byte[]> c = consumer()) {
            List<PartitionInfo> infos = c.partitionsFor(settings.topic(), settings.restoreTimeout());
            count = infos.size();
            infos.forEach(p -> all.add(p.partition()));
        }
        Restored restored = read(all);
        engine.ownAll(count, restored.histories());
        LOG.infof(
                "alone: restored %d workload histories in %d ms",
                restored.histories().size(), restored.millis());
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        long listenerStart = System.nanoTime();
        // partitions the engine still holds but the consumer no longer has were lost without a
        // revocation reaching this listener: never decide for them next to their new owner
        List<Integer> held = numbers(consumer.assignment());
        List<Integer> stale = engine.ownedPartitionNumbers().stream()
                .filter(p -> !held.contains(p))
                .sorted()
                .toList();
        if (!stale.isEmpty()) {
            LOG.warnf(
                    "%s partitions %s were no longer assigned to this instance but still decided for: released"
                            + " without writing their histories (another instance may own them)",
                    metricTopic, stale);
            handOver(stale, false);
        }
        List<Integer> numbers = numbers(partitions);
        if (!numbers.isEmpty()) {
            int count = consumer.partitionsFor(metricTopic).size();
            Restored restored = settings.enabled() ? read(numbers) : Restored.NONE;
            engine.assign(count, numbers, restored.histories());
            LOG.infof(
                    "assigned %s partitions %s: restored %d workload histories in %d ms",
                    metricTopic, numbers, restored.histories().size(), restored.millis());
        }
        // called after every completed rebalance, with or without new partitions; only now, when the
        // engine holds exactly what the group assigned, may a renewed lease let it decide
        rebalanced.accept(listenerStart);
    }

    /**
     * Revoked, or lost: SmallRye's listener wrapper turns Kafka's {@code onPartitionsLost} into a
     * revocation, after the commit strategy's commit. A revocation whose commit failed
     * ({@link RevocationCommit#takeLost}) is a loss: the group has moved on and the partitions may
     * be another instance's already, so their histories are not written over the new owner's.
     */
    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        handOver(numbers(partitions), !commits.takeLost(partitions));
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // another instance may own them already: writing now could overwrite its newer snapshots
        commits.takeLost(partitions);
        handOver(numbers(partitions), false);
    }

    private void handOver(List<Integer> numbers, boolean write) {
        if (numbers.isEmpty()) {
            return;
        }
        List<HistoryRecords.Entry> released = engine.release(numbers);
        // the released histories supersede their failed writes; lost ones are no longer ours to write
        released.forEach(e -> {
            retry.remove(e.policy());
            inflight.remove(e.policy());
        });
        retry.values().removeIf(e -> partitionOf(e) < 0 || numbers.contains(partitionOf(e)));
        if (write && settings.enabled()) {
            writeAll(released, "revoked");
        }
        LOG.infof(
                "%s %s partitions %s: %d workload histories handed over",
                write ? "revoked" : "lost", metricTopic, numbers, write ? released.size() : 0);
    }

    /**
     * Writes the histories that changed since the last tick, and those whose last write failed
     * (the latest snapshot of each policy: a newer one replaces a failed older one).
     */
    @Scheduled(
            every = "${trimtab.autoscaler.state.flush-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void flushChanged() {
        // fenced: a new owner may be writing newer snapshots of these workloads; wait for the lease
        if (settings.enabled() && !engine.fenced()) {
            synchronized (this) {
                sendAll(due());
            }
        }
    }

    /** The changed histories, then the failed writes they do not replace; the failed ones leave the retry list. */
    private List<HistoryRecords.Entry> due() {
        Map<ObjectRef, HistoryRecords.Entry> due = new LinkedHashMap<>();
        for (HistoryRecords.Entry e : engine.drainChanged()) {
            due.put(e.policy(), e);
        }
        for (var it = retry.entrySet().iterator(); it.hasNext(); ) {
            var failed = it.next();
            it.remove();
            due.putIfAbsent(failed.getKey(), failed.getValue());
        }
        return new ArrayList<>(due.values());
    }

    @PreDestroy
    synchronized void close() {
        if (settings.enabled() && !closed && !engine.fenced()) {
            writeAll(due(), "shutdown");
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(10));
        }
        if (replica != null) {
            replica.close();
        }
        closed = true;
    }

    /**
     * Before a metric batch is committed: writes the histories changed since the last write (its
     * decisions' recommendations and scale events among them) and the failed writes, and waits for
     * the broker's acknowledgement, sending failed ones again, until {@code timeout}. A new owner
     * after a crash then restores every recommendation that the decisions of committed batches were
     * taken on, so a SIGKILL never shortens a stabilization window; the records after the last
     * commit are read again. Nothing to do when snapshots are off.
     *
     * @throws Delivery.NotDelivered when some history is still not written at the deadline (the
     *         batch then fails uncommitted, as for an undelivered decision; docs/decisions/0020)
     */
    public void writeBeforeCommit(Duration timeout) {
        if (!settings.enabled()) {
            return;
        }
        List<HistoryRecords.Entry> left = writeUntil(this::due, System.nanoTime() + timeout.toNanos());
        if (!left.isEmpty()) {
            left.forEach(e -> retry.putIfAbsent(e.policy(), e));
            throw new Delivery.NotDelivered(
                    "the histories of " + names(left) + " not written to " + settings.topic() + " within " + timeout,
                    null);
        }
    }

    /**
     * Writes the entries and waits for the broker's acknowledgement of each, sending the failed
     * ones again until the handover timeout has passed; what is still not written then is logged at
     * ERROR, by policy, and counted lost.
     */
    private void writeAll(List<HistoryRecords.Entry> entries, String why) {
        List<HistoryRecords.Entry> left = writeUntil(
                () -> entries, System.nanoTime() + settings.handoverTimeout().toNanos());
        if (!left.isEmpty()) {
            left.forEach(e -> retry.remove(e.policy()));
            registry.counter("trimtab_autoscaler_state_writes_total", "result", "lost")
                    .increment(left.size());
            LOG.errorf(
                    "%s: the histories of %d policies were not written to %s within %s; their next owner starts "
                            + "them afresh: %s",
                    why, left.size(), settings.topic(), settings.handoverTimeout(), names(left));
        }
    }

    /**
     * Sends the entries and waits for each acknowledgement, sending the failed ones again (backoff
     * 100 ms doubling to 5 s, the last attempt at the deadline) until all are written or
     * {@code deadline} (System.nanoTime) has passed; returns those not written. The entries are
     * taken and sent under this object's lock (so snapshots of a policy are sent in the order they
     * were taken), but the acknowledgements are awaited outside it: a writer waiting for a broker
     * that is away never holds up another writer, nor the rebalance listener on the consumer's
     * thread (found by the fault suite: a held listener let the group expire the member). A failed
     * snapshot that a newer one (sent by another writer) superseded is not sent again.
     */
    private List<HistoryRecords.Entry> writeUntil(Supplier<List<HistoryRecords.Entry>> entries, long deadline) {
        List<Sent> sent;
        synchronized (this) {
            sent = sendAll(entries.get());
        }
        long backoff = 100;
        while (true) {
            List<Sent> failed = new ArrayList<>();
            for (Sent s : sent) {
                if (!acknowledged(s.future(), deadline)) {
                    failed.add(s);
                }
            }
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (failed.isEmpty() || remaining <= 0) {
                return failed.stream().map(Sent::entry).toList();
            }
            sleeper.accept(Math.min(backoff, remaining));
            backoff = Math.min(backoff * 2, 5_000);
            synchronized (this) {
                sent = again(failed);
            }
        }
    }

    /**
     * What to wait for next, for each failed send: the newer snapshot of its policy another writer
     * sent meanwhile, while it is in flight or written; otherwise the policy's newest snapshot sent
     * again, unless its workload is no longer this instance's (handed over: the new owner writes it).
     */
    private List<Sent> again(List<Sent> failed) {
        List<Sent> next = new ArrayList<>(failed.size());
        List<HistoryRecords.Entry> resend = new ArrayList<>();
        for (Sent s : failed) {
            Sent newest = inflight.getOrDefault(s.entry().policy(), s);
            if (newest.n() != s.n() && !failedFuture(newest.future())) {
                next.add(newest);
            } else if (engine.holds(newest.entry().workload())) {
                resend.add(newest.entry());
            }
        }
        next.addAll(sendAll(resend));
        return next;
    }

    private static boolean failedFuture(Future<RecordMetadata> f) {
        return f != null && f.isDone() && !acknowledged(f, System.nanoTime());
    }

    /** One snapshot sent: its write number and the broker's answer (null: nothing to write). */
    private record Sent(HistoryRecords.Entry entry, long n, Future<RecordMetadata> future) {}

    /** The latest snapshot sent of each policy (under this object's lock), for writers to wait on. */
    private final Map<ObjectRef, Sent> inflight = new ConcurrentHashMap<>();

    private List<Sent> sendAll(List<HistoryRecords.Entry> entries) {
        List<Sent> out = new ArrayList<>(entries.size());
        for (HistoryRecords.Entry e : entries) {
            Future<RecordMetadata> f = send(e);
            Sent s = new Sent(e, latest.getOrDefault(e.policy(), 0L), f);
            if (f != null) {
                inflight.put(e.policy(), s);
            }
            out.add(s);
        }
        return out;
    }

    private static List<String> names(List<HistoryRecords.Entry> entries) {
        return entries.stream()
                .map(e -> e.policy().namespace() + "/" + e.policy().name())
                .sorted()
                .toList();
    }

    private static boolean acknowledged(Future<RecordMetadata> sent, long deadline) {
        if (sent == null) {
            return true; // nothing to write (its partition is unknown)
        }
        try {
            sent.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        }
    }

    /** How a handover waits between attempts; tests replace it. */
    LongConsumer sleeper = Delivery.SLEEP;

    /** The failed writes, by policy, to send again at the next flush (or handover). */
    private final Map<ObjectRef, HistoryRecords.Entry> retry = new ConcurrentHashMap<>();
    /** The number of each policy's latest write: a failed older write is not retried over a newer one. */
    private final Map<ObjectRef, Long> latest = new ConcurrentHashMap<>();

    private final AtomicLong writes = new AtomicLong();

    private int partitionOf(HistoryRecords.Entry e) {
        return engine.partitionOfWorkload(e.workload());
    }

    /**
     * Sends one snapshot; a failure puts it on the retry list unless a newer snapshot of the policy
     * was sent since. (The callback runs on the producer's thread and takes no lock of ours: a
     * handover waits for the future while holding this object's lock.)
     */
    private Future<RecordMetadata> send(HistoryRecords.Entry e) {
        int partition = partitionOf(e);
        if (closed || partition < 0) {
            return null;
        }
        long n = writes.incrementAndGet();
        latest.put(e.policy(), n);
        try {
            return producer()
                    .send(
                            new ProducerRecord<>(
                                    settings.topic(),
                                    partition,
                                    HistoryRecords.key(e.policy()),
                                    HistoryRecords.write(e)),
                            (meta, error) -> written(e, n, error));
        } catch (RuntimeException error) {
            written(e, n, error);
            return CompletableFuture.failedFuture(error);
        }
    }

    private void written(HistoryRecords.Entry e, long n, Exception error) {
        registry.counter("trimtab_autoscaler_state_writes_total", "result", error == null ? "ok" : "error")
                .increment();
        boolean newest = latest.getOrDefault(e.policy(), n) == n;
        if (error == null) {
            if (newest) {
                retry.remove(e.policy());
            }
            return;
        }
        LOG.warnf("cannot write the history of %s: %s; sent again at the next flush", e.policy(), error.toString());
        if (newest) {
            retry.put(e.policy(), e);
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> p = new HashMap<>(kafka);
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            // no linger: a batch's histories are awaited before its commit, so a 5 ms linger (Kafka
            // 4's default) would hold every metric batch, and the next, 5 ms longer; records sent
            // while one request is in flight are batched all the same
            p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "trimtab-autoscaler-state");
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    private Consumer<String, byte[]> consumer() {
        Map<String, Object> p = new HashMap<>(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "trimtab-autoscaler-state-restore");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // the state topic needs compaction and the metric topic's partition count: never created by reading it
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        // the replica reads whole partitions: fewer, larger polls
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        return new KafkaConsumer<>(p);
    }

    /**
     * The latest snapshot of each policy in these partitions of the state topic (a tombstone
     * removes it), as of their end offsets now, from the {@link StateReplica}. Only the latest
     * record of each policy is decoded; an unreadable one is counted and skipped, and that policy
     * starts afresh, as it would without a snapshot. Partitions that cannot be read within
     * {@code restore-timeout} give what was read, and the rest start afresh.
     */
    private Restored read(List<Integer> numbers) {
        long started = System.nanoTime();
        StateReplica.Found found = replica().latest(numbers, settings.restoreTimeout());
        if (!found.complete()) {
            LOG.errorf(
                    "restoring %s %s took longer than %s: going on with %d histories",
                    settings.topic(),
                    numbers,
                    settings.restoreTimeout(),
                    found.latest().size());
        }
        List<HistoryRecords.Entry> out = new ArrayList<>(found.latest().size());
        for (ConsumerRecord<String, byte[]> r : found.latest()) {
            try {
                out.add(HistoryRecords.read(r.value()));
            } catch (IllegalArgumentException e) {
                registry.counter("trimtab_autoscaler_state_rejected_total").increment();
                LOG.warnf(
                        "skipped %s-%d@%d, the latest snapshot of %s: %s; that policy starts afresh",
                        r.topic(), r.partition(), r.offset(), r.key(), e.getMessage());
            }
        }
        return new Restored(out, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The histories a restore found, and how long it took. */
    private record Restored(List<HistoryRecords.Entry> histories, long millis) {
        static final Restored NONE = new Restored(List.of(), 0);
    }

    private synchronized StateReplica replica() {
        if (replica == null) {
            replica = new StateReplica(settings.topic(), this::consumer);
        }
        return replica;
    }

    private List<Integer> numbers(Collection<TopicPartition> partitions) {
        return partitions.stream()
                .filter(tp -> tp.topic().equals(metricTopic))
                .map(TopicPartition::partition)
                .sorted()
                .toList();
    }
}

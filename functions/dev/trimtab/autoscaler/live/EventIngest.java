package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the cluster-event and metric topics (CloudEvents, structured or binary mode). A record
 * that cannot be decoded or validated goes, with its original key, value and headers plus
 * {@code dead-letter-reason}, to the dead-letter topic (cluster events: the channel's
 * dead-letter-queue strategy; metric batches: {@link DeadLetters}), and consumption goes on. A
 * metric batch returns (and is committed) only once the broker has acknowledged its decisions and
 * dead letters (docs/decisions/0020), and waits while the membership lease is lost
 * ({@link MembershipLease}).
 */
@ApplicationScoped
public class EventIngest {
    private static final Logger LOG = Logger.getLogger(EventIngest.class);

    private final Intake intake;
    private final DeadLetters deadLetters;
    private final DeletionCosts deletionCosts;
    private final Duration deliveryTimeout;
    private final StateStore state;
    private final InformerSource informers;
    private final boolean informerView;

    @Inject
    public EventIngest(
            Intake intake,
            DeadLetters deadLetters,
            DeletionCosts deletionCosts,
            LiveSettings settings,
            @Identifier(StateStore.NAME) StateStore state,
            InformerSource informers) {
        this.deliveryTimeout = settings.deliveryTimeout();
        this.state = state;
        this.informers = informers;
        this.informerView = settings.clusterState() == LiveSettings.ClusterStateSource.informers;
        this.intake = intake;
        this.deadLetters = deadLetters;
        this.deletionCosts = deletionCosts;
    }

    @Incoming("cluster-events")
    @Blocking(ordered = true)
    public void clusterEvent(ConsumerRecord<String, byte[]> record) {
        try {
            intake.take("cluster-events", () -> {
                CloudEvent e = decode(record, intake.codecLimits());
                deletionCosts.observe(e);
                return e;
            });
        } catch (Intake.RejectedEvent e) {
            LOG.warnf(
                    "rejected cluster-events record %s-%d@%d: %s",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            throw e;
        }
    }

    /**
     * Metric records arrive in batches (one poll's worth per partition set): every record is folded
     * and each workload they concern is decided once, on the latest samples, so a backlog costs one
     * decision and at most one write per workload instead of one per record. A bad record goes to
     * the dead-letter topic by itself; the rest of the batch goes on.
     */
    @Incoming("metrics")
    @Blocking(ordered = true)
    public void metrics(ConsumerRecords<String, byte[]> records) {
        List<Intake.Item> items = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            items.add(new Intake.Item(
                    () -> decode(record, intake.codecLimits()),
                    e -> {
                        LOG.warnf(
                                "rejected metrics record %s-%d@%d: %s",
                                record.topic(), record.partition(), record.offset(), e.getMessage());
                        return deadLetters.send(record, e);
                    },
                    new HistoryRecords.Position(record.partition(), record.offset(), record.timestamp())));
        }
        long t0 = System.nanoTime();
        long entered = System.currentTimeMillis();
        long oldest = Long.MAX_VALUE;
        for (ConsumerRecord<String, byte[]> record : records) {
            oldest = Math.min(oldest, record.timestamp());
        }
        awaitClusterView(System.nanoTime() + deliveryTimeout.toNanos());
        long t1 = System.nanoTime();
        // fenced (membership lease lost, docs/decisions/0020): these records may be another
        // instance's by now; folded without a decision they would be committed all the same, so
        // wait (outside the engine's lock: the rebalance listener may have to release them)
        List<Delivery> sent;
        try {
            sent = MembershipLease.whenUnfenced(
                    deliveryTimeout, Delivery.SLEEP, () -> intake.takeAllUnlessFenced("metrics", items));
        } catch (MembershipLease.NotRenewed e) {
            LOG.errorf(
                    "metric batch of %d records not committed, read again after a restart: %s",
                    records.count(), e.getMessage());
            throw e;
        }
        // committed only once every decision is on the log, every dead letter on its topic and the
        // histories the decisions changed on the state topic; otherwise the batch fails uncommitted
        // (failure-strategy=fail) and is read again
        long t2 = System.nanoTime();
        long deadline = t2 + deliveryTimeout.toNanos();
        try {
            Delivery.awaitAll(sent, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())), Delivery.SLEEP);
            long t3 = System.nanoTime();
            // only now may a new owner skip these records as decided (AutoscalerEngine#confirmDecided)
            intake.confirmDecided();
            state.writeBeforeCommit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            long t4 = System.nanoTime();
            if (LOG.isDebugEnabled()) {
                LOG.debugf(
                        "metric batch of %d records (%d partitions, %d decisions): oldest record written %d ms"
                                + " before, cluster view %d ms, deciding and applying %d ms, decision log %d ms, state %d ms",
                        records.count(),
                        records.partitions().size(),
                        sent.size(),
                        entered - oldest,
                        (t1 - t0) / 1_000_000,
                        (t2 - t1) / 1_000_000,
                        (t3 - t2) / 1_000_000,
                        (t4 - t3) / 1_000_000);
            }
        } catch (Delivery.NotDelivered e) {
            LOG.errorf(
                    "metric batch of %d records not committed, read again after a restart: %s",
                    records.count(), e.getMessage());
            throw e;
        }
    }

    /**
     * With informers, a (re)started instance is assigned partitions before it has listed the
     * ScalingPolicies: a batch folded then would be committed without the decisions it should
     * cause. The batch waits until every watched kind is listed and every listed object folded into
     * the engine (readiness {@code cluster-view}; listed alone is not enough: issue 13),
     * at most until {@code deadline}; then it fails uncommitted like an undelivered one.
     */
    private void awaitClusterView(long deadline) {
        if (!informerView || informers.synced()) {
            return;
        }
        LOG.infof(
                "a metric batch waits until the cluster view is listed and folded (%d objects to go)",
                informers.pending());
        while (!informers.synced()) {
            if (System.nanoTime() > deadline) {
                throw new Delivery.NotDelivered(
                        "the cluster view was not listed and folded within the delivery timeout (" + deliveryTimeout
                                + "): metric batch not processed",
                        null);
            }
            Delivery.SLEEP.accept(50);
        }
    }

    private static CloudEvent decode(ConsumerRecord<String, byte[]> record, CloudEventCodec.Limits limits) {
        return CloudEventCodec.fromRecord(record, limits);
    }
}

package dev.trimtab.autoscaler.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * KEDA's Kafka scaler arithmetic over one poll ({@code getTotalLag} and {@code getLagForPartition}
 * in kedacore/keda {@code pkg/scalers/kafka_scaler.go} at 8b4f083), as a pure function of the
 * metric's metadata, the poll and the metric's memory of the previous poll.
 *
 * <ul>
 *   <li><b>Partitions counted:</b> with a topic, that topic's partitions in the poll whose id the
 *       {@code partitionLimitation} admits; none left is an error ("expected at least one active
 *       partition"). Without a topic, every partition of every topic of the poll; a topic with no
 *       partition is the same error, a poll with no topic a lag of 0.</li>
 *   <li><b>No committed offset:</b> {@code latest}: lag 1, or 0 with
 *       {@code scaleToZeroOnInvalidOffset}; {@code earliest}: lag = the end offset, or 0 with
 *       {@code scaleToZeroOnInvalidOffset}. Such a partition is never persistent.</li>
 *   <li><b>Persistent lag</b> ({@code excludePersistentLag}): KEDA calls a partition's lag
 *       persistent when its committed offset equals the one of its previous poll, one
 *       {@code pollingInterval} (30 s) earlier. Offsets events come far more often (every second
 *       from the live source, and on every commit), and a healthy consumer that commits every 5 s
 *       would look stuck between its commits, so the comparison is made across the same span:
 *       the memory holds a reference poll (its committed offsets and time). A poll at least
 *       {@code pollingInterval} after the reference compares with it, as KEDA does, and becomes the
 *       new reference; a poll in between keeps as persistent only the partitions still at the
 *       reference's offset (one that moved stops being persistent at once). The first poll
 *       (no reference) counts in full. Polls {@code pollingInterval} apart give KEDA's answers
 *       (decision 0034). A persistent partition adds 0 to the lag and its full lag to the lag
 *       with persistent lag.</li>
 *   <li><b>Cap</b> unless {@code allowIdleConsumers} (or with {@code limitToPartitionsWithLag} or
 *       {@code ensureEvenDistributionOfPartitions}): the upper bound is the number of partitions
 *       counted, or of those with a lag above 0 with {@code limitToPartitionsWithLag}; with
 *       {@code ensureEvenDistributionOfPartitions} the lag first becomes the smallest factor f of
 *       the partition count with {@code f x lagThreshold >= lag}, times {@code lagThreshold}; then,
 *       if {@code lag / lagThreshold} (integer division) exceeds the bound, the lag becomes
 *       {@code bound x lagThreshold}.</li>
 *   <li><b>Activation</b> reads the total lag with persistent lag; the metric value is the capped
 *       total lag.</li>
 * </ul>
 *
 * The cap's comparison truncates, so a lag up to {@code (bound + 1) x lagThreshold - 1} passes
 * uncapped and KEDA's HPA then asks for one replica more than the bound (an idle consumer): the
 * metric value here is KEDA's to the unit, and {@link ReplicaCalculator} clamps the Kafka metric's
 * proposal at {@link Result#replicaCap()} instead (docs/decisions/0033).
 *
 * <p>Deviations from KEDA, each toward counting no less: a committed offset above the end offset
 * (offsets read at different instants) is a lag of 0, where KEDA's negative difference would cancel
 * other partitions' lag; sums and products saturate at {@code Long.MAX_VALUE} where Go's wrap. The
 * reference keeps the partitions of its poll only (KEDA's memory never forgets a partition).
 */
public final class KafkaLagCalculator {

    private KafkaLagCalculator() {}

    /** A partition of a topic. */
    public record TopicPartition(String topic, int partition) {}

    /**
     * For persistent lag: the reference poll's committed offsets and time, and the partitions found
     * persistent at the last comparison with it; {@link #EMPTY} at first.
     */
    public record Memory(Map<TopicPartition, Long> committed, long referenceMillis, Set<TopicPartition> persistent) {
        public static final Memory EMPTY = new Memory(Map.of(), Long.MIN_VALUE, Set.of());

        public Memory {
            committed = Collections.unmodifiableMap(new HashMap<>(committed));
            persistent = Set.copyOf(persistent);
        }

        boolean hasReference() {
            return referenceMillis != Long.MIN_VALUE;
        }
    }

    /**
     * One poll's outcome for one metric.
     *
     * @param lag                   the metric value: the total lag after the cap (never negative)
     * @param lagWithPersistent     the total lag, persistent lag included, uncapped: activation reads it
     * @param uncappedLag           the total lag before the cap (persistent lag excluded)
     * @param partitions            partitions counted
     * @param partitionsWithLag     partitions whose lag (persistent lag excluded) is above 0
     * @param persistentPartitions  partitions whose lag (above 0) was left out as persistent
     * @param replicaCap            the cap's upper bound (partitions, or partitions with lag), or -1
     *                              when there is no cap ({@code allowIdleConsumers} alone)
     * @param error                 why the lag could not be computed (KEDA returns an error), or null
     */
    public record Result(
            long lag,
            long lagWithPersistent,
            long uncappedLag,
            int partitions,
            int partitionsWithLag,
            int persistentPartitions,
            long replicaCap,
            String error) {
        static Result failed(String error) {
            return new Result(0, 0, 0, 0, 0, 0, -1, error);
        }

        public boolean failed() {
            return error != null;
        }
    }

    /** A poll's result and the memory the next poll compares with. */
    public record Poll(Result result, Memory memory) {}

    /** The lag of one partition: counted, and with persistent lag; persistent: left out as such. */
    public record PartitionLag(long lag, long lagWithPersistent, boolean persistent) {}

    /**
     * One poll at {@code atMillis} (the event's time), with the memory of the polls before it.
     */
    public static Poll compute(KafkaLag m, KafkaOffsets offsets, Memory previous, long atMillis) {
        long window = m.pollingIntervalSeconds() * 1000L;
        boolean compare = previous.hasReference() && atMillis - previous.referenceMillis() >= window;
        List<KafkaOffsets.Topic> topics;
        if (m.topic() != null) {
            KafkaOffsets.Topic t = offsets.topic(m.topic());
            if (t == null) {
                return new Poll(
                        Result.failed("topic " + m.topic() + " is not in the offsets of group " + m.consumerGroup()),
                        previous);
            }
            topics = List.of(t);
        } else {
            topics = offsets.topics();
        }
        Map<TopicPartition, Long> committedNow = new HashMap<>();
        Set<TopicPartition> persistentNow = new HashSet<>();
        long total = 0;
        long totalWithPersistent = 0;
        long partitions = 0;
        int withLag = 0;
        int persistent = 0;
        for (KafkaOffsets.Topic t : topics) {
            int counted = 0;
            for (KafkaOffsets.Partition p : t.partitions()) {
                if (m.topic() != null && !m.counts(p.partition())) {
                    continue;
                }
                counted++;
                TopicPartition key = new TopicPartition(t.topic(), p.partition());
                Long reference = previous.committed().get(key);
                boolean atReference = p.committedOffset() != null
                        && reference != null
                        && reference.longValue() == p.committedOffset();
                // across a full interval: KEDA's comparison; within one: still where it was found stuck
                boolean stuck = m.excludePersistentLag()
                        && atReference
                        && (compare || previous.persistent().contains(key));
                if (stuck) {
                    persistentNow.add(key);
                }
                if (p.committedOffset() != null) {
                    committedNow.put(key, p.committedOffset());
                }
                PartitionLag lag = partitionLag(m, p, stuck);
                total = saturatedAdd(total, lag.lag());
                totalWithPersistent = saturatedAdd(totalWithPersistent, lag.lagWithPersistent());
                if (lag.lag() > 0) {
                    withLag++;
                }
                if (lag.persistent() && lag.lagWithPersistent() > 0) {
                    persistent++;
                }
            }
            if (counted == 0) {
                return new Poll(
                        Result.failed("expected at least one active partition within the topic '"
                                + t.topic() + "'"
                                + (m.partitionLimitation() == null
                                        ? ""
                                        : " (partitionLimitation " + m.partitionLimitation() + ")")),
                        previous);
            }
            partitions += counted;
        }
        long capped = cap(m, total, partitions, withLag);
        long bound = capped(m) ? (m.limitToPartitionsWithLag() ? withLag : partitions) : -1;
        Memory next;
        if (!m.excludePersistentLag()) {
            next = Memory.EMPTY;
        } else if (!previous.hasReference() || compare) {
            next = new Memory(committedNow, atMillis, persistentNow);
        } else {
            next = new Memory(previous.committed(), previous.referenceMillis(), persistentNow);
        }
        return new Poll(
                new Result(capped, totalWithPersistent, total, (int) partitions, withLag, persistent, bound, null),
                next);
    }

    /**
     * KEDA's getLagForPartition for a partition present in the poll. {@code persistent}: its
     * committed offset has not moved over the comparison span (see {@link #compute}).
     */
    public static PartitionLag partitionLag(KafkaLag m, KafkaOffsets.Partition p, boolean persistent) {
        Long committed = p.committedOffset();
        if (committed == null) {
            long v;
            if (m.scaleToZeroOnInvalidOffset()) {
                v = 0;
            } else {
                v = m.offsetResetPolicy() == KafkaLag.OffsetResetPolicy.latest ? 1 : p.endOffset();
            }
            return new PartitionLag(v, v, false);
        }
        long lag = Math.max(0, p.endOffset() - committed);
        if (persistent) {
            return new PartitionLag(0, lag, true);
        }
        return new PartitionLag(lag, lag, false);
    }

    /** The cap at the partition count (or at the partitions with lag), KEDA's integer comparison. */
    static long cap(KafkaLag m, long totalLag, long partitions, long partitionsWithLag) {
        if (!capped(m)) {
            return totalLag;
        }
        long threshold = m.lagThreshold();
        long upperBound = partitions;
        long lag = totalLag;
        if (m.ensureEvenDistributionOfPartitions()) {
            lag = saturatedMultiply(nextFactor(lag, partitions, threshold), threshold);
        }
        if (m.limitToPartitionsWithLag()) {
            upperBound = partitionsWithLag;
        }
        if (lag / threshold > upperBound) {
            lag = saturatedMultiply(upperBound, threshold);
        }
        return lag;
    }

    /** Whether KEDA caps the lag: unless idle consumers are allowed (and neither other option is on). */
    static boolean capped(KafkaLag m) {
        return !m.allowIdleConsumers() || m.limitToPartitionsWithLag() || m.ensureEvenDistributionOfPartitions();
    }

    /** KEDA's getNextFactorThatBalancesConsumersToTopicPartitions. */
    public static long nextFactor(long totalLag, long partitions, long threshold) {
        for (long f : factors(partitions)) {
            if (saturatedMultiply(f, threshold) >= totalLag) {
                return f;
            }
        }
        return partitions;
    }

    /** KEDA's FindFactors: the divisors of n in ascending order; none for n < 1. */
    public static List<Long> factors(long n) {
        if (n < 1) {
            return List.of();
        }
        TreeSet<Long> out = new TreeSet<>();
        for (long i = 1; i * i <= n; i++) {
            if (n % i == 0) {
                out.add(i);
                out.add(n / i);
            }
        }
        return List.copyOf(out);
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /** {@code units} in milli-units, saturated; negative counts as 0 (KEDA's GenerateMetricInMili). */
    public static long milli(long units) {
        return units <= 0 ? 0 : saturatedMultiply(units, 1000);
    }
}

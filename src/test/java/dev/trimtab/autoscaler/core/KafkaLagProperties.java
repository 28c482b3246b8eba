package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Invariants of the Kafka-lag metric over random polls, with seeded {@link Random} generators (the
 * seed is in every failure message): the proposal never exceeds the partition cap without idle
 * consumers; a partition with persistent lag never counts in the metric value.
 */
class KafkaLagProperties {
    private static final int TRIES = 2_000;
    private static final long NOW = 1_900_000_000_000L;
    private static final ObjectRef POLICY = new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "ns", "p");

    private static KafkaLag randomMetric(Random r, boolean idleAllowed) {
        boolean limit = !idleAllowed && r.nextInt(3) == 0;
        boolean even = !limit && r.nextInt(3) == 0;
        KafkaLag.PartitionLimitation limitation = r.nextInt(4) == 0
                ? KafkaLag.PartitionLimitation.parse("0-" + r.nextInt(8) + "," + (8 + r.nextInt(4)))
                : null;
        return new KafkaLag(
                Set.of("b:9092"),
                "g",
                "t",
                1 + r.nextInt(r.nextBoolean() ? 5 : 200),
                r.nextInt(3),
                r.nextBoolean() ? KafkaLag.OffsetResetPolicy.latest : KafkaLag.OffsetResetPolicy.earliest,
                idleAllowed,
                limit,
                even,
                r.nextBoolean(),
                r.nextInt(4) == 0,
                limitation);
    }

    /** A poll of topic t: up to 12 partitions, end offsets up to 5000, some without a committed offset. */
    private static KafkaOffsets randomPoll(Random r, List<Long> previousCommitted) {
        int n = previousCommitted == null ? 1 + r.nextInt(12) : previousCommitted.size();
        List<KafkaOffsets.Partition> ps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long end = r.nextInt(5000);
            Long committed;
            if (previousCommitted != null && previousCommitted.get(i) != null && r.nextInt(3) == 0) {
                committed = previousCommitted.get(i); // stuck: persistent from now on
                end = Math.max(end, committed);
            } else {
                committed = r.nextInt(6) == 0 ? null : (long) r.nextInt((int) end + 1);
            }
            ps.add(new KafkaOffsets.Partition(i, end, committed));
        }
        return new KafkaOffsets("b:9092", "g", List.of(new KafkaOffsets.Topic("t", ps)));
    }

    private static List<Long> committed(KafkaOffsets poll) {
        List<Long> out = new ArrayList<>();
        poll.topics().get(0).partitions().forEach(p -> out.add(p.committedOffset()));
        return out;
    }

    @Test
    void theProposalNeverExceedsThePartitionCapWithoutIdleConsumers() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        int checked = 0;
        for (int i = 0; i < TRIES; i++) {
            KafkaLag m = randomMetric(r, false);
            MetricSpec spec = MetricSpec.external(
                            m.metricName(0),
                            null,
                            r.nextBoolean()
                                    ? MetricSpec.Target.averageValue(m.lagThreshold() * 1000)
                                    : MetricSpec.Target.value(m.lagThreshold() * 1000))
                    .withKafka(m);
            KafkaLagCalculator.Poll poll =
                    KafkaLagCalculator.compute(m, randomPoll(r, null), KafkaLagCalculator.Memory.EMPTY, 0);
            MetricStore store = new MetricStore();
            store.putKafkaLag(POLICY, 0, new MetricStore.KafkaLagSample(poll.result(), NOW - 1000, poll.memory()));
            int current = r.nextInt(40);
            List<Pod> pods = new ArrayList<>();
            for (int p = 0; p < current; p++) {
                pods.add(new Pod("ns", "w-" + p, Map.of(), Pod.Phase.Running, true, 0, 0, false, List.of()));
            }
            MetricResult result = ReplicaCalculator.compute(
                    spec,
                    new ReplicaCalculator.Input(
                            current,
                            current,
                            "ns",
                            null,
                            pods,
                            store,
                            new Tolerances(0.1, 0.1),
                            Settings.defaults(),
                            NOW),
                    POLICY,
                    0);
            String why = "seed " + seed + ", try " + i + ": " + m + " -> " + poll.result() + " -> " + result;
            if (poll.result().failed()) {
                assertThat(result.failed()).as(why).isTrue();
                continue;
            }
            checked++;
            long cap = m.limitToPartitionsWithLag()
                    ? poll.result().partitionsWithLag()
                    : poll.result().partitions();
            assertThat(poll.result().replicaCap()).as(why).isEqualTo(cap);
            assertThat((long) result.proposedReplicas()).as(why).isLessThanOrEqualTo(cap);
            if (!Double.isNaN(result.demand())) {
                assertThat(result.demand()).as("panic mode's demand, %s", why).isLessThanOrEqualTo(cap);
            }
            assertThat(poll.result().lag() / m.lagThreshold())
                    .as("KEDA's cap, %s", why)
                    .isLessThanOrEqualTo(cap);
        }
        assertThat(checked).as("seed " + seed + ": enough polls computed").isGreaterThan(TRIES / 2);
    }

    @Test
    void aPartitionWithPersistentLagNeverCountsInTheMetricValue() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        int persistentSeen = 0;
        for (int i = 0; i < TRIES / 10; i++) {
            KafkaLag base = randomMetric(r, r.nextBoolean());
            KafkaLag m = new KafkaLag(
                    base.bootstrapServers(),
                    base.consumerGroup(),
                    base.topic(),
                    base.lagThreshold(),
                    base.activationLagThreshold(),
                    base.offsetResetPolicy(),
                    base.allowIdleConsumers(),
                    base.limitToPartitionsWithLag(),
                    base.ensureEvenDistributionOfPartitions(),
                    true,
                    base.scaleToZeroOnInvalidOffset(),
                    base.partitionLimitation());
            KafkaLagCalculator.Memory memory = KafkaLagCalculator.Memory.EMPTY;
            List<Long> previous = null;
            long at = 0;
            for (int step = 0; step < 8; step++) {
                // some polls a full pollingInterval after the last, some within it
                at += r.nextBoolean()
                        ? m.pollingIntervalSeconds() * 1000L
                        : r.nextInt(m.pollingIntervalSeconds() * 1000);
                KafkaOffsets poll = randomPoll(r, previous);
                KafkaLagCalculator.Poll out = KafkaLagCalculator.compute(m, poll, memory, at);
                String why = "seed " + seed + ", try " + i + ", poll " + step + ": " + poll + " with " + memory;
                if (!out.result().failed()) {
                    // the same poll with every persistent partition's lag taken away reads the same value
                    List<KafkaOffsets.Partition> drained = new ArrayList<>();
                    long counted = 0;
                    for (KafkaOffsets.Partition p : poll.topics().get(0).partitions()) {
                        KafkaLagCalculator.TopicPartition key =
                                new KafkaLagCalculator.TopicPartition("t", p.partition());
                        boolean stuck = out.memory().persistent().contains(key);
                        if (stuck) {
                            // persistent: its committed offset is where the reference poll saw it
                            assertThat(p.committedOffset())
                                    .as(why)
                                    .isEqualTo(memory.committed().get(key));
                        }
                        KafkaLagCalculator.PartitionLag lag = KafkaLagCalculator.partitionLag(m, p, stuck);
                        if (lag.persistent()) {
                            persistentSeen++;
                            assertThat(lag.lag()).as(why).isZero();
                            drained.add(new KafkaOffsets.Partition(
                                    p.partition(), p.committedOffset(), p.committedOffset()));
                        } else {
                            drained.add(p);
                            if (m.counts(p.partition())) {
                                counted += lag.lag();
                            }
                        }
                    }
                    KafkaLagCalculator.Poll again = KafkaLagCalculator.compute(
                            m,
                            new KafkaOffsets("b:9092", "g", List.of(new KafkaOffsets.Topic("t", drained))),
                            memory,
                            at);
                    assertThat(again.result().lag())
                            .as(why)
                            .isEqualTo(out.result().lag());
                    assertThat(out.result().uncappedLag()).as(why).isEqualTo(counted);
                    assertThat(out.result().lagWithPersistent())
                            .as(why)
                            .isGreaterThanOrEqualTo(out.result().uncappedLag());
                }
                memory = out.memory();
                previous = committed(poll);
            }
        }
        assertThat(persistentSeen)
                .as("seed " + seed + ": the generator makes persistent partitions")
                .isPositive();
    }
}

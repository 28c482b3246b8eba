package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code excludePersistentLag} over events that come every second (the live source) rather than
 * every {@code pollingInterval}: committed offsets are compared across the interval, so a consumer
 * that commits every 5 s (Kafka's auto-commit) is never taken for a stuck one, and a stuck one is
 * found after one interval, as KEDA would find it (decision 0034, "The persistent-lag trap").
 */
class KafkaPersistentLagWindowTest {
    private static final KafkaLag METRIC = new KafkaLag(
            Set.of("b:9092"),
            "g",
            "t",
            10,
            0,
            KafkaLag.OffsetResetPolicy.latest,
            true,
            false,
            false,
            true,
            false,
            null);

    /** One event per second for {@code seconds}; the committed offset at second s is {@code committed[s]}. */
    private static List<KafkaLagCalculator.Result> everySecond(long end, long[] committed) {
        List<KafkaLagCalculator.Result> out = new ArrayList<>();
        KafkaLagCalculator.Memory memory = KafkaLagCalculator.Memory.EMPTY;
        for (int s = 0; s < committed.length; s++) {
            KafkaOffsets poll = new KafkaOffsets(
                    "b:9092",
                    "g",
                    List.of(new KafkaOffsets.Topic(
                            "t", List.of(new KafkaOffsets.Partition(0, end + s * 10L, committed[s])))));
            KafkaLagCalculator.Poll p = KafkaLagCalculator.compute(METRIC, poll, memory, s * 1000L);
            out.add(p.result());
            memory = p.memory();
        }
        return out;
    }

    @Test
    void aConsumerThatCommitsEveryFiveSecondsIsNeverPersistent() {
        long[] committed = new long[120];
        for (int s = 0; s < committed.length; s++) {
            committed[s] = 1000 + (s / 5) * 50L; // moves every 5 s, never catches up
        }
        for (KafkaLagCalculator.Result r : everySecond(1100, committed)) {
            assertThat(r.persistentPartitions()).isZero();
            assertThat(r.lag()).isEqualTo(r.lagWithPersistent()).isPositive();
        }
    }

    @Test
    void aStuckConsumerIsPersistentAfterOneIntervalAndNotOnceItMoves() {
        long[] committed = new long[70];
        for (int s = 0; s < committed.length; s++) {
            committed[s] = s < 65 ? 1000 : 1200; // stuck until second 65
        }
        List<KafkaLagCalculator.Result> results = everySecond(1500, committed);
        for (int s = 0; s < 30; s++) {
            assertThat(results.get(s).lag())
                    .as("second %d: within the first interval, counted", s)
                    .isPositive();
        }
        for (int s = 30; s < 65; s++) {
            assertThat(results.get(s).lag())
                    .as("second %d: stuck for an interval, left out", s)
                    .isZero();
            assertThat(results.get(s).lagWithPersistent())
                    .as("second %d: activation still sees it", s)
                    .isPositive();
        }
        for (int s = 65; s < 70; s++) {
            assertThat(results.get(s).lag())
                    .as("second %d: it moved, counted again at once", s)
                    .isPositive();
        }
    }
}

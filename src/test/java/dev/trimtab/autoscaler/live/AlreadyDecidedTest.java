package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.input.InputLimits;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A new owner reads again the metric records since the last committed offset; those the previous
 * owner's decisions were already taken on (their writes done, their decisions logged, their
 * histories written before the kill that stopped the commit) are folded, not decided a second
 * time. Found by the fault suite: 32 workloads written twice for the same inputs in the long run,
 * e.g. {@code chaos-a/w0015} 10 → 8 → 10 at 12:23:17–22 and again at 12:23:33–38, after two kills
 * of its owner within 7 s of the batch.
 */
class AlreadyDecidedTest {
    static final int PARTITIONS = 2;
    static final int SHOP = AutoscalerEngine.partitionOf("shop/web", PARTITIONS);
    static final long T = 1_000_000L;

    /** A grouped engine assigned every partition (with {@code restored} histories), deciding for shop/web. */
    static AutoscalerEngine owner(List<HistoryRecords.Entry> restored) {
        AutoscalerEngine engine = new AutoscalerEngine(ScaleApplierTest.settings(false), InputLimits.defaults(), true);
        engine.assign(PARTITIONS, List.of(0, 1), restored);
        ScaleApplierTest.workload(engine, "shop", 450);
        return engine;
    }

    /** Reads the records as one batch whose decisions then reach the log (confirmed). */
    static List<AutoscalerEngine.Triggered> read(
            AutoscalerEngine engine, long fromOffset, long toOffset, int cpu, long timestamp) {
        List<AutoscalerEngine.Triggered> out = readUnlogged(engine, fromOffset, toOffset, cpu, timestamp);
        engine.confirmDecided();
        return out;
    }

    /** Reads the records as one batch whose decisions are not (yet) acknowledged by the broker. */
    static List<AutoscalerEngine.Triggered> readUnlogged(
            AutoscalerEngine engine, long fromOffset, long toOffset, int cpu, long timestamp) {
        List<CloudEvent> events = new ArrayList<>();
        List<HistoryRecords.Position> positions = new ArrayList<>();
        for (long o = fromOffset; o <= toOffset; o++) {
            events.add(ScaleApplierTest.cpuSamples("shop", "m-" + o, cpu));
            positions.add(new HistoryRecords.Position(SHOP, o, timestamp + o));
        }
        return engine.acceptAll(events, positions, (i, e) -> {
            throw e;
        });
    }

    /** The history the previous owner handed over (or wrote before its batch's commit), through the topic's format. */
    static List<HistoryRecords.Entry> handedOver(AutoscalerEngine previous) {
        List<HistoryRecords.Entry> out = new ArrayList<>();
        for (HistoryRecords.Entry e : previous.release(List.of(0, 1))) {
            out.add(HistoryRecords.read(HistoryRecords.write(e)));
        }
        return out;
    }

    @Test
    void recordsAnEarlierOwnerDecidedOnAreFoldedButNotDecidedAgain() {
        AutoscalerEngine previous = owner(List.of());
        assertThat(read(previous, 10, 19, 900, T))
                .as("the previous owner decides the batch")
                .hasSize(1);

        AutoscalerEngine next = owner(handedOver(previous));
        assertThat(read(next, 10, 19, 900, T))
                .as("the same records, read again after the kill")
                .isEmpty();
        assertThat(next.drainAlreadyDecided()).isEqualTo(10);

        List<AutoscalerEngine.Triggered> fresh = read(next, 15, 20, 900, T);
        assertThat(fresh)
                .as("a batch with one record beyond is decided, on it alone")
                .singleElement()
                .satisfies(t -> assertThat(t.evaluation().inputs().ids()).containsExactly("m-20"));
    }

    @Test
    void recordsWhoseDecisionNeverReachedTheLogAreDecidedAgain() {
        AutoscalerEngine previous = owner(List.of());
        read(previous, 0, 9, 900, T);
        // the broker went away with this batch's decisions unsent; the partition moved
        assertThat(readUnlogged(previous, 10, 19, 900, T)).hasSize(1);
        List<HistoryRecords.Entry> handed = handedOver(previous);
        assertThat(handed)
                .singleElement()
                .satisfies(e -> assertThat(e.decidedThrough().offset()).isEqualTo(9));

        AutoscalerEngine next = owner(handed);
        assertThat(read(next, 10, 19, 900, T))
                .as("decided again: no decision of them is on the log")
                .hasSize(1);
        assertThat(next.drainAlreadyDecided()).isZero();
    }

    @Test
    void aFlushBeforeTheDecisionsAreAcknowledgedWritesNoPosition() {
        AutoscalerEngine engine = owner(List.of());
        engine.drainChanged();
        readUnlogged(engine, 10, 19, 900, T);
        assertThat(engine.drainChanged())
                .singleElement()
                .satisfies(e -> assertThat(e.decidedThrough()).isNull());
        engine.confirmDecided();
        assertThat(engine.drainChanged())
                .as("written again, with its position, before the commit")
                .singleElement()
                .satisfies(e -> assertThat(e.decidedThrough().offset()).isEqualTo(19));
    }

    @Test
    void withoutAPositionEveryRecordIsDecided() {
        AutoscalerEngine previous = owner(List.of());
        read(previous, 10, 19, 900, T);
        AutoscalerEngine next = owner(handedOver(previous));
        assertThat(next.acceptAll(List.of(ScaleApplierTest.cpuSamples("shop", "pushed", 900)), (i, e) -> {
                    throw e;
                }))
                .as("pushed over HTTP: no offset to tell a re-read by")
                .hasSize(1);
    }

    @Test
    void aMetricTopicCreatedAgainIsNotTakenForAReRead() {
        AutoscalerEngine previous = owner(List.of());
        read(previous, 10, 19, 900, T);
        AutoscalerEngine next = owner(handedOver(previous));
        // offsets start over on a new topic, but its records are newer than the last one decided
        assertThat(read(next, 0, 3, 900, T + 60_000)).hasSize(1);
        assertThat(next.drainAlreadyDecided()).isZero();
    }

    @Test
    void anotherPartitionsOffsetsAreNotCompared() {
        HistoryRecords.Position decided = new HistoryRecords.Position(1, 100, T);
        assertThat(decided.covers(new HistoryRecords.Position(1, 100, T))).isTrue();
        assertThat(decided.covers(new HistoryRecords.Position(1, 99, T - 1))).isTrue();
        assertThat(decided.covers(new HistoryRecords.Position(0, 5, T - 1))).isFalse();
        assertThat(decided.covers(new HistoryRecords.Position(1, 101, T))).isFalse();
        assertThat(decided.covers(new HistoryRecords.Position(1, 50, -1)))
                .as("no timestamp: decided again")
                .isFalse();
        assertThat(decided.covers(null)).isFalse();
    }

    @Test
    void aStateRecordWithAMalformedPositionNamesTheField() {
        AutoscalerEngine previous = owner(List.of());
        read(previous, 10, 19, 900, T);
        String json = new String(HistoryRecords.write(previous.drainChanged().get(0)), StandardCharsets.UTF_8);
        assertThat(json)
                .contains(
                        "\"decidedThrough\":{\"partition\":" + SHOP + ",\"offset\":19,\"timestamp\":" + (T + 19) + "}");
        for (String bad : List.of("\"offset\":-1", "\"offset\":\"19\"", "\"offset\":1e400")) {
            byte[] record = json.replace("\"offset\":19", bad).getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> HistoryRecords.read(record))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("decidedThrough");
        }
        byte[] old = json.replaceFirst(",\"decidedThrough\":\\{[^}]*}", "").getBytes(StandardCharsets.UTF_8);
        assertThat(HistoryRecords.read(old).decidedThrough())
                .as("records written before it have none")
                .isNull();
    }
}

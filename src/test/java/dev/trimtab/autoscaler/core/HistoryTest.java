package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryTest {
    @Test
    void aSnapshotKeepsOnlyRecommendationsThatCanStillBeAWindowsMinimumOrMaximum() {
        History h = new History();
        // a minute of events every 100 ms, cycling 3, 5, 4: only the last of each value can matter
        for (int i = 0; i < 600; i++) {
            h.addRecommendation(List.of(3, 5, 4).get(i % 3), 1_000L + 100L * i);
        }
        h.addRecommendation(2, 61_000);
        h.addRecommendation(6, 61_100);
        List<History.Recommendation> kept = h.snapshot().recommendations();
        // 6 (newest) and 2 (the newest low); 5 and 4 are older than both a larger and a smaller one;
        // 3 is older than 2 and 6 too: nothing older can be a minimum or maximum
        assertThat(kept).containsExactly(new History.Recommendation(2, 61_000), new History.Recommendation(6, 61_100));
    }

    @Test
    void anOldRecordHighSurvivesWhileNothingNewerReachesIt() {
        History h = new History();
        h.addRecommendation(9, 1_000);
        h.addRecommendation(4, 2_000);
        h.addRecommendation(5, 3_000);
        h.addRecommendation(5, 4_000);
        assertThat(h.snapshot().recommendations())
                .containsExactly(
                        new History.Recommendation(9, 1_000),
                        new History.Recommendation(4, 2_000),
                        new History.Recommendation(5, 4_000));
    }

    @Test
    void restoreGivesBackEveryField() {
        History h = new History();
        h.addRecommendation(3, 10);
        h.addScaleEvent(true, 2, 20, false);
        h.addScaleEvent(false, 1, 30, true);
        History.Snapshot s = h.snapshot();
        History back = History.restore(s);
        assertThat(back.snapshot()).usingRecursiveComparison().isEqualTo(s);
        assertThat(back.scaleUpEvents()).singleElement().satisfies(e -> {
            assertThat(e.replicaChange()).isEqualTo(2);
            assertThat(e.timestampMillis()).isEqualTo(20);
        });
    }
}

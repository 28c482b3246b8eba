package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events counted, not repeated, as client-go's EventCorrelator does; a timeline with explicit times. */
class EventAggregatorTest {
    private static final EventAggregator.Subject FAILED =
            new EventAggregator.Subject("shop/ScalingPolicy/web", "Warning", "FailedGetMetrics");
    private final EventAggregator events = new EventAggregator();

    private EventAggregator.Write createdAt(EventAggregator.Subject s, String message, long t, String name) {
        EventAggregator.Write w = events.offer(s, message, t);
        assertThat(w).as("a new Event at " + t).isNotNull();
        assertThat(w.create()).isTrue();
        events.created(w, name);
        return w;
    }

    @Test
    void oneDecisionASecondForTenMinutesMakesOneEventWrittenAtMostEvery30Seconds() {
        createdAt(FAILED, "no metrics", 0, "web.1");
        List<EventAggregator.Write> writes = new ArrayList<>();
        for (long t = 1_000; t < 600_000; t += 1_000) {
            EventAggregator.Write w = events.offer(FAILED, "no metrics", t);
            if (w != null) {
                writes.add(w);
            }
            writes.addAll(events.due(t));
        }
        assertThat(writes).as("updates, never a second Event").allSatisfy(w -> {
            assertThat(w.create()).isFalse();
            assertThat(w.name()).isEqualTo("web.1");
        });
        assertThat(writes).hasSizeBetween(18, 20); // 599 s / 30 s
        for (int i = 1; i < writes.size(); i++) {
            assertThat(writes.get(i).lastMillis() - writes.get(i - 1).lastMillis())
                    .isGreaterThanOrEqualTo(30_000);
            assertThat(writes.get(i).count()).isGreaterThan(writes.get(i - 1).count());
        }
        assertThat(writes.get(writes.size() - 1).count()).isGreaterThan(570);
    }

    @Test
    void countsLeftUnwrittenAreDueOnceTheIntervalHasPassed() {
        createdAt(FAILED, "no metrics", 0, "web.1");
        assertThat(events.offer(FAILED, "no metrics", 5_000)).isNull();
        assertThat(events.offer(FAILED, "no metrics", 6_000)).isNull();
        assertThat(events.due(29_999)).isEmpty();
        List<EventAggregator.Write> due = events.due(30_000);
        assertThat(due).singleElement().satisfies(w -> {
            assertThat(w.count()).isEqualTo(3);
            assertThat(w.lastMillis()).isEqualTo(6_000);
            assertThat(w.firstMillis()).isZero();
        });
        assertThat(events.due(90_000)).as("nothing new").isEmpty();
    }

    @Test
    void afterTheWindowTheSameEventIsNewAgain() {
        createdAt(FAILED, "no metrics", 0, "web.1");
        EventAggregator.Write later = events.offer(FAILED, "no metrics", EventAggregator.WINDOW_MILLIS + 1);
        assertThat(later.create()).isTrue();
        assertThat(later.count()).isEqualTo(1);
    }

    @Test
    void manyDifferentMessagesShareOneCombinedEvent() {
        EventAggregator.Subject rescale =
                new EventAggregator.Subject("shop/ScalingPolicy/web", "Normal", "SuccessfulRescale");
        int created = 0;
        for (int i = 0; i < 30; i++) {
            EventAggregator.Write w = events.offer(rescale, "New size: " + (i + 2), i * 1_000L);
            if (w != null && w.create()) {
                created++;
                events.created(w, "web." + i);
                if (created == EventAggregator.MAX_SIMILAR) {
                    assertThat(w.message()).isEqualTo(EventAggregator.COMBINED + "New size: " + (i + 2));
                }
            }
        }
        assertThat(created).isEqualTo(EventAggregator.MAX_SIMILAR);
        // another object is not affected
        assertThat(events.offer(FAILED, "no metrics", 31_000).create()).isTrue();
    }

    @Test
    void aLostEventIsCreatedAgainAndAForgottenObjectStartsAfresh() {
        EventAggregator.Write w = createdAt(FAILED, "no metrics", 0, "web.1");
        events.lost(new EventAggregator.Write(FAILED, "no metrics", 2, 0, 40_000, "web.1"));
        assertThat(events.offer(FAILED, "no metrics", 41_000).create()).isTrue();
        events.forget("shop/ScalingPolicy/web");
        assertThat(events.offer(FAILED, "no metrics", 42_000).create()).isTrue();
        assertThat(w.count()).isEqualTo(1);
    }
}

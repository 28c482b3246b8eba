package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** pollingInterval on a virtual clock: due once per interval, never twice in flight, forgotten when gone. */
class PullScheduleTest {
    private final PullSchedule schedule = new PullSchedule();

    private static Map<String, Long> queries(Object... keyAndInterval) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < keyAndInterval.length; i += 2) {
            m.put((String) keyAndInterval[i], ((Number) keyAndInterval[i + 1]).longValue());
        }
        return m;
    }

    @Test
    void eachQueryRunsOncePerItsInterval() {
        Map<String, Long> q = queries("shop/web#0", 1_000, "shop/worker#1", 30_000);
        assertThat(schedule.due(q, Set.of(), 0)).containsExactly("shop/web#0", "shop/worker#1");
        assertThat(schedule.due(q, Set.of(), 999)).isEmpty();
        assertThat(schedule.due(q, Set.of(), 1_000)).containsExactly("shop/web#0");
        assertThat(schedule.due(q, Set.of(), 29_999)).containsExactly("shop/web#0");
        assertThat(schedule.due(q, Set.of(), 30_000)).containsExactly("shop/worker#1");
    }

    @Test
    void aQueryStillInFlightIsNotStartedAgain() {
        Map<String, Long> q = queries("shop/web#0", 1_000);
        assertThat(schedule.due(q, Set.of(), 0)).containsExactly("shop/web#0");
        assertThat(schedule.due(q, Set.of("shop/web#0"), 5_000)).isEmpty();
        assertThat(schedule.due(q, Set.of(), 5_001)).containsExactly("shop/web#0");
    }

    @Test
    void aQueryThatLeftAndCameBackRunsAtOnce() {
        assertThat(schedule.due(queries("shop/web#0", 60_000), Set.of(), 0)).containsExactly("shop/web#0");
        assertThat(schedule.due(queries(), Set.of(), 1_000)).isEmpty(); // its workload moved to another instance
        assertThat(schedule.due(queries("shop/web#0", 60_000), Set.of(), 2_000)).containsExactly("shop/web#0");
    }

    @Test
    void aQueryNotStartedIsDueAtTheNextCallAndAClockThatWentBackDoesNotStopIt() {
        Map<String, Long> q = queries("shop/web#0", 60_000);
        assertThat(schedule.due(q, Set.of(), 10_000)).containsExactly("shop/web#0");
        schedule.notStarted("shop/web#0");
        assertThat(schedule.due(q, Set.of(), 11_000)).containsExactly("shop/web#0");
        assertThat(schedule.due(q, Set.of(), 5_000)).as("the clock went back").containsExactly("shop/web#0");
    }
}

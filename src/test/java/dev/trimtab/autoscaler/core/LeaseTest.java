package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The membership lease: fenced iff the last heartbeat is older than the session less two heartbeat intervals. */
class LeaseTest {
    record Case(String name, long agoMillis, long sessionMillis, long heartbeatMillis, boolean wantFenced) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("no heartbeat yet: nothing assigned, nothing to fence", -1, 45_000, 3_000, false),
                new Case("just heartbeated", 0, 45_000, 3_000, false),
                new Case("one interval late, as usual", 3_000, 45_000, 3_000, false),
                new Case("exactly at session less two intervals: still leased", 39_000, 45_000, 3_000, false),
                new Case("one millisecond past it: fenced", 39_001, 45_000, 3_000, true),
                new Case("session over: fenced", 45_000, 45_000, 3_000, true),
                new Case("broker away for minutes: fenced", 600_000, 45_000, 3_000, true),
                new Case("short session (10 s / 3 s): margin 6 s", 4_000, 10_000, 3_000, false),
                new Case("short session (10 s / 3 s): fenced after 4 s", 4_001, 10_000, 3_000, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void fencedIffTheLastHeartbeatIsOlderThanTheSessionLessTwoHeartbeatIntervals(Case c) {
        assertThat(Lease.fenced(c.agoMillis(), c.sessionMillis(), c.heartbeatMillis()))
                .isEqualTo(c.wantFenced());
    }

    @ParameterizedTest(name = "session {0} ms, heartbeat {1} ms")
    @CsvSource({
        "6000,3000,session.timeout.ms = 6000",
        "5000,3000,session.timeout.ms = 5000",
        "45000,0,heartbeat.interval.ms = 0",
        "45000,-5,heartbeat.interval.ms = -5"
    })
    void aSessionWithoutMarginIsRefusedNamingTheSetting(long session, long heartbeat, String named) {
        assertThatThrownBy(() -> Lease.fenced(0, session, heartbeat))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named);
    }
}

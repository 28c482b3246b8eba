package dev.trimtab.autoscaler.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.testing.Seeded;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A handover changes no decision: taking every history through a state-topic record (snapshot,
 * compaction of redundant recommendations, JSON, restore) at any points of a trace gives the same
 * decisions, byte for byte, as keeping it in memory.
 */
class HandoverProperties {
    private static final ObjectRef POLICY = new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "ns", "w");

    static History throughStateTopic(History h) {
        byte[] record = HistoryRecords.write(new HistoryRecords.Entry(POLICY, "ns/w", h.snapshot()));
        HistoryRecords.Entry back = HistoryRecords.read(record);
        assertThat(back.policy()).isEqualTo(POLICY);
        return History.restore(back.snapshot());
    }

    /** Replays the trace, handing over (when asked) after the first {@code first} lines and then every {@code every}. */
    static String replay(String trace, int first, int every, boolean handover) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ReplayCommand.Replay r = new ReplayCommand.Replay(
                Settings.defaults(),
                Duration.ofSeconds(15),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        List<String> lines = trace.lines().toList();
        int rejected = 0;
        for (int from = 0, to = Math.min(first, lines.size());
                from < lines.size();
                from = to, to = Math.min(to + every, lines.size())) {
            rejected += r.run(new BufferedReader(new StringReader(String.join("\n", lines.subList(from, to)))));
            if (handover) {
                r.transferHistories(HandoverProperties::throughStateTopic);
            }
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(rejected).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void handoversChangeNoDecision() {
        Seeded.forAll(200, g -> {
            String trace = ReplayProperties.trace(ReplayProperties.steps(g), g.bool());
            int first = g.between(5, 60);
            int every = g.between(1, 8);
            assertThat(replay(trace, first, every, true)).isEqualTo(replay(trace, first, every, false));
        });
    }
}

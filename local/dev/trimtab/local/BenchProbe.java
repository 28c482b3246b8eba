package dev.trimtab.local;

import dev.trimtab.autoscaler.live.ScaleWritten;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Records produce → /scale write acknowledged, in microseconds, for the benchmark. */
@ApplicationScoped
public class BenchProbe {
    private final Recorder recorder = new Recorder(3);

    /** The latencies recorded since the last call (methods, not fields: callers hold a client proxy). */
    public Histogram interval() {
        return recorder.getIntervalHistogram();
    }

    /** Decisions over 100 ms, by the time their event was sent: count and slowest, in ms. */
    private final ConcurrentSkipListMap<Instant, long[]> slow = new ConcurrentSkipListMap<>();

    /** The sends whose decisions took over 100 ms since the last call: "time: n decisions, slowest ms". */
    public List<String> slowSends() {
        List<String> out = new ArrayList<>();
        slow.forEach((t, v) -> out.add(t + ": " + v[0] + " decisions over 100 ms, slowest " + v[1] + " ms"));
        slow.clear();
        return out;
    }

    void written(@Observes ScaleWritten w) {
        long us = Math.max(0, Duration.between(w.eventTime(), w.acknowledged()).toNanos() / 1000);
        if (us > 100_000 && slow.size() < 1000) {
            slow.compute(w.eventTime(), (t, v) -> {
                long[] n = v == null ? new long[2] : v;
                n[0]++;
                n[1] = Math.max(n[1], us / 1000);
                return n;
            });
        }
        recorder.recordValue(us);
    }
}

package dev.trimtab.local;

import dev.trimtab.autoscaler.live.ScaleWritten;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import org.HdrHistogram.Recorder;

/** Records produce → /scale write acknowledged, in microseconds, for the benchmark. */
@ApplicationScoped
public class BenchProbe {
    private final Recorder recorder = new Recorder(3);

    /** The latencies recorded since the last call (methods, not fields: callers hold a client proxy). */
    public org.HdrHistogram.Histogram interval() {
        return recorder.getIntervalHistogram();
    }

    void written(@Observes ScaleWritten w) {
        recorder.recordValue(Math.max(0, Duration.between(w.eventTime(), w.acknowledged()).toNanos() / 1000));
    }
}

package dev.trimtab.bench;

import dev.trimtab.autoscaler.core.Autoscaler;
import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.Settings;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decisions per second: {@link Autoscaler#decide} for the next workload, round robin, each
 * workload's virtual clock advancing 1 s per call on it. The History grows to the 300 s default
 * scale-down stabilization window (about 300 recommendations per workload) and is then pruned by
 * slot reuse, as in steady state. Each History is seeded with the recommendations of the 300 s
 * before the start, so that with 10,000 workloads (each decided only a few times per run) the
 * decisions also see steady-state windows rather than empty ones.
 *
 * <p>The samples are not refreshed (that is {@link SampleIngestBenchmark}); so that they do not go
 * stale as the virtual clock runs for millions of seconds, maxSampleAge is set to 100 years. The
 * staleness check still runs on every sample, it just never trips.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
public class DecisionBenchmark {

    @Param({"1", "10000"})
    int workloads;

    /** The default scale-down stabilization window, in seconds. */
    static final int SEEDED_SECONDS = 300;

    Fleet fleet;
    Autoscaler autoscaler;
    long[] clock;
    int workload;

    @Setup(Level.Trial)
    public void setUp() {
        fleet = new Fleet(workloads);
        autoscaler = new Autoscaler(Settings.defaults().withMaxSampleAge(Duration.ofDays(36_500)));
        clock = new long[workloads];
        Arrays.fill(clock, Fleet.T0);
        for (int i = 0; i < workloads; i++) {
            History h = fleet.state.history(fleet.policies[i].ref());
            for (int s = SEEDED_SECONDS; s >= 1; s--) {
                h.addRecommendation(Fleet.PODS_PER_WORKLOAD, Fleet.T0 - s * 1_000L);
            }
        }
    }

    @Benchmark
    public ScaleDecision decide() {
        int i = workload;
        if (++workload == fleet.n) {
            workload = 0;
        }
        long now = clock[i] += 1_000;
        return autoscaler.decide(fleet.state, fleet.policies[i], now);
    }
}

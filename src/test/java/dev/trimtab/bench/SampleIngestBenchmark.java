package dev.trimtab.bench;

import dev.trimtab.autoscaler.core.MetricStore;
import dev.trimtab.autoscaler.core.PodUsage;
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
 * Samples per second folded into the state, core only (no JSON): each call stores one fresh
 * PodUsage (new timestamp) for one pod of the next workload, round robin over workloads and, per
 * round, over each workload's pods. Target: at least 1,000,000 samples/s on one core.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
public class SampleIngestBenchmark {

    @Param({"1", "10000"})
    int workloads;

    Fleet fleet;
    MetricStore store;
    int workload;
    int pod;
    long now;

    @Setup(Level.Trial)
    public void setUp() {
        fleet = new Fleet(workloads);
        store = fleet.state.metrics();
        now = Fleet.T0;
    }

    @Benchmark
    public PodUsage foldSample() {
        int i = workload;
        int j = pod;
        if (++workload == fleet.n) {
            workload = 0;
            pod = (pod + 1) % Fleet.PODS_PER_WORKLOAD;
        }
        now += 1;
        PodUsage usage = fleet.usage(i, now);
        // the same call EventFolder makes for each PodMetrics item
        fleet.state.metrics().putPodUsage(Fleet.NAMESPACE, fleet.podNames[i][j], usage);
        return usage;
    }
}

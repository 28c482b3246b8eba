package dev.trimtab.bench;

import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.MetricItem;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.PolicyRouter;
import dev.trimtab.ingest.core.RemoteWrite;
import dev.trimtab.ingest.core.SeriesRules;
import dev.trimtab.ingest.events.MetricEvents;
import dev.trimtab.testing.RemoteWriteBodies;
import dev.trimtab.testing.RemoteWriteBodies.TimeSeries;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The remote-write receiver's work per request, on one thread: one request of {@value #SERIES}
 * series (Prometheus' default {@code max_samples_per_send}), each the Pods metric
 * {@code http_requests} of one pod of the fleet, whose policies all read it. Samples per second =
 * operations per second × {@value #SERIES}. Target: at least 1,000,000 samples/s decoded.
 * <ul>
 *   <li>{@code decode}: snappy and protobuf, to series;</li>
 *   <li>{@code decodeAndConvert}: and the series rules, to metric items;</li>
 *   <li>{@code receive}: and routed to their workloads ({@link PolicyRouter} on the fleet's state)
 *       and written as the CloudEvent JSON records sent to {@code trimtab.metrics}: everything
 *       the receiver does but wait for the broker.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
public class RemoteWriteBenchmark {
    static final int SERIES = 2000;

    @Param({"10000"})
    int workloads;

    Fleet fleet;
    byte[] body;
    IngestLimits limits;
    SeriesRules rules;
    MetricEvents events;
    long now;

    @Setup(Level.Trial)
    public void setUp() {
        fleet = new Fleet(workloads, MetricSpec.pods("http_requests", null, MetricSpec.Target.averageValue(10_000)));
        now = Fleet.T0;
        List<TimeSeries> series = new ArrayList<>();
        for (int s = 0; s < SERIES; s++) {
            int w = s % fleet.n;
            int p = (s / fleet.n) % Fleet.PODS_PER_WORKLOAD;
            series.add(TimeSeries.of(
                    "http_requests",
                    Map.of(
                            "namespace",
                            Fleet.NAMESPACE,
                            "pod",
                            fleet.podNames[w][p],
                            "job",
                            "web",
                            "instance",
                            "10.0." + (s / 250) + "." + (s % 250) + ":8080"),
                    40 + s % 7,
                    now));
        }
        body = RemoteWriteBodies.snappy(series);
        limits = IngestLimits.defaults();
        rules = new SeriesRules(SeriesRules.DEFAULT_OBJECT_LABELS, new SeriesRules.Bounds(256, 317, 5_000));
        events = new MetricEvents("/trimtab/ingest/prometheus-remote-write", 1000);
    }

    @Benchmark
    public Payload decode() {
        return RemoteWrite.decode(body, limits);
    }

    @Benchmark
    public SeriesRules.Conversion decodeAndConvert() {
        return rules.convert(RemoteWrite.decode(body, limits).series(), now);
    }

    @Benchmark
    public int receive() {
        List<MetricItem> items =
                rules.convert(RemoteWrite.decode(body, limits).series(), now).items();
        List<Set<String>> workloads = new PolicyRouter(fleet.state).workloads(items);
        int bytes = 0;
        for (List<CloudEvent> list :
                events.byWorkload(items, workloads, "bench").values()) {
            for (CloudEvent e : list) {
                bytes += CloudEventCodec.write(e).length();
            }
        }
        return bytes;
    }
}

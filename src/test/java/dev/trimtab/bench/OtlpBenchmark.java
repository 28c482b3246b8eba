package dev.trimtab.bench;

import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.OtlpProto;
import dev.trimtab.ingest.core.OtlpSeries;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.SeriesRules;
import dev.trimtab.ingest.events.OtlpJson;
import dev.trimtab.testing.OtlpBodies;
import io.opentelemetry.sdk.metrics.data.MetricData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The OTLP receiver's reading, on one thread: one request of {@value #POINTS} gauge points (one per
 * pod, each its own resource with {@code k8s.namespace.name}, {@code k8s.pod.name} and
 * {@code service.name}, as an SDK per pod sends through a Collector), written by the
 * OpenTelemetry SDK's marshaler. Points per second = operations per second × {@value #POINTS}.
 * {@code protobuf} and {@code json}: the body read to series, and through the series rules to
 * metric items.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Fork(1)
public class OtlpBenchmark {
    static final int POINTS = 2000;

    byte[] protobuf;
    byte[] json;
    IngestLimits limits;
    SeriesRules rules;
    long now;

    @Setup(Level.Trial)
    public void setUp() {
        now = Fleet.T0;
        List<MetricData> metrics = new ArrayList<>();
        for (int i = 0; i < POINTS; i++) {
            var resource = OtlpBodies.resource(Map.of(
                    "k8s.namespace.name",
                    Fleet.NAMESPACE,
                    "k8s.pod.name",
                    "pod-" + i,
                    "service.name",
                    "web",
                    "telemetry.sdk.language",
                    "java"));
            metrics.add(OtlpBodies.gauge(
                    resource, "http.server.active_requests", Map.of("http.route", "/cart"), 40 + i % 7, now));
        }
        protobuf = OtlpBodies.protobuf(metrics);
        json = OtlpBodies.json(metrics);
        limits = IngestLimits.defaults();
        rules = new SeriesRules(SeriesRules.DEFAULT_OBJECT_LABELS, new SeriesRules.Bounds(256, 317, 5_000));
    }

    @Benchmark
    public SeriesRules.Conversion protobuf() {
        Payload p = OtlpProto.read(protobuf, new OtlpSeries(SeriesRules.DEFAULT_OBJECT_LABELS, limits), limits);
        return rules.convert(p.series(), now);
    }

    @Benchmark
    public SeriesRules.Conversion json() {
        Payload p = OtlpJson.read(json, new OtlpSeries(SeriesRules.DEFAULT_OBJECT_LABELS, limits), limits);
        return rules.convert(p.series(), now);
    }
}

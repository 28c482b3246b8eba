package dev.trimtab.local;

import com.google.protobuf.CodedOutputStream;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.QuarkusApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The remote-write benchmark end to end: {@code RATE} times a second (default 4), one request (snappy-compressed
 * {@code WriteRequest}, as Prometheus sends) carrying the Pods metric {@code http_requests} of
 * both pods of every workload, alternating between values that ask for 8 and for 2 replicas. Measured: the request's HTTP round trip (send
 * → 204: decoded, routed, and every record acknowledged by the broker), and from the send (the
 * samples' timestamp, which the metric events carry) to each workload's rescale decision carried
 * out ({@code ScaleWritten}: taken, in dry-run, the default; or acknowledged by the mock API with
 * {@code -Dbench.dry-run=false}, when every request rescales). A baseline first: the same-sized request whose series no policy reads
 * (decoded and routed, nothing for the broker). Prints a {@code RESULT} line last; the target is
 * decision p99 ≤ 2 × round-trip p99.
 */
public class IngestBenchApp implements QuarkusApplication {

    @Override
    public int run(String... args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        long period = 1000 / rate;
        BenchProbe probe = Arc.container().instance(BenchProbe.class).get();
        BenchApp.awaitPolicies(workloads); // the policies read http_requests since the seeding updated them
        int port = ConfigProvider.getConfig().getValue("quarkus.http.port", Integer.class);
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/write");
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        System.out.printf(
                "%nBaseline: %d requests of %d series no policy reads, one a second%n",
                Math.min(seconds, 20), 2 * workloads);
        Histogram unused = new Histogram(3);
        for (int i = 0; i < Math.min(seconds, 20); i++) {
            long t0 = System.nanoTime();
            send(http, uri, body(workloads, "not_read_by_anyone", 40, System.currentTimeMillis()));
            unused.recordValue((System.nanoTime() - t0) / 1000);
            Thread.sleep(1000 - Math.min(999, (System.nanoTime() - t0) / 1_000_000));
        }
        BenchApp.report("round trip, nothing forwarded", unused);

        System.out.printf(
                "%nRemote write: %d requests of %d series (both pods of %d workloads), %d a second%n",
                seconds * rate, 2 * workloads, workloads, rate);
        Histogram roundTrip = new Histogram(3);
        // warm-up, at the measured rate for 15 s: the first decisions of each workload also load its
        // history, and the decision path is compiled (C2) only after some thousand decisions
        int warmUp = 15 * rate;
        System.out.printf("  warm-up: %d requests (%d s) not measured%n", warmUp, 15);
        for (int i = 0; i < warmUp; i++) {
            long t0 = System.nanoTime();
            send(http, uri, body(workloads, "http_requests", i % 2 == 0 ? 40 : 10, System.currentTimeMillis()));
            Thread.sleep(Math.max(1, period - (System.nanoTime() - t0) / 1_000_000));
        }
        probe.interval();
        probe.slowSends();
        for (int i = 0; i < seconds * rate; i++) {
            long sentAt = System.currentTimeMillis();
            long t0 = System.nanoTime();
            send(http, uri, body(workloads, "http_requests", i % 2 == 0 ? 40 : 10, sentAt));
            roundTrip.recordValue((System.nanoTime() - t0) / 1000);
            Thread.sleep(Math.max(1, period - (System.nanoTime() - t0) / 1_000_000));
        }
        Thread.sleep(2000);
        Histogram decision = probe.interval();
        probe.slowSends().forEach(l -> System.out.println("  slow send " + l));
        BenchApp.report("send -> 204 (round trip)", roundTrip);
        BenchApp.report(
                Boolean.getBoolean("trimtab.autoscaler.dry-run")
                        ? "send -> decision"
                        : "send -> /scale write acknowledged",
                decision);
        // dry-run: the deployments stay at 2, so the requests asking for 8 rescale and those asking for 2 hold
        long requests = (long) seconds * rate;
        long expected = Boolean.getBoolean("trimtab.autoscaler.dry-run")
                ? (requests + 1) / 2 * workloads
                : requests * workloads;
        System.out.printf("  decisions carried out: %d of %d expected%n", decision.getTotalCount(), expected);
        double rt99 = roundTrip.getValueAtPercentile(99) / 1000.0;
        double d99 = decision.getValueAtPercentile(99) / 1000.0;
        System.out.printf(
                "%nRESULT workloads=%d series_per_request=%d requests=%d rt_p50_ms=%.2f rt_p99_ms=%.2f "
                        + "unused_rt_p99_ms=%.2f decision_p50_ms=%.2f decision_p99_ms=%.2f decisions=%d ratio_p99=%.2f%n",
                workloads,
                2 * workloads,
                requests,
                roundTrip.getValueAtPercentile(50) / 1000.0,
                rt99,
                unused.getValueAtPercentile(99) / 1000.0,
                decision.getValueAtPercentile(50) / 1000.0,
                d99,
                decision.getTotalCount(),
                d99 / rt99);
        LocalApp.exitCode = 0;
        return 0;
    }

    private static void send(HttpClient http, URI uri, byte[] body) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(uri)
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Encoding", "snappy")
                        .header("Content-Type", "application/x-protobuf")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 204) {
            throw new IllegalStateException("remote write answered " + r.statusCode() + ": " + r.body());
        }
    }

    /** A snappy-compressed WriteRequest: {@code name} of both pods of every workload, at {@code millis}. */
    static byte[] body(int workloads, String name, double value, long millis) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream w = CodedOutputStream.newInstance(out);
        for (int i = 0; i < workloads; i++) {
            for (int p = 0; p < 2; p++) {
                Map<String, String> labels = new TreeMap<>(
                        Map.of("__name__", name, "namespace", "bench", "pod", "w" + i + "-" + p, "job", "bench"));
                ByteArrayOutputStream ts = new ByteArrayOutputStream();
                CodedOutputStream t = CodedOutputStream.newInstance(ts);
                for (Map.Entry<String, String> l : labels.entrySet()) {
                    ByteArrayOutputStream lb = new ByteArrayOutputStream();
                    CodedOutputStream lw = CodedOutputStream.newInstance(lb);
                    lw.writeString(1, l.getKey());
                    lw.writeString(2, l.getValue());
                    lw.flush();
                    t.writeByteArray(1, lb.toByteArray());
                }
                ByteArrayOutputStream sb = new ByteArrayOutputStream();
                CodedOutputStream sw = CodedOutputStream.newInstance(sb);
                sw.writeDouble(1, value);
                sw.writeInt64(2, millis);
                sw.flush();
                t.writeByteArray(2, sb.toByteArray());
                t.flush();
                w.writeByteArray(1, ts.toByteArray());
            }
        }
        w.flush();
        // snappy-java comes with the Kafka client at run time (not on the compile class path)
        try {
            return (byte[]) Class.forName("org.xerial.snappy.Snappy")
                    .getMethod("compress", byte[].class)
                    .invoke(null, (Object) out.toByteArray());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("snappy-java is not on the class path", e);
        }
    }
}

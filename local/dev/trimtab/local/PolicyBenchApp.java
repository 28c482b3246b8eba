package dev.trimtab.local;

import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.PolicyDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.QuarkusApplication;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;

/**
 * The policy engine's benchmark, one RESULT line:
 * <ol>
 *   <li>one compiled validation (images from a registry, over all containers) reviewing a Pod,
 *       in process: per-review latency over 200,000 reviews after 200,000 of warm-up;</li>
 *   <li>the Pod Security Standards, baseline and restricted ({@code policies/pod-security}), on a
 *       compliant Pod in a namespace enforcing restricted: the same;</li>
 *   <li>the admission webhook over HTTP ({@code POST /admission/validate}, the running function
 *       with {@code policies/}): a steady 1,000 reviews/s for SECONDS (default 30), open loop,
 *       latency from each review's scheduled send to its answer.</li>
 * </ol>
 */
public class PolicyBenchApp implements QuarkusApplication {
    /** Requests, a memory limit and probes: what policies/resources-and-probes asks of every container. */
    static final String HEALTHY = "\"resources\":{\"requests\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"},"
            + "\"limits\":{\"memory\":\"256Mi\"}},\"readinessProbe\":{\"httpGet\":{\"path\":\"/ready\",\"port\":8080}},"
            + "\"livenessProbe\":{\"httpGet\":{\"path\":\"/live\",\"port\":8080}}";

    static final String POD = "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{"
            + "\"uid\":\"bench\",\"kind\":{\"group\":\"\",\"version\":\"v1\",\"kind\":\"Pod\"},\"resource\":{\"group\":\"\","
            + "\"version\":\"v1\",\"resource\":\"pods\"},\"name\":\"web\",\"namespace\":\"NS\",\"operation\":\"CREATE\","
            + "\"userInfo\":{\"username\":\"alice\"},\"object\":{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
            + "{\"name\":\"web\",\"namespace\":\"NS\",\"labels\":{\"app\":\"web\"}},\"spec\":{"
            + "\"securityContext\":{\"runAsNonRoot\":true,\"seccompProfile\":{\"type\":\"RuntimeDefault\"}},"
            + "\"containers\":[{\"name\":\"web\",\"image\":\"registry.example.com/shop/web:1.4.2\","
            + "\"securityContext\":{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}},"
            + "\"ports\":[{\"containerPort\":8080}]," + HEALTHY + "},"
            + "{\"name\":\"sidecar\",\"image\":\"ghcr.io/example/proxy:2.0\",\"securityContext\":"
            + "{\"allowPrivilegeEscalation\":false,\"capabilities\":{\"drop\":[\"ALL\"]}}," + HEALTHY + "}],"
            + "\"volumes\":[{\"name\":\"data\",\"emptyDir\":{}}]}}}}";

    /** The bench's AdmissionReview: a compliant Pod (two containers) in {@code namespace}. */
    public static String review(String namespace) {
        return POD.replace("NS", namespace);
    }

    @Override
    public int run(String... args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path one = Files.createTempDirectory("bench-one");
        Files.writeString(one.resolve("p.yaml"), """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: images}
                spec:
                  matchConstraints:
                    resourceRules: [{operations: [CREATE, UPDATE], apiGroups: [""], apiVersions: [v1], resources: [pods]}]
                  validations:
                    - expression: "object.spec.containers.all(c, c.image.startsWith('registry.example.com/') || c.image.startsWith('ghcr.io/example/'))"
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: images}
                spec: {policyName: images, validationActions: [Deny]}
                """);
        Histogram single = inProcess("one validation on a Pod", one, "shop");

        Path pss = Files.createTempDirectory("bench-pss");
        Histogram restricted = null;
        if (Files.isDirectory(Path.of("policies/pod-security"))) {
            for (String f : new String[] {"baseline.yaml", "restricted.yaml"}) {
                Files.copy(Path.of("policies/pod-security", f), pss.resolve(f));
            }
            Files.writeString(pss.resolve("ns.yaml"), """
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: secure, labels: {pod-security.kubernetes.io/enforce: restricted}}
                    """);
            restricted = inProcess("Pod Security baseline + restricted on a Pod", pss, "secure");
        } else {
            System.out.println("  (no policies/pod-security: restricted set not measured)");
        }

        Histogram http = http(seconds, 1000);
        System.out.printf(
                "%nRESULT one_validation_p99_us=%.1f restricted_set_p99_us=%s http_rate_per_s=1000 "
                        + "http_p50_ms=%.2f http_p99_ms=%.2f%n",
                single.getValueAtPercentile(99) / 1000.0,
                restricted == null ? "n/a" : String.format("%.1f", restricted.getValueAtPercentile(99) / 1000.0),
                http.getValueAtPercentile(50) / 1000.0,
                http.getValueAtPercentile(99) / 1000.0);
        LocalApp.exitCode = 0;
        return 0;
    }

    private static Histogram inProcess(String what, Path dir, String namespace) throws Exception {
        PolicyDirectory.Contents c = PolicyDirectory.read(dir);
        if (!c.errors().isEmpty()) {
            throw new IllegalStateException(c.errors().toString());
        }
        PolicyEngine engine = new PolicyEngine(c.policies(), c.bindings());
        var cluster = c.cluster();
        AdmissionRequest request = AdmissionReviews.request(AdmissionReviews.JSON.readTree(review(namespace)));
        PolicyEngine.Verdict v = engine.review(request, cluster);
        if (!v.allowed() || v.results().isEmpty()) {
            throw new IllegalStateException("the bench Pod must be evaluated and allowed: " + v);
        }
        for (int i = 0; i < 200_000; i++) {
            engine.review(request, cluster);
        }
        Histogram h = new Histogram(3);
        for (int i = 0; i < 200_000; i++) {
            long t0 = System.nanoTime();
            engine.review(request, cluster);
            h.recordValue(System.nanoTime() - t0);
        }
        System.out.printf(
                "  %s (%d validations): p50=%.1f us p90=%.1f us p99=%.1f us max=%.1f us%n",
                what,
                v.results().size(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
        return h;
    }

    /**
     * Open loop: review i is due at start + i/rate; its latency runs from then to its answer
     * (microseconds). The client is deliberately lean (a pool of keep-alive HTTP/1.1 connections,
     * one blocking thread each, as the API server's webhook client keeps connections) so the figure
     * is the webhook's, not a client library's (the JDK HttpClient's async pipeline adds its own queueing).
     */
    private static Histogram http(int seconds, int rate) throws Exception {
        int port = Integer.parseInt(System.getProperty("bench.http.port"));
        byte[] body = review("shop").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("POST /admission/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        try (Connection c = new Connection(port)) {
            String answer = c.exchange(head, body);
            if (!answer.contains("\"allowed\":true")) {
                throw new IllegalStateException("the webhook must allow the bench Pod: " + answer);
            }
            for (int i = 0; i < 5_000; i++) { // warm-up
                c.exchange(head, body);
            }
        }
        Histogram h = new Histogram(60_000_000L, 3);
        AtomicInteger errors = new AtomicInteger();
        BlockingQueue<Long> due = new LinkedBlockingQueue<>();
        int connections = 4;
        long total = (long) rate * seconds;
        CountDownLatch done = new CountDownLatch((int) total);
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < connections; w++) {
            Thread t = new Thread(
                    () -> {
                        try (Connection c = new Connection(port)) {
                            while (true) {
                                long d = due.take();
                                if (d < 0) {
                                    return;
                                }
                                try {
                                    if (!c.exchange(head, body).startsWith("HTTP/1.1 200")) {
                                        errors.incrementAndGet();
                                    }
                                } catch (IOException e) {
                                    errors.incrementAndGet();
                                }
                                synchronized (h) {
                                    h.recordValue(Math.max(0, (System.nanoTime() - d) / 1000));
                                }
                                done.countDown();
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    "bench-client-" + w);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        long start = System.nanoTime();
        for (long i = 0; i < total; i++) {
            long d = start + i * 1_000_000_000L / rate;
            long wait = d - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            due.add(d);
        }
        done.await(60, TimeUnit.SECONDS);
        workers.forEach(t -> due.add(-1L));
        var server = Arc.container()
                .instance(MeterRegistry.class)
                .get()
                .find("trimtab_policy_admission_seconds")
                .timer();
        if (server != null) {
            var snapshot = server.takeSnapshot();
            StringBuilder sb = new StringBuilder();
            for (var v : snapshot.percentileValues()) {
                sb.append(String.format(" p%.0f=%.3f ms", v.percentile() * 100, v.value(TimeUnit.MILLISECONDS)));
            }
            System.out.printf(
                    "  in the server (bytes in to bytes out, Micrometer's last ~2 min, warm-up included):%s%n", sb);
        }
        System.out.printf(
                "  admission over HTTP, %d reviews/s for %d s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms "
                        + "max=%.2f ms errors=%d%n",
                rate,
                seconds,
                h.getTotalCount(),
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0,
                errors.get());
        return h;
    }

    /** One keep-alive HTTP/1.1 connection: write a request, read one response (Content-Length framed). */
    private static final class Connection implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;

        Connection(int port) throws IOException {
            socket = new Socket("localhost", port);
            socket.setTcpNoDelay(true);
            out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
        }

        /** The response's status line and body. */
        String exchange(byte[] head, byte[] body) throws IOException {
            out.write(head);
            out.write(body);
            out.flush();
            int length = -1;
            String status = null;
            while (true) {
                String line = line();
                if (status == null) {
                    status = line;
                } else if (line.isEmpty()) {
                    break;
                } else if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            byte[] answer = in.readNBytes(Math.max(0, length));
            return status + "\n" + new String(answer, StandardCharsets.UTF_8);
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection closed");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}

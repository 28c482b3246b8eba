package dev.trimtab.local.chaos;

import dev.trimtab.local.LocalRun;
import dev.trimtab.local.PolicyBenchApp;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * {@code admission-bench [--rate N] [--seconds S] [--connections C] [--out DIR]}: the admission
 * webhook over HTTPS as a Kubernetes API server meets it (issue 17 item 6; docs/benchmarks.md).
 * The production jar runs as its own process, configured as {@code k8s-manifests/policy} runs it
 * (no autoscaler, the policies of {@code policies/}, a TLS port), against an embedded broker and
 * the mock API in this one. The client is wrk (Debian's package), a third process: a Lua script
 * posts the same AdmissionReview (a Pod in a namespace of its own, as {@code policy-bench} does)
 * over {@code C} keep-alive connections, each waiting a fixed delay before its next request, so
 * the offered rate is about {@code N}/s; the delay is calibrated in a short run first. After a
 * warm-up at full speed, the measured run reports wrk's latency percentiles (from each request's
 * write to its answer) and the rate reached. One {@code RESULT} line.
 */
public final class AdmissionBench {
    private static final String JAR = StartBench.JAR;
    private static final Pattern WRK = Pattern.compile(
            "WRK requests=(\\d+) duration_us=(\\d+) errors=(\\d+) p50_us=(\\d+) p90_us=(\\d+) p99_us=(\\d+) max_us=(\\d+)");

    private AdmissionBench() {}

    /** One wrk run's figures. */
    record Run(long requests, double seconds, long errors, long p50Us, long p90Us, long p99Us, long maxUs) {
        double rate() {
            return requests / seconds;
        }
    }

    public static void main(String... args) throws Exception {
        int rate = 1000;
        int seconds = 30;
        int connections = 20;
        Path out = Path.of("target/admission-bench");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i + 1 < args.length && a.equals("--rate")) {
                rate = Integer.parseInt(args[++i]);
            } else if (i + 1 < args.length && a.equals("--seconds")) {
                seconds = Integer.parseInt(args[++i]);
            } else if (i + 1 < args.length && a.equals("--connections")) {
                connections = Integer.parseInt(args[++i]);
            } else if (i + 1 < args.length && a.equals("--out")) {
                out = Path.of(args[++i]);
            } else {
                System.err.println("usage: admission-bench [--rate N] [--seconds S] [--connections C] [--out DIR]");
                System.exit(2);
            }
        }
        if (rate < 1 || seconds < 1 || connections < 1) {
            System.err.println("admission-bench: --rate, --seconds and --connections must be positive");
            System.exit(2);
        }
        String wrk = onPath("wrk");
        if (wrk == null) {
            System.err.println(
                    "admission-bench: wrk is not on the PATH: install Debian's package  apt-get install wrk");
            System.exit(2);
        }
        if (!Files.isRegularFile(Path.of(JAR))) {
            System.err.println("admission-bench: no " + JAR + ": build it with  mvn -B -Plocal package -DskipTests");
            System.exit(2);
        }
        Files.createDirectories(out);
        Path keystore = out.resolve("server.p12").toAbsolutePath();
        keystore(keystore);
        Path script = out.resolve("review.lua");
        Files.writeString(script, script(PolicyBenchApp.review("shop")));

        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaPort(LocalRun.freePort())
                .withControllerPort(LocalRun.freePort())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> p.put("auto.create.topics.enable", "false"))
                .start();
        MockApi api = MockApi.start(MockApi.crud(1));
        Process server = null;
        try {
            String bootstrap = broker.getAdvertisedListeners();
            LocalRun.createTopics(bootstrap);
            // the webhook reads the namespace's labels from an informer's cache
            api.client()
                    .namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("shop")
                            .addToLabels("kubernetes.io/metadata.name", "shop")
                            .endMetadata()
                            .build())
                    .create();
            int httpPort = LocalRun.freePort();
            int httpsPort = LocalRun.freePort();
            server = startServer(
                    serverProperties(bootstrap, api.url(), keystore, httpPort, httpsPort), out.resolve("server.log"));
            awaitAdmissionReady(server, httpPort, out.resolve("server.log"));
            String url = "https://127.0.0.1:" + httpsPort + "/admission/validate";
            checkAllowed(url);

            // warm-up: full speed (no delay), so the server's JIT has compiled the path
            wrk(wrk, script, url, connections, 20, 0, out.resolve("wrk-warmup.txt"));
            // calibration: each connection's cycle is its delay plus the answer's time; choose the
            // delay (whole milliseconds: wrk's timer) that makes C connections offer about N/s
            // (two rounds: the first, right after the warm-up, answers more slowly than the steady state)
            int delay = Math.max(1, Math.round(1000f * connections / rate) - 1);
            for (int round = 1; round <= 2; round++) {
                Run calibration =
                        wrk(wrk, script, url, connections, 5, delay, out.resolve("wrk-calibration-" + round + ".txt"));
                double overheadMs = Math.max(0, 1000.0 * connections / calibration.rate() - delay);
                delay = (int) Math.max(1, Math.round(1000.0 * connections / rate - overheadMs));
            }
            Run measured = wrk(wrk, script, url, connections, seconds, delay, out.resolve("wrk-measured.txt"));
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf(
                    "  wrk: %d connections, delay %d ms each; %d requests in %.1f s (%.0f/s), %d errors; "
                            + "p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n",
                    connections,
                    delay,
                    measured.requests(),
                    measured.seconds(),
                    measured.rate(),
                    measured.errors(),
                    measured.p50Us() / 1000.0,
                    measured.p90Us() / 1000.0,
                    measured.p99Us() / 1000.0,
                    measured.maxUs() / 1000.0);
            System.out.printf(
                    "RESULT https_offered_per_s=%d https_rate_per_s=%.0f https_p50_ms=%.2f https_p90_ms=%.2f "
                            + "https_p99_ms=%.2f https_max_ms=%.2f errors=%d connections=%d load=%.2f%n",
                    rate,
                    measured.rate(),
                    measured.p50Us() / 1000.0,
                    measured.p90Us() / 1000.0,
                    measured.p99Us() / 1000.0,
                    measured.maxUs() / 1000.0,
                    measured.errors(),
                    connections,
                    load);
        } finally {
            if (server != null) {
                server.destroy();
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor();
                }
            }
            api.close();
            broker.close();
        }
        System.exit(0);
    }

    /** The policy Deployment's settings (k8s-manifests/policy), with this run's broker, API and ports. */
    static Map<String, String> serverProperties(
            String bootstrap, String apiUrl, Path keystore, int httpPort, int httpsPort) {
        Map<String, String> p = new LinkedHashMap<>(Instance.properties(bootstrap, apiUrl));
        p.put("mp.messaging.incoming.metrics.enabled", "false");
        p.put("trimtab.autoscaler.state.enabled", "false");
        p.put("trimtab.autoscaler.cluster-state", "none");
        p.put("trimtab.policy.directory", "policies");
        p.put("quarkus.http.port", Integer.toString(httpPort));
        p.put("quarkus.http.ssl-port", Integer.toString(httpsPort));
        p.put("quarkus.http.ssl.certificate.key-store-file", keystore.toString());
        p.put("quarkus.http.ssl.certificate.key-store-password", "trimtab-bench");
        return p;
    }

    /** A self-signed key pair for localhost (the JDK's keytool), as cert-manager would issue the webhook one. */
    static void keystore(Path file) throws IOException, InterruptedException {
        Files.deleteIfExists(file);
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "webhook",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-validity",
                        "2",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "san=dns:localhost,ip:127.0.0.1",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        file.toString(),
                        "-storepass",
                        "trimtab-bench")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }

    /** wrk's Lua script: POST the review; {@code delay()} milliseconds before each request; the figures at the end. */
    static String script(String review) {
        return """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                wrk.body = [==[%s]==]
                local pause = tonumber(os.getenv("TRIMTAB_WRK_DELAY_MS") or "0")
                if pause > 0 then
                  function delay()
                    return pause
                  end
                end
                function done(summary, latency, requests)
                  local e = summary.errors
                  io.write(string.format("WRK requests=%%d duration_us=%%d errors=%%d p50_us=%%d p90_us=%%d p99_us=%%d max_us=%%d\\n",
                    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
                    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
                end
                """.formatted(review);
    }

    private static Run wrk(String wrk, Path script, String url, int connections, int seconds, int delayMs, Path output)
            throws IOException, InterruptedException {
        int threads = Math.min(2, connections);
        ProcessBuilder pb = new ProcessBuilder(
                        wrk,
                        "-t" + threads,
                        "-c" + connections,
                        "-d" + seconds + "s",
                        "--timeout",
                        "10s",
                        "--latency",
                        "-s",
                        script.toString(),
                        url)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        pb.environment().put("TRIMTAB_WRK_DELAY_MS", Integer.toString(delayMs));
        Process p = pb.start();
        if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not end; see " + output);
        }
        String text = Files.readString(output);
        Matcher m = WRK.matcher(text);
        if (p.exitValue() != 0 || !m.find()) {
            throw new IllegalStateException("wrk failed (exit " + p.exitValue() + "): " + text);
        }
        return new Run(
                Long.parseLong(m.group(1)),
                Long.parseLong(m.group(2)) / 1e6,
                Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)),
                Long.parseLong(m.group(5)),
                Long.parseLong(m.group(6)),
                Long.parseLong(m.group(7)));
    }

    /** The image's command (as {@code start-bench} runs it), with these system properties. */
    private static Process startServer(Map<String, String> properties, Path log) throws IOException {
        List<String> cmd = StartBench.java(Path.of(System.getProperty("java.home")), List.of(), properties);
        return new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Until the admission health group (the Deployment's readiness probe) answers 200. */
    private static void awaitAdmissionReady(Process server, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < until && server.isAlive()) {
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/group/admission"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the webhook was not ready within 180 s; see " + log);
    }

    /** One review through the same URL: it must be answered, and allowed (the bench Pod complies). */
    private static void checkAllowed(String url) throws Exception {
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(
                null,
                new TrustManager[] {
                    new X509TrustManager() {
                        public void checkClientTrusted(X509Certificate[] chain, String auth) {}

                        public void checkServerTrusted(X509Certificate[] chain, String auth) {}

                        public X509Certificate[] getAcceptedIssuers() {
                            return new X509Certificate[0];
                        }
                    }
                },
                new SecureRandom());
        HttpClient http = HttpClient.newBuilder().sslContext(trustAll).build();
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(PolicyBenchApp.review("shop")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("\"allowed\":true")) {
            throw new IllegalStateException("the webhook must allow the bench Pod: " + r.statusCode() + " " + r.body());
        }
    }

    private static String onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}

package dev.trimtab.local.chaos;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One instance of the production jar as its own OS process ({@code java -jar quarkus-run.jar}),
 * configured as {@code LocalRun} configures the in-process one (informers against the mock API,
 * no cluster-events channel, no authentication) plus what a fault run needs: the shared metrics
 * group (with the shipped session timeout and, as the shipped Deployment, a static member name per
 * instance: the suite measures what ships), and holds in the decision
 * log. Each start appends to {@code instance-<n>.log}; each start gets a fresh HTTP port.
 */
final class Instance {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    private final int number;
    private final String jar;
    private final Path log;
    private final Map<String, String> properties;
    private final List<String> jvmOptions;
    private volatile Process process;
    private volatile int port;
    private int starts;

    Instance(int number, String jar, Path outDir, Map<String, String> properties) {
        this(number, jar, outDir, properties, List.of());
    }

    /** An instance with JVM options of its own (the class-data archive: {@link Chaos}). */
    Instance(int number, String jar, Path outDir, Map<String, String> properties, List<String> jvmOptions) {
        this.number = number;
        this.jar = jar;
        this.log = outDir.resolve("instance-" + number + ".log");
        this.properties = properties;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The system properties every instance of a run gets. */
    static Map<String, String> properties(String bootstrap, String apiUrl) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kafka.bootstrap.servers", bootstrap);
        p.put("kubernetes.master", apiUrl);
        p.put("kubernetes.trust.certificates", "true");
        p.put("kubernetes.auth.tryKubeConfig", "false");
        p.put("kubernetes.namespace", "default");
        p.put("trimtab.autoscaler.cluster-state", "informers");
        p.put("mp.messaging.incoming.cluster-events.enabled", "false");
        p.put("trimtab.auth.enabled", "false");
        p.put("mp.messaging.incoming.metrics.group.id", "trimtab-autoscaler");
        p.put("trimtab.autoscaler.log-holds", "true");
        p.put("quarkus.log.level", "INFO");
        p.put("quarkus.log.category.\"org.apache.kafka\".level", "WARN");
        p.put("quarkus.log.category.\"io.fabric8.kubernetes.client.dsl.internal\".level", "WARN");
        p.put("quarkus.log.category.\"dev.trimtab.autoscaler.live.ScaleApplier\".level", "WARN");
        return p;
    }

    int number() {
        return number;
    }

    /** Starts the process on a free port (it appends to its log). */
    synchronized void start() throws IOException {
        port = freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx768m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        // every pause with the heap before and after, one file per process (%p: its pid), to tell a
        // slow instance's collector from its own work (docs/reliability.md, long run 7)
        cmd.add("-Xlog:gc:file="
                + log.resolveSibling(log.getFileName().toString().replace(".log", "") + "-gc-%p.log") + ":time,uptime");
        cmd.addAll(jvmOptions);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        // static membership, as the shipped Deployment sets it from the pod's name: a restarted
        // instance takes its partitions back when it joins, without waiting out its old session
        cmd.add("-Dmp.messaging.incoming.metrics.group.instance.id=chaos-instance-" + number);
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-jar");
        cmd.add(jar);
        Files.writeString(
                log,
                "==== start " + (++starts) + " at " + Instant.now() + " port " + port + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        process = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** SIGKILL (no shutdown hook runs, no handover is written); waits until the process is gone. */
    synchronized void kill() throws InterruptedException {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
            p.waitFor();
        }
    }

    /** SIGTERM and wait (the end of a run). */
    synchronized void stop() throws InterruptedException {
        Process p = process;
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    boolean alive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    long pid() {
        Process p = process;
        return p == null ? -1 : p.pid();
    }

    /** The HTTP status of a health endpoint ({@code ready} or {@code live}); -1 when it does not answer. */
    int health(String which) {
        return alive() ? health(port, which) : -1;
    }

    /** The HTTP status of a health endpoint of the process on {@code port}; -1 when it does not answer. */
    static int health(int port, String which) {
        try {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/" + which))
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
            return HTTP.send(r, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Waits until {@code /q/health/ready} answers 200; false when {@code timeout} passes or the process dies. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        long until = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < until) {
            if (!alive()) {
                return false;
            }
            if (health("ready") == 200) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    Path log() {
        return log;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

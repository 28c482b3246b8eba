package dev.trimtab.local.chaos;

import dev.trimtab.local.LocalRun;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code start-bench [RUNS] [--out DIR]}: how long the production jar takes to start, as its own
 * process, against an embedded Kafka broker and the mock Kubernetes API in this one (issue 17
 * item 3; docs/benchmarks.md). Each run spawns {@code java -jar target/quarkus-app/quarkus-run.jar}
 * with the image's JVM options and measures, from the spawn, the first 200 from
 * {@code /q/health/live} (HTTP up), from {@code /q/health/ready} (Kafka and the watches in place)
 * and Quarkus' own "started in" figure. Modes: without a class-data archive, with an AppCDS
 * archive (made here once from a start until ready), and with the API server
 * unreachable (a closed port), where only liveness can come up; with a JDK 25
 * ({@code --aot-java}), the same jar on it without and with its AOT cache (made the same way).
 * Prints one line per run and a {@code RESULT} line of medians.
 */
public final class StartBench {
    private static final Pattern STARTED = Pattern.compile("started in (\\d+\\.\\d+)s");
    static final String JAR = "target/quarkus-app/quarkus-run.jar";

    private StartBench() {}

    /** One start: milliseconds from the spawn to live, to ready (-1: not within the limit) and Quarkus' "started in". */
    record Start(long liveMs, long readyMs, long startedInMs) {}

    public static void main(String... args) throws Exception {
        int runs = 5;
        Path out = Path.of("target/start-bench");
        Path aotJava = defaultAotJava();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--out") && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if (args[i].equals("--aot-java") && i + 1 < args.length) {
                aotJava = args[++i].equals("none") ? null : Path.of(args[i]);
            } else if (args[i].matches("[1-9][0-9]*")) {
                runs = Integer.parseInt(args[i]);
            } else {
                System.err.println("usage: start-bench [RUNS] [--out DIR] [--aot-java JAVA_HOME|none]");
                System.exit(2);
            }
        }
        if (aotJava != null && !Files.isExecutable(aotJava.resolve("bin/java"))) {
            System.err.println("start-bench: --aot-java " + aotJava + ": no bin/java there");
            System.exit(2);
        }
        if (!Files.isRegularFile(Path.of(JAR))) {
            System.err.println("start-bench: no " + JAR + ": build it with  mvn -B -Plocal package -DskipTests");
            System.exit(2);
        }
        Files.createDirectories(out);
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaPort(freePort())
                .withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> p.put("auto.create.topics.enable", "false"))
                .start();
        MockApi api = MockApi.start(MockApi.crud(1));
        try {
            String bootstrap = broker.getAdvertisedListeners();
            LocalRun.createTopics(bootstrap);
            Map<String, String> reachable = Instance.properties(bootstrap, api.url());
            Path java17 = Path.of(System.getProperty("java.home"));
            Path archive = out.resolve("app-cds.jsa").toAbsolutePath();
            Files.deleteIfExists(archive);
            long archiveMs =
                    train(java17, "-XX:ArchiveClassesAtExit=" + archive, archive, out.resolve("appcds.log"), reachable);
            System.out.printf(
                    "AppCDS archive %s: %d MB in %.1f s%n", archive, Files.size(archive) >> 20, archiveMs / 1000.0);
            Path aotCache = out.resolve("app.aot").toAbsolutePath();
            if (aotJava != null) {
                Files.deleteIfExists(aotCache);
                long aotMs = train(
                        aotJava,
                        "-XX:AOTCacheOutput=" + aotCache,
                        aotCache,
                        out.resolve("aot-training.log"),
                        reachable);
                System.out.printf(
                        "AOT cache %s (%s): %d MB in %.1f s%n",
                        aotCache, aotJava, Files.size(aotCache) >> 20, aotMs / 1000.0);
            }

            Map<String, String> unreachable = new LinkedHashMap<>(reachable);
            unreachable.put("kubernetes.master", "https://127.0.0.1:" + freePort());
            List<Start> plain = new ArrayList<>();
            List<Start> cds = new ArrayList<>();
            List<Start> noApi = new ArrayList<>();
            List<Start> plain25 = new ArrayList<>();
            List<Start> aot = new ArrayList<>();
            for (int r = 1; r <= runs; r++) { // interleaved, so a drift of the machine touches every mode alike
                plain.add(run("plain", r, java17, reachable, List.of(), out, true));
                cds.add(run("appcds", r, java17, reachable, cds(archive), out, true));
                noApi.add(run("appcds, API unreachable", r, java17, unreachable, cds(archive), out, false));
                if (aotJava != null) {
                    plain25.add(run("jdk25 plain", r, aotJava, reachable, List.of(), out, true));
                    aot.add(run("jdk25 aot", r, aotJava, reachable, List.of("-XX:AOTCache=" + aotCache), out, true));
                }
            }
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            System.out.printf(
                    "RESULT runs=%d plain_live_ms=%d plain_ready_ms=%d plain_started_in_ms=%d appcds_live_ms=%d "
                            + "appcds_ready_ms=%d appcds_started_in_ms=%d unreachable_api_live_ms=%d "
                            + "unreachable_api_started_in_ms=%d jdk25_live_ms=%d jdk25_ready_ms=%d jdk25_started_in_ms=%d "
                            + "aot_live_ms=%d aot_ready_ms=%d aot_started_in_ms=%d load=%.2f%n",
                    runs,
                    median(plain, Start::liveMs),
                    median(plain, Start::readyMs),
                    median(plain, Start::startedInMs),
                    median(cds, Start::liveMs),
                    median(cds, Start::readyMs),
                    median(cds, Start::startedInMs),
                    median(noApi, Start::liveMs),
                    median(noApi, Start::startedInMs),
                    median(plain25, Start::liveMs),
                    median(plain25, Start::readyMs),
                    median(plain25, Start::startedInMs),
                    median(aot, Start::liveMs),
                    median(aot, Start::readyMs),
                    median(aot, Start::startedInMs),
                    load);
        } finally {
            api.close();
            broker.close();
        }
        System.exit(0);
    }

    /**
     * A training run that writes a class-data archive: the JDK's dynamic AppCDS archive
     * ({@code -XX:ArchiveClassesAtExit}, JDK 17) or JDK 25's AOT cache ({@code -XX:AOTCacheOutput},
     * JEP 514/515: classes loaded and linked, and method profiles). The app starts until ready,
     * against the same broker and API, and is stopped with SIGTERM, on which the JVM writes what it
     * loaded. ({@code -Dquarkus.appcds.generate=true} does not stop a {@code @QuarkusMain}
     * application by itself.)
     */
    private static long train(Path javaHome, String option, Path written, Path log, Map<String, String> properties)
            throws Exception {
        long t0 = System.nanoTime();
        int port = freePort();
        List<String> cmd = java(javaHome, List.of(option), withPort(properties, port));
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long limit = t0 + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < limit && p.isAlive() && Instance.health(port, "ready") != 200) {
            Thread.sleep(100);
        }
        p.destroy();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        if (!Files.isRegularFile(written) || Files.size(written) == 0) {
            throw new IllegalStateException("nothing written to " + written + "; see " + log);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static List<String> cds(Path archive) {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }

    /** Temurin 25 where this machine image keeps it, if there (JDK 25's AOT cache, JEP 514/515). */
    private static Path defaultAotJava() {
        try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            return dirs.filter(d -> d.getFileName().toString().matches(".*-2[5-9](\\.|-).*|.*-2[5-9]"))
                    .filter(d -> Files.isExecutable(d.resolve("bin/java")))
                    .sorted()
                    .findFirst()
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The image's command: {@code java <JDK_JAVA_OPTIONS of Dockerfile.jvm> <extra> <-Dkey=value of
     * properties> -jar quarkus-run.jar}.
     */
    static List<String> java(Path javaHome, List<String> extra, Map<String, String> properties) {
        List<String> cmd = new ArrayList<>(List.of(
                javaHome.resolve("bin/java").toString(),
                "-XX:MaxRAMPercentage=75.0",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"));
        cmd.addAll(extra);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(JAR);
        return cmd;
    }

    private static Map<String, String> withPort(Map<String, String> properties, int port) {
        Map<String, String> out = new LinkedHashMap<>(properties);
        out.put("quarkus.http.port", String.valueOf(port));
        return out;
    }

    private static Start run(
            String mode,
            int number,
            Path javaHome,
            Map<String, String> properties,
            List<String> extra,
            Path out,
            boolean expectReady)
            throws Exception {
        int port = freePort();
        List<String> cmd = java(javaHome, extra, withPort(properties, port));
        Path log = out.resolve(mode.replaceAll("[^a-z0-9]+", "-") + "-" + number + ".log");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long live = -1;
        long ready = -1;
        long limit = t0 + TimeUnit.SECONDS.toNanos(expectReady ? 120 : 30);
        try {
            while (System.nanoTime() < limit && p.isAlive() && (live < 0 || (expectReady && ready < 0))) {
                long now = System.nanoTime();
                if (live < 0 && Instance.health(port, "live") == 200) {
                    live = (now - t0) / 1_000_000;
                }
                if (expectReady && live >= 0 && ready < 0 && Instance.health(port, "ready") == 200) {
                    ready = (now - t0) / 1_000_000;
                }
                Thread.sleep(20);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        Matcher m = STARTED.matcher(Files.readString(log));
        long startedIn = m.find() ? Math.round(Double.parseDouble(m.group(1)) * 1000) : -1;
        System.out.printf(
                "%-24s run %d: live %5d ms, ready %5s ms, Quarkus \"started in\" %5d ms%n",
                mode, number, live, expectReady ? Long.toString(ready) : "-", startedIn);
        return new Start(live, ready, startedIn);
    }

    private static long median(List<Start> starts, ToLongFunction<Start> f) {
        long[] v = starts.stream().mapToLong(f).sorted().toArray();
        return v.length == 0 ? -1 : v[v.length / 2];
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

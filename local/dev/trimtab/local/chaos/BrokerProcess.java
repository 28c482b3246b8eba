package dev.trimtab.local.chaos;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node KRaft Kafka broker (broker and controller in one) as its own OS process, so that
 * it can be SIGKILLed and restarted: fixed ports and a fixed log directory, so a restart keeps
 * every record and the clients find it where it was.
 *
 * <p>The first {@link #start()} formats the storage ({@code kafka.tools.StorageTool random-uuid},
 * then {@code format -t ID -c server.properties}, a static quorum: {@code controller.quorum.voters},
 * no {@code --standalone}); every start runs {@code kafka.Kafka server.properties}. Output goes to
 * {@link #logFile()}: Kafka's own log at INFO through the JBoss log manager on the class path
 * ({@link #writeLogging}). The classes come from
 * {@code target/quarkus-app/lib/main/} when running from the -Plocal jar (it carries kafka_2.13), else from this JVM's class path.
 */
public final class BrokerProcess implements AutoCloseable {
    /** Heap and a GC for few cores. */
    public static final List<String> DEFAULT_JVM_ARGS = List.of("-Xms256m", "-Xmx1g", "-XX:+UseSerialGC");

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final Map<String, String> extra;
    private final List<String> jvmArgs;
    private Process process;

    /**
     * @param dir            holds server.properties, the log directory ({@code data/}) and broker.log
     * @param port           the client listener (PLAINTEXT, 127.0.0.1)
     * @param controllerPort the KRaft controller listener
     * @param extra          more server properties (they override the defaults)
     */
    public BrokerProcess(Path dir, int port, int controllerPort, Map<String, String> extra) {
        this(dir, port, controllerPort, extra, defaultClasspath(), DEFAULT_JVM_ARGS);
    }

    public BrokerProcess(
            Path dir, int port, int controllerPort, Map<String, String> extra, String classpath, List<String> jvmArgs) {
        this.dir = dir.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.extra = Map.copyOf(extra);
        this.classpath = classpath;
        this.jvmArgs = List.copyOf(jvmArgs);
    }

    /** A broker in {@code dir} on two free ports (found now, kept for every restart). */
    public static BrokerProcess onFreePorts(Path dir) {
        return new BrokerProcess(dir, freePort(), freePort(), Map.of());
    }

    /** {@code 127.0.0.1:port}. */
    public String bootstrap() {
        return "127.0.0.1:" + port;
    }

    public Path dir() {
        return dir;
    }

    /** The broker's stdout and stderr, appended across restarts. */
    public Path logFile() {
        return dir.resolve("broker.log");
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The OS process id of the running broker, or -1. */
    public synchronized long pid() {
        return isAlive() ? process.pid() : -1;
    }

    /** Starts the broker process (formatting the storage the first time); does not wait for it: see {@link #awaitReady}. */
    public synchronized void start() {
        if (isAlive()) {
            throw new IllegalStateException("broker already running, pid " + process.pid());
        }
        try {
            Files.createDirectories(dir);
            Path props = writeProperties();
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                String clusterId =
                        run(List.of("kafka.tools.StorageTool", "random-uuid")).strip();
                clusterId = clusterId.lines().reduce((a, b) -> b).orElse("").strip();
                run(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", props.toString()));
            }
            List<String> main = new ArrayList<>(List.of(
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                    "-Dlogging.configuration=" + writeLogging().toUri(),
                    "kafka.Kafka",
                    props.toString()));
            ProcessBuilder pb = new ProcessBuilder(command(main))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the broker in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until the broker answers a cluster description; throws with the log's tail when it
     * does not within {@code timeout} or when the process ends.
     */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!listening()) { // before the admin client, which logs every refused connection
            if (!isAlive()) {
                throw new IllegalStateException(
                        "the broker process ended (" + exitText() + "); log tail:\n" + logTail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the broker at " + bootstrap() + " does not listen after " + timeout
                        + "; log tail:\n" + logTail());
            }
            sleep(100);
        }
        pollUntil(
                deadline,
                timeout,
                "is not ready",
                admin -> !admin.describeCluster()
                        .nodes()
                        .get(2, TimeUnit.SECONDS)
                        .isEmpty());
    }

    /**
     * Waits until the broker serves again, not only answers: every partition of {@code topics} has a
     * leader (after a SIGKILL the restarted broker stays fenced, its partitions offline, until it
     * has registered and caught up) and the coordinator of {@code group} has loaded it (describing
     * the group fails with COORDINATOR_LOAD_IN_PROGRESS until then). A broker restart clears here:
     * before it, no client can produce, fetch or heartbeat, however fast it reconnects.
     */
    public void awaitServing(List<String> topics, String group, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        pollUntil(deadline, timeout, "does not serve " + topics, admin -> {
            boolean led = admin.describeTopics(topics).allTopicNames().get(2, TimeUnit.SECONDS).values().stream()
                    .flatMap(t -> t.partitions().stream())
                    .allMatch(part -> part.leader() != null && !part.leader().isEmpty());
            if (led) {
                // fails with COORDINATOR_LOAD_IN_PROGRESS while the group is loading
                admin.describeConsumerGroups(List.of(group)).all().get(2, TimeUnit.SECONDS);
            }
            return led;
        });
    }

    /** A look at the broker; an ExecutionException or TimeoutException means not yet. */
    private interface Look {
        boolean done(Admin admin) throws ExecutionException, TimeoutException, InterruptedException;
    }

    /**
     * Looks every 100 ms until {@code look} is done; throws with the log's tail past the deadline or
     * when the process ends.
     */
    private void pollUntil(long deadline, Duration timeout, String failure, Look look) {
        try (Admin admin = impatientAdmin()) {
            while (true) {
                if (!isAlive()) {
                    throw new IllegalStateException(
                            "the broker process ended (" + exitText() + "); log tail:\n" + logTail());
                }
                try {
                    if (look.done(admin)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted waiting for the broker", e);
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker at " + bootstrap() + " " + failure + " after " + timeout
                            + "; log tail:\n" + logTail());
                }
                sleep(100);
            }
        }
    }

    /** An admin client that gives up on each request within seconds: readiness polls ask again. */
    private Admin impatientAdmin() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        return Admin.create(p);
    }

    /** SIGKILL: the broker dies at once, as on a crash; waits until the process is gone. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
        process = null;
    }

    /** SIGTERM, a controlled shutdown; SIGKILL after 30 s. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!waitFor(process, Duration.ofSeconds(30))) {
            process.destroyForcibly();
            waitFor(process, Duration.ofSeconds(30));
        }
        process = null;
    }

    /** SIGKILL then start again on the same ports and data: a broker crash and its restart. */
    public synchronized void restart() {
        kill();
        start();
    }

    @Override
    public void close() {
        stop();
    }

    private Path writeProperties() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "10");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("auto.create.topics.enable", "false");
        // after a SIGKILL the restarted broker is fenced until its old session expires (default 9 s):
        // 4 s halves the time to ready (measured 7-10 s instead of 12-14 s on a loaded 2-core machine)
        p.put("broker.session.timeout.ms", "4000");
        p.put("broker.heartbeat.interval.ms", "1000");
        p.putAll(extra);
        StringBuilder text = new StringBuilder("# written by BrokerProcess\n");
        p.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve("server.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * The broker's own log (Kafka logs through slf4j, bound here to the JBoss log manager on the
     * class path) at INFO, to stdout and so to {@link #logFile()}: its start, its group coordinator
     * loading the groups, the members it expires.
     */
    private Path writeLogging() throws IOException {
        String text = """
                # written by BrokerProcess
                logger.level=INFO
                logger.handlers=CONSOLE
                loggers=org.apache.kafka.clients,kafka.request.logger,state.change.logger
                logger.org.apache.kafka.clients.level=WARN
                logger.kafka.request.logger.level=WARN
                logger.state.change.logger.level=WARN
                handler.CONSOLE=org.jboss.logmanager.handlers.ConsoleHandler
                handler.CONSOLE.properties=target
                handler.CONSOLE.target=SYSTEM_OUT
                handler.CONSOLE.formatter=PATTERN
                formatter.PATTERN=org.jboss.logmanager.formatters.PatternFormatter
                formatter.PATTERN.properties=pattern
                formatter.PATTERN.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{1.}] %s%e%n
                """;
        Path file = dir.resolve("logging.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private List<String> command(List<String> mainAndArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.addAll(mainAndArgs);
        return cmd;
    }

    /** Runs a tool to its end; returns its output, throws with it when the exit status is not 0. */
    private String run(List<String> mainAndArgs) throws IOException {
        Process p = new ProcessBuilder(command(mainAndArgs))
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!waitFor(p, Duration.ofSeconds(120)) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(mainAndArgs + " failed: " + out);
        }
        return out;
    }

    private String exitText() {
        return process == null ? "not started" : "exit status " + (process.isAlive() ? "running" : process.exitValue());
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code lib/main/*} and lib/boot's log manager beside quarkus-run.jar when this JVM runs the packaged application, else
     * this JVM's class path with manifest-only jars (surefire's booter) expanded.
     */
    public static String defaultClasspath() {
        String cp = System.getProperty("java.class.path", "");
        Set<String> out = new LinkedHashSet<>();
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path e = Path.of(entry).toAbsolutePath();
            if (e.getFileName().toString().equals("quarkus-run.jar")) {
                Path main = e.getParent().resolve("lib").resolve("main");
                if (Files.isDirectory(main)) {
                    List<String> app = new ArrayList<>(List.of(main + File.separator + "*"));
                    // lib/boot holds the JBoss log manager (the broker's own log, writeLogging); not
                    // Quarkus's runner, whose configurator would leave the log manager silent
                    try (var boot = Files.list(e.getParent().resolve("lib").resolve("boot"))) {
                        boot.map(Path::toString)
                                .filter(j -> j.endsWith(".jar"))
                                .filter(j ->
                                        !Path.of(j).getFileName().toString().startsWith("io.quarkus."))
                                .sorted()
                                .forEach(app::add);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                    return String.join(File.pathSeparator, app);
                }
            }
            out.add(e.toString());
            out.addAll(manifestClassPath(e));
        }
        return String.join(File.pathSeparator, out);
    }

    private static List<String> manifestClassPath(Path jar) {
        if (!jar.toString().endsWith(".jar") || !Files.isRegularFile(jar)) {
            return List.of();
        }
        try (JarFile f = new JarFile(jar.toFile())) {
            Manifest m = f.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue("Class-Path");
            if (cp == null || cp.isBlank()) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            for (String item : cp.trim().split("\\s+")) {
                URI u = jar.getParent().toUri().resolve(item);
                out.add(Path.of(u).toString());
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}

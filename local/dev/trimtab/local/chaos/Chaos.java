package dev.trimtab.local.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.local.LocalRun;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar chaos [--short] …} (a {@code -Plocal} build):
 * the fault suite of docs/reliability.md. Runs the broker ({@link BrokerProcess}) and 2–3 instances
 * of the production jar ({@link Instance}) as their own processes, the mock API in this one behind
 * a {@link FaultyDispatcher}; sends sequence-numbered metric events ({@link Generator}) while it
 * SIGKILLs instances, restarts the broker and makes the API fail ({@link FaultPlan}); then checks
 * the run against the replay of the same events ({@link Oracle}, {@code DecisionAudit}) and prints
 * one {@code RESULT} line. Exits 1 when a target is missed, 2 on bad usage.
 */
public final class Chaos {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String GROUP = "trimtab-autoscaler";

    private final ChaosOptions o;
    private final PrintStream out;
    private final Fleet fleet;
    private final List<Instance> instances = new ArrayList<>();
    private final List<Convergence.Fault> faults = new ArrayList<>();
    /** The topics the suite created: a restarted broker serves again once they all have leaders. */
    private List<String> topics = List.of();
    /** Scale write attempts and written decisions per API fault episode: attempts at start and at clear. */
    private final Map<Convergence.Fault, long[]> episodeAttempts = new LinkedHashMap<>();

    private BrokerProcess broker;
    private MockApi api;
    private long runStart;

    private Chaos(ChaosOptions o, PrintStream out) {
        this.o = o;
        this.out = out;
        this.fleet = new Fleet(o.workloads(), o.seed(), o.shortRun() ? 2 : 3);
    }

    public static void main(String... args) throws Exception {
        ChaosOptions o;
        try {
            o = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        int status;
        Chaos chaos = new Chaos(o, System.out);
        try {
            status = chaos.run();
        } finally {
            chaos.shutdown();
        }
        System.exit(status);
    }

    private int run() throws Exception {
        Files.createDirectories(o.out());
        runStart = System.currentTimeMillis();
        long tail = o.tail() != null ? o.tail().toMillis() : fleet.tailMillis();
        say(
                "chaos: seed %d, %d instances, %d workloads, %d events in %d s (%.0f/s) then a %d s steady tail; "
                        + "%d kills, %d broker restarts, %d API fault episodes (%s), %d API outages; out %s",
                o.seed(),
                o.instances(),
                o.workloads(),
                o.events(),
                o.load().toSeconds(),
                o.rate(),
                tail / 1000,
                o.kills(),
                o.brokerRestarts(),
                o.apiEpisodes(),
                o.faultsText(),
                o.apiOutages(),
                o.out());

        deleteTree(o.out().resolve("broker")); // a broker of an earlier run with this --out
        broker = new BrokerProcess(o.out().resolve("broker"), freePort(), freePort(), Map.of());
        broker.start();
        broker.awaitReady(Duration.ofSeconds(90));
        topics = LocalRun.createTopics(broker.bootstrap());
        say("broker %s (pid-separate process), topics %s", broker.bootstrap(), topics);

        api = MockApi.start(MockApi.crud(o.seed()));
        Map<String, String> props = Instance.properties(broker.bootstrap(), api.url());
        List<String> classData = classData(props);
        List<String> objectEvents = seed(api.directClient());
        say(
                "mock API %s, seeded %d Deployments and ScalingPolicies",
                api.url(), fleet.workloads().size());

        for (int i = 0; i < o.instances(); i++) {
            instances.add(new Instance(i, o.jar(), o.out(), props, classData));
        }
        for (Instance i : instances) {
            i.start();
        }
        for (Instance i : instances) {
            if (!i.awaitReady(Duration.ofSeconds(180))) {
                throw new IllegalStateException("instance " + i.number() + " did not become ready; see " + i.log());
            }
        }
        Thread.sleep(3000); // informers list the policies
        say("%d instances ready at +%.1f s", instances.size(), since(runStart));

        HealthWatch health = new HealthWatch(instances);
        health.start();
        Generator gen =
                new Generator(fleet, broker.bootstrap(), o.rate(), o.load().toMillis(), tail);
        Thread generator = new Thread(gen, "chaos-generator");
        generator.start();
        while (gen.startMillis() == 0) {
            Thread.sleep(5);
        }
        Progress progress = new Progress(gen);
        progress.start();
        runFaults(gen.startMillis());
        boolean caughtUp = finishTail(gen, tail);
        generator.join();
        say(
                "generator done: %d events sent, %d failed sends%s; the group's lag was at most %d records",
                gen.sentCount(),
                gen.failedSends(),
                gen.firstFailure() == null ? "" : " (first: " + gen.firstFailure() + ")",
                progress.maxLag());
        try (TopicReader reader = new TopicReader(broker.bootstrap())) {
            caughtUp &= reader.awaitNoLag(GROUP, "trimtab.metrics", Duration.ofSeconds(90));
        }
        progress.stop();
        Thread.sleep(2000);
        health.stop();
        instances.parallelStream().forEach(i -> {
            try {
                i.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        say(
                "consumer group %s %s; instances stopped at +%.1f s",
                GROUP, caughtUp ? "caught up (lag 0)" : "NOT caught up after 90 s", since(runStart));

        Map<String, Integer> actual = finalReplicas(api.directClient());
        return new Checks(
                        o,
                        out,
                        fleet,
                        broker.bootstrap(),
                        gen,
                        faults,
                        episodeAttempts,
                        health,
                        instances.size(),
                        api.dispatcher())
                .check(objectEvents, actual, caughtUp);
    }

    /**
     * The final demands must be in force for a whole tail *as the instances see them*: when they lag
     * behind, the tail is extended until they have caught up (lag at most 6 s of events) and then
     * lasts one more tail. False when they did not catch up within 10 minutes.
     */
    private boolean finishTail(Generator gen, long tail) throws InterruptedException {
        long loadEnd = gen.startMillis() + o.load().toMillis();
        Thread.sleep(Math.max(0, loadEnd - System.currentTimeMillis()));
        gen.endAt(Long.MAX_VALUE / 2); // the tail goes on until the instances have caught up
        long behind = Math.max(1000, (long) (o.rate() * 6));
        try (TopicReader reader = new TopicReader(broker.bootstrap())) {
            long giveUp = System.currentTimeMillis() + 600_000;
            while (System.currentTimeMillis() < giveUp) {
                long lag;
                try {
                    lag = reader.lag(GROUP, "trimtab.metrics");
                } catch (Exception e) {
                    lag = Long.MAX_VALUE;
                }
                if (lag <= behind) {
                    long caught = System.currentTimeMillis();
                    gen.endAt(Math.max(caught, loadEnd) + tail - gen.startMillis());
                    if (caught > loadEnd + 2000) {
                        say(
                                "the instances caught up with the load %.1f s after it ended: the tail runs %d s from now",
                                (caught - loadEnd) / 1000.0, tail / 1000);
                    }
                    return true;
                }
                Thread.sleep(1000);
            }
        }
        say("the instances did not catch up within 10 minutes of the end of the load: the tail ends now");
        gen.stop();
        return false;
    }

    /** Every 15 s: events sent and the group's lag. */
    private final class Progress implements Runnable {
        private final Generator gen;
        private volatile boolean stopped;
        private volatile long maxLag;
        private final Thread thread = new Thread(this, "chaos-progress");

        Progress(Generator gen) {
            this.gen = gen;
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        void stop() {
            stopped = true;
            thread.interrupt();
        }

        long maxLag() {
            return maxLag;
        }

        @Override
        public void run() {
            try (TopicReader reader = new TopicReader(broker.bootstrap())) {
                while (!stopped) {
                    Thread.sleep(15_000);
                    String lag;
                    try {
                        long l = reader.lag(GROUP, "trimtab.metrics");
                        maxLag = Math.max(maxLag, l);
                        lag = Long.toString(l);
                    } catch (Exception e) {
                        lag = "unknown (" + e.getClass().getSimpleName() + ")";
                    }
                    say("progress: %d events sent, lag of %s %s", gen.sentCount(), GROUP, lag);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Creates every Deployment and ScalingPolicy; returns them as ApiServerSource add events for the trace. */
    private List<String> seed(KubernetesClient client) {
        List<String> events = new ArrayList<>();
        List<String> policies = new ArrayList<>();
        String time = Instant.now().minusSeconds(1).toString();
        for (Fleet.Workload w : fleet.workloads()) {
            ObjectNode d = Fleet.deployment(JSON, w);
            Deployment created = client.apps()
                    .deployments()
                    .inNamespace(w.namespace())
                    .resource(JSON.convertValue(d, Deployment.class))
                    .create();
            events.add(Fleet.addEvent(JSON, JSON.valueToTree(created), "seed-d-" + w.index(), time));
            GenericKubernetesResource p = JSON.convertValue(Fleet.policy(JSON, w), GenericKubernetesResource.class);
            GenericKubernetesResource createdPolicy = client.genericKubernetesResources(LocalRun.POLICIES)
                    .inNamespace(w.namespace())
                    .resource(p)
                    .create();
            policies.add(Fleet.addEvent(JSON, JSON.valueToTree(createdPolicy), "seed-p-" + w.index(), time));
        }
        events.addAll(policies);
        return events;
    }

    /** Each Deployment's spec.replicas, read past the faults. */
    private Map<String, Integer> finalReplicas(KubernetesClient client) {
        Map<String, Integer> out = new HashMap<>();
        for (String ns : Fleet.NAMESPACES) {
            for (Deployment d :
                    client.apps().deployments().inNamespace(ns).list().getItems()) {
                out.put(ns + "/" + d.getMetadata().getName(), d.getSpec().getReplicas());
            }
        }
        return out;
    }

    private void runFaults(long start) throws Exception {
        FaultyDispatcher.Rates rates = rates();
        long lastClear = 0;
        List<FaultPlan.Step> plan = FaultPlan.plan(o, o.seed());
        long lastStart = start + o.load().toMillis() - FaultPlan.QUIET_END_MILLIS;
        try (TopicReader reader = new TopicReader(broker.bootstrap())) {
            for (int n = 0; n < plan.size(); n++) {
                FaultPlan.Step s = plan.get(n);
                // each fault gets room to converge before the next; none starts in the last seconds of the load
                long due = Math.max(start + s.atMillis(), lastClear + FaultPlan.MIN_GAP_MILLIS);
                long wait = due - System.currentTimeMillis();
                if (due <= lastStart && wait > 0) {
                    Thread.sleep(wait);
                }
                if (due > lastStart || (lastClear > 0 && !settled(reader, lastStart))) {
                    say(
                            "no time left for %d of the %d faults planned: they were not run",
                            plan.size() - n, plan.size());
                    break;
                }
                lastClear = runFault(s, start, rates);
            }
        }
    }

    /**
     * Whether the group has caught up with the load (lag within 3 s of events, at least 1,000
     * records) before {@code lastStart}, waiting at most {@link FaultPlan#MAX_SETTLE_MILLIS}; false
     * only when the load ends first. Past the wait the next fault starts anyway, and says so.
     */
    private boolean settled(TopicReader reader, long lastStart) throws InterruptedException {
        long behind = Math.max(1000, (long) (o.rate() * 3));
        long began = System.currentTimeMillis();
        long giveUp = began + FaultPlan.MAX_SETTLE_MILLIS;
        long lag = -1;
        while (System.currentTimeMillis() < Math.min(giveUp, lastStart)) {
            try {
                lag = reader.lag(GROUP, "trimtab.metrics");
                if (lag <= behind) {
                    return true;
                }
            } catch (Exception e) {
                lag = -1; // not answering yet: still settling
            }
            Thread.sleep(250);
        }
        if (System.currentTimeMillis() >= lastStart) {
            return false;
        }
        say(
                "the group's lag was still %d records %.0f s after the gap: the next fault starts anyway",
                lag, (System.currentTimeMillis() - began) / 1000.0);
        return true;
    }

    /** Runs one fault until it has cleared; returns when it cleared. */
    private long runFault(FaultPlan.Step s, long start, FaultyDispatcher.Rates rates) throws Exception {
        long t0 = System.currentTimeMillis();
        String detail;
        long attemptsBefore = api.dispatcher().scaleWriteAttempts();
        switch (s.kind()) {
            case KILL -> {
                Instance i = instances.get(s.instance());
                long pid = i.pid();
                i.kill();
                i.start();
                boolean ready = i.awaitReady(Duration.ofSeconds(180));
                detail = "instance " + i.number() + " (pid " + pid + ")" + (ready ? "" : " NOT READY after 180 s");
            }
            case BROKER_RESTART -> {
                long pid = broker.pid();
                broker.kill();
                broker.start();
                broker.awaitReady(Duration.ofSeconds(90));
                long answered = System.currentTimeMillis();
                broker.awaitServing(topics, "trimtab-autoscaler", Duration.ofSeconds(90));
                detail = String.format(
                        "broker (pid %d; answering after %.1f s, serving %.1f s later)",
                        pid, (answered - t0) / 1000.0, (System.currentTimeMillis() - answered) / 1000.0);
            }
            case API_FAULTS -> {
                api.dispatcher().rates(rates);
                Thread.sleep(o.apiEpisode().toMillis());
                api.dispatcher().rates(FaultyDispatcher.Rates.NONE);
                detail = o.faultsText() + " for " + o.apiEpisode().toSeconds() + " s";
            }
            case API_DOWN -> {
                api.dispatcher().down(true);
                Thread.sleep(o.apiOutage().toMillis());
                api.dispatcher().down(false);
                detail = "down for " + o.apiOutage().toSeconds() + " s";
            }
            default -> throw new IllegalStateException(s.kind().name());
        }
        Convergence.Fault f = new Convergence.Fault(s.kind(), detail, t0, System.currentTimeMillis());
        if (s.kind() == FaultPlan.Kind.API_FAULTS) {
            episodeAttempts.put(f, new long[] {attemptsBefore, api.dispatcher().scaleWriteAttempts()});
        }
        faults.add(f);
        say(
                "fault %-14s at +%6.1f s, cleared after %.1f s: %s",
                s.kind(), (t0 - start) / 1000.0, (f.clearMillis() - t0) / 1000.0, detail);
        return f.clearMillis();
    }

    private FaultyDispatcher.Rates rates() {
        Map<String, Double> r = o.apiFaults();
        return new FaultyDispatcher.Rates(
                r.get("conflict"),
                r.get("429"),
                1,
                r.get("5xx"),
                r.get("410"),
                r.get("slow"),
                Duration.ofMillis(1500),
                r.get("reset"));
    }

    private void shutdown() {
        for (Instance i : instances) {
            try {
                i.kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (api != null) {
            api.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    private void say(String format, Object... args) {
        out.printf(
                "[%6.1fs] " + format + "%n",
                prepend(since(runStart == 0 ? System.currentTimeMillis() : runStart), args));
        out.flush();
    }

    private static Object[] prepend(double first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static double since(long millis) {
        return (System.currentTimeMillis() - millis) / 1000.0;
    }

    /** Writes each record value of {@code topic} to one file per partition; returns the files in partition order. */
    static List<Path> dumpPartitions(
            TopicReader reader, String topic, Path dir, BiConsumer<String, ConsumerRecord<String, byte[]>> perRecord)
            throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        Map<Integer, BufferedWriter> writers = new HashMap<>();
        try {
            for (var tp : reader.partitions(topic)) {
                Path f = dir.resolve(topic + "-" + tp.partition() + ".jsonl");
                files.add(f);
                writers.put(tp.partition(), Files.newBufferedWriter(f, StandardCharsets.UTF_8));
            }
            reader.readAll(topic, r -> {
                try {
                    String v = new String(r.value(), StandardCharsets.UTF_8);
                    BufferedWriter w = writers.get(r.partition());
                    w.write(v.replace('\n', ' '));
                    w.write('\n');
                    if (perRecord != null) {
                        perRecord.accept(v, r);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } finally {
            for (BufferedWriter w : writers.values()) {
                w.close();
            }
        }
        return files;
    }

    /**
     * The instances start as the image starts them: with an AppCDS archive of the classes loaded until
     * ready (Dockerfile.jvm, appcds.sh). It is written here once by a training start against the
     * empty mock API, before the fleet is seeded, in a consumer group of its own and in dry-run mode,
     * so it neither decides nor takes partitions; stopped with SIGTERM, the JVM writes the archive.
     * Without an archive (the training failed) the instances start without one, as the image would.
     */
    private List<String> classData(Map<String, String> props) throws Exception {
        long t0 = System.nanoTime();
        Path archive = o.out().resolve("app-cds.jsa").toAbsolutePath();
        Files.deleteIfExists(archive);
        Map<String, String> training = new LinkedHashMap<>(props);
        training.put("mp.messaging.incoming.metrics.group.id", "chaos-class-data-training");
        training.put("trimtab.autoscaler.dry-run", "true");
        Instance trainer = new Instance(99, o.jar(), o.out(), training, List.of("-XX:ArchiveClassesAtExit=" + archive));
        trainer.start();
        boolean ready = trainer.awaitReady(Duration.ofSeconds(180));
        trainer.stop();
        if (!ready || !Files.isRegularFile(archive) || Files.size(archive) == 0) {
            say("no class-data archive (see %s): instances start without one", trainer.log());
            return List.of();
        }
        say(
                "class-data archive %s: %d MB in %.1f s",
                archive, Files.size(archive) >> 20, (System.nanoTime() - t0) / 1e9);
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto");
    }
}

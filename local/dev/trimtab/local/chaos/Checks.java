package dev.trimtab.local.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.autoscaler.replay.AuditedDecision;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * After a run: reads back what the topics hold, replays the same events, and checks the run against
 * the replay and the targets of docs/reliability.md; prints the details and the {@code RESULT} line
 * and returns the exit status (0: every target met).
 */
final class Checks {
    static final double MAX_CONVERGE_S = 5.0;
    static final double MAX_WRITES_PER_DECISION = 1.5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChaosOptions o;
    private final PrintStream out;
    private final Fleet fleet;
    private final String bootstrap;
    private final Generator gen;
    private final List<Convergence.Fault> faults;
    private final Map<Convergence.Fault, long[]> episodeAttempts;
    private final HealthWatch health;
    private final int instanceCount;
    private final FaultyDispatcher dispatcher;
    private final List<String> failures = new ArrayList<>();

    Checks(
            ChaosOptions o,
            PrintStream out,
            Fleet fleet,
            String bootstrap,
            Generator gen,
            List<Convergence.Fault> faults,
            Map<Convergence.Fault, long[]> episodeAttempts,
            HealthWatch health,
            int instanceCount,
            FaultyDispatcher dispatcher) {
        this.o = o;
        this.out = out;
        this.fleet = fleet;
        this.bootstrap = bootstrap;
        this.gen = gen;
        this.faults = faults;
        this.episodeAttempts = episodeAttempts;
        this.health = health;
        this.instanceCount = instanceCount;
        this.dispatcher = dispatcher;
    }

    int check(List<String> objectEvents, Map<String, Integer> actual, boolean caughtUp) throws Exception {
        Path topics = o.out().resolve("topics");
        Set<String> consumed = new HashSet<>();
        long[] topicDuplicates = {0};
        List<Path> metricFiles;
        List<Decision> decisions = new ArrayList<>();
        List<AuditedDecision> audited = new ArrayList<>();
        Set<String> deadLettered = new LinkedHashSet<>();
        Map<String, Integer> deadLetterReasons = new TreeMap<>();
        try (TopicReader reader = new TopicReader(bootstrap)) {
            metricFiles = Chaos.dumpPartitions(reader, "trimtab.metrics", topics, (v, r) -> {
                if (!consumed.add(idOf(v))) {
                    topicDuplicates[0]++;
                }
            });
            Chaos.dumpPartitions(reader, "trimtab.decisions", topics, (v, r) -> {
                try {
                    JsonNode event = JSON.readTree(v);
                    Decision d = Decision.of(event);
                    if (d != null) {
                        decisions.add(d);
                        audited.add(AuditedDecision.fromEvent(event));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            Chaos.dumpPartitions(reader, "trimtab.autoscaler.dead-letter", topics, (v, r) -> {
                deadLettered.add(idOf(v));
                var h = r.headers().lastHeader("dead-letter-reason");
                String reason = h == null ? "(no reason)" : new String(h.value(), StandardCharsets.UTF_8);
                deadLetterReasons.merge(
                        reason.length() > 160 ? reason.substring(0, 160) + "…" : reason, 1, Integer::sum);
            });
        }
        decisions.sort(Comparator.comparingLong(Decision::timeMillis));
        Map<String, List<Decision>> byWorkload = new HashMap<>();
        for (Decision d : decisions) {
            byWorkload.computeIfAbsent(d.workload(), k -> new ArrayList<>()).add(d);
        }
        long written = decisions.stream().filter(Decision::written).count();
        say(
                "read back: %d metric records (%d ids twice in the topic), %d decisions (%d written), %d dead-lettered",
                consumed.size() + topicDuplicates[0],
                topicDuplicates[0],
                decisions.size(),
                written,
                deadLettered.size());
        deadLetterReasons.forEach((reason, n) -> say("  dead-lettered %d× : %s", n, reason));
        if (!caughtUp) {
            failures.add("the consumer group did not catch up");
        }

        Path trace = o.out().resolve("trace.jsonl");
        long traced = Oracle.writeTrace(trace, objectEvents, metricFiles);
        long t0 = System.currentTimeMillis();
        Oracle.Replayed replayed = Oracle.replay(trace);
        say(
                "replay of %s (%d metric events): %d decisions, %d rescales, %d lines rejected, in %.1f s",
                trace, traced, replayed.decisions(), replayed.rescales(), replayed.rejectedLines(), Chaos.since(t0));
        if (replayed.rejectedLines() > 0) {
            failures.add(replayed.rejectedLines() + " trace lines rejected by the replay");
        }

        Audit audit = Audit.run(
                audited, consumed, deadLettered, actual, replayed.finalReplicas(), fleet, o.requireInputs(), out);
        audited.clear();

        List<Convergence.Result> converged =
                Convergence.measure(faults, fleet.workloads(), byWorkload, gen::lastSeqAtOrBefore);
        double maxConverge = 0;
        for (Convergence.Result r : converged) {
            say(
                    "  converge after %-14s %-40s %s (from its start %s; slowest %s)",
                    r.fault().kind(),
                    r.fault().detail(),
                    seconds(r.convergeMillis()),
                    seconds(r.fromStartMillis()),
                    r.slowest());
            maxConverge = r.convergeMillis() < 0
                    ? Double.POSITIVE_INFINITY
                    : Math.max(maxConverge, r.convergeMillis() / 1000.0);
        }
        if (maxConverge > MAX_CONVERGE_S) {
            failures.add(
                    "convergence took " + maxConverge + " s after a fault cleared, target " + MAX_CONVERGE_S + " s");
        }

        long attempts = dispatcher.scaleWriteAttempts();
        double writesPerDecision = written == 0 ? 0 : (double) attempts / written;
        say(
                "scale writes: %d attempts, %d reached the store, %d decisions written: %.2f attempts per written decision; "
                        + "faults injected %s",
                attempts, dispatcher.scaleWrites(), written, writesPerDecision, dispatcher.injected());
        for (Map.Entry<Convergence.Fault, long[]> e : episodeAttempts.entrySet()) {
            Convergence.Fault f = e.getKey();
            long w = decisions.stream()
                    .filter(d -> d.written() && d.timeMillis() >= f.startMillis() && d.timeMillis() <= f.clearMillis())
                    .count();
            long a = e.getValue()[1] - e.getValue()[0];
            say(
                    "  during the API fault episode %s: %d attempts for %d written decisions (%.2f)",
                    f.detail(), a, w, w == 0 ? 0.0 : (double) a / w);
        }
        if (writesPerDecision > MAX_WRITES_PER_DECISION) {
            failures.add(String.format(
                    "%.2f scale write attempts per written decision, target %.1f",
                    writesPerDecision, MAX_WRITES_PER_DECISION));
        }

        healthChecks();

        long kills =
                faults.stream().filter(f -> f.kind() == FaultPlan.Kind.KILL).count();
        long restarts = faults.stream()
                .filter(f -> f.kind() == FaultPlan.Kind.BROKER_RESTART)
                .count();
        long apiFaults = faults.stream()
                .filter(f -> f.kind() == FaultPlan.Kind.API_FAULTS || f.kind() == FaultPlan.Kind.API_DOWN)
                .count();
        failures.addAll(audit.failures());
        String result = audit.resultLine(
                kills, restarts, apiFaults, Double.isInfinite(maxConverge) ? -1 : maxConverge, attempts);
        out.println(result);
        Files.writeString(o.out().resolve("RESULT"), result + "\n");
        for (String f : failures) {
            out.println("MISSED: " + f);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    /** Readiness must go DOWN while the broker or the API is away and come back UP; liveness should stay UP. */
    private void healthChecks() {
        for (Convergence.Fault f : faults) {
            if (f.kind() != FaultPlan.Kind.BROKER_RESTART && f.kind() != FaultPlan.Kind.API_DOWN) {
                continue;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < instanceCount; i++) {
                if (killedNear(i, f)) {
                    sb.append(" | instance ").append(i).append(" killed meanwhile");
                    continue;
                }
                HealthWatch.Episode ready = health.episode(i, "ready", f.startMillis(), f.clearMillis(), 3000);
                HealthWatch.Episode live = health.episode(i, "live", f.startMillis(), f.clearMillis(), 3000);
                sb.append(String.format(
                        " | instance %d ready %s %s, live %s",
                        i,
                        ready.downAt() < 0
                                ? "never DOWN"
                                : String.format("DOWN %+.1fs", (ready.downAt() - f.startMillis()) / 1000.0),
                        ready.upAt() < 0
                                ? "never UP again"
                                : String.format("UP %+.1fs after return", (ready.upAt() - f.clearMillis()) / 1000.0),
                        live.downAt() < 0
                                ? "stayed UP"
                                : "left UP " + String.format("%+.1fs", (live.downAt() - f.startMillis()) / 1000.0)));
                if (ready.downAt() < 0) {
                    failures.add("instance " + i + " stayed ready while " + f.kind() + " " + f.detail());
                }
                if (ready.downAt() >= 0 && ready.upAt() < 0) {
                    failures.add("instance " + i + " never ready again after " + f.kind() + " " + f.detail());
                }
            }
            say(
                    "  health during %s (%s, %.1f s)%s",
                    f.kind(), f.detail(), (f.clearMillis() - f.startMillis()) / 1000.0, sb);
        }
    }

    /** Whether instance {@code i} was killed while {@code f} was in force or in the 3 s after. */
    private boolean killedNear(int i, Convergence.Fault f) {
        return faults.stream()
                .anyMatch(k -> k.kind() == FaultPlan.Kind.KILL
                        && k.detail().startsWith("instance " + i + " ")
                        && k.startMillis() <= f.clearMillis() + 3000
                        && k.clearMillis() >= f.startMillis());
    }

    private static String seconds(long millis) {
        return millis < 0 ? "NEVER" : String.format("%.1f s", millis / 1000.0);
    }

    /** The {@code id} attribute of a structured CloudEvent, found without parsing the rest. */
    static String idOf(String json) {
        int i = json.indexOf("\"id\":\"");
        if (i < 0) {
            return "";
        }
        return json.substring(i + 6, json.indexOf('"', i + 6));
    }

    private void say(String format, Object... args) {
        out.printf(format + "%n", args);
        out.flush();
    }
}

package dev.trimtab.autoscaler.replay;

import dev.trimtab.autoscaler.core.Behavior;
import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.ReplicaNormalizer;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.ScalingRules;
import dev.trimtab.autoscaler.core.Settings;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The oracle of the fault suite: checks the decisions of a run (all instances' decision events,
 * merged by time) against what a fault-free autoscaler guarantees. Pure: no I/O, no clock.
 *
 * <ul>
 * <li><b>lost</b>: consumed metric event ids in no decision's {@code inputs}, not dead-lettered
 *     and not skipped with a reason, less the ids decisions folded but did not list
 *     ({@code inputsDropped}: those cannot be named, so they can only excuse a loss).</li>
 * <li><b>redeliveries</b>: an id in the inputs of several decisions of the same policy (counted,
 *     not an error: at-least-once delivery after a kill).</li>
 * <li><b>duplicated writes</b>: a written decision whose inputs (at least one) were all in earlier
 *     written decisions of the same policy, each of which wrote the same replicas.</li>
 * <li><b>window violations</b>: a written scale-down to r at t with r &lt; current and r &lt; the
 *     largest recommendation of the policy's decisions in (t - downWindow, t], itself included; a
 *     written scale-up with r &gt; current and r &gt; the smallest in (t - upWindow, t].</li>
 * <li><b>rate-limit violations</b>: a written scale beyond what the behavior's policies allow from
 *     the replicas at the start of each period (the policy's earlier written decisions are its
 *     scale events), with the core's own {@link ReplicaNormalizer#scaleUpLimit} and
 *     {@link ReplicaNormalizer#scaleDownLimit}; without behavior, the legacy max(2 x current, 4).</li>
 * <li><b>final mismatch</b>: workloads whose final replicas differ from the replay's (or exist
 *     in only one of the two).</li>
 * </ul>
 * Limits: a window check may flag a legitimate scale-down to a lowered maxReplicas (the
 * recommendation is not clamped); decisions at the same millisecond keep the order given.
 */
public final class DecisionAudit {
    /** Examples kept per kind of finding. */
    public static final int EXAMPLES = 5;

    public enum Kind {
        Lost,
        Redelivery,
        DuplicatedWrite,
        WindowShortened,
        RateLimitExceeded,
        FinalMismatch
    }

    /** One finding, with enough to look it up. */
    public record Violation(Kind kind, String workload, long timeMillis, String detail) {
        @Override
        public String toString() {
            return kind + " " + workload + (timeMillis >= 0 ? " at " + Instant.ofEpochMilli(timeMillis) : "") + ": "
                    + detail;
        }
    }

    /**
     * What a run produced.
     *
     * @param decisions    every decision event of every instance
     * @param behaviors    per policy ({@code namespace/name}) its behavior; a null value: the spec has
     *                     none (legacy rules); a policy absent: the HPA's defaults
     * @param consumed     ids of every metric event consumed
     * @param deadLettered ids of the metric events sent to the dead-letter topic
     * @param skipped      ids of metric events skipped, each with its reason
     * @param finalReplicas       per workload ({@code Kind/namespace/name}) its replicas at the end
     * @param replayFinalReplicas per workload the replay's final desired replicas
     */
    public record Input(
            List<AuditedDecision> decisions,
            Map<String, Behavior> behaviors,
            Collection<String> consumed,
            Collection<String> deadLettered,
            Map<String, String> skipped,
            Map<String, Integer> finalReplicas,
            Map<String, Integer> replayFinalReplicas) {}

    /** The counts of one audit; {@link #clean()} when nothing is wrong. */
    public record Report(
            long events,
            long decisions,
            long written,
            long lost,
            long droppedInputs,
            long redeliveries,
            long unknownInputs,
            long deadLettered,
            Map<String, Long> skippedByReason,
            long duplicatedWrites,
            long windowViolations,
            long rateLimitViolations,
            long finalMismatch,
            List<Violation> examples) {
        public boolean clean() {
            return lost == 0
                    && duplicatedWrites == 0
                    && windowViolations == 0
                    && rateLimitViolations == 0
                    && finalMismatch == 0;
        }

        /**
         * The suite's RESULT line; {@code writes_per_decision} is {@code figures.scaleWrites()} over
         * the written decisions. Two fields follow the spec's: rate_limit_violations, redeliveries.
         */
        public String resultLine(RunFigures figures) {
            double perDecision = written == 0 ? 0 : (double) figures.scaleWrites() / written;
            return String.format(
                    Locale.ROOT,
                    "RESULT events=%d kills=%d broker_restarts=%d api_faults=%d lost=%d "
                            + "duplicated_writes=%d window_violations=%d final_mismatch=%d max_converge_s=%.1f "
                            + "writes_per_decision=%.2f rate_limit_violations=%d redeliveries=%d",
                    events,
                    figures.kills(),
                    figures.brokerRestarts(),
                    figures.apiFaults(),
                    lost,
                    duplicatedWrites,
                    windowViolations,
                    finalMismatch,
                    figures.maxConvergeSeconds(),
                    perDecision,
                    rateLimitViolations,
                    redeliveries);
        }
    }

    /** The figures of a run that the audit does not see; {@code scaleWrites}: the writes to count per decision. */
    public record RunFigures(
            long kills, long brokerRestarts, long apiFaults, double maxConvergeSeconds, long scaleWrites) {}

    private DecisionAudit() {}

    /** Per policy {@code namespace/name}, its behavior (null for a spec without one), for {@link Input#behaviors()}. */
    public static Map<String, Behavior> behaviors(Collection<ScalingPolicy> policies) {
        Map<String, Behavior> out = new HashMap<>();
        for (ScalingPolicy p : policies) {
            out.put(p.ref().namespace() + "/" + p.ref().name(), p.spec().behavior());
        }
        return out;
    }

    public static Report audit(Input in) {
        List<AuditedDecision> merged = new ArrayList<>(in.decisions());
        merged.sort(Comparator.comparingLong(AuditedDecision::timeMillis)); // stable: ties keep their order
        Findings f = new Findings();
        Map<String, List<AuditedDecision>> byPolicy = new LinkedHashMap<>();
        for (AuditedDecision d : merged) {
            byPolicy.computeIfAbsent(d.policy(), k -> new ArrayList<>()).add(d);
        }
        long[] accounting = account(in, merged, byPolicy, f);
        long written = 0;
        for (Map.Entry<String, List<AuditedDecision>> e : byPolicy.entrySet()) {
            Behavior b = in.behaviors().containsKey(e.getKey()) ? in.behaviors().get(e.getKey()) : Behavior.defaults();
            written += new PolicyCheck(b, f).run(e.getValue());
        }
        long mismatch = finalMismatch(in.finalReplicas(), in.replayFinalReplicas(), f);
        Map<String, Long> skipped = new TreeMap<>();
        in.skipped().values().forEach(r -> skipped.merge(r, 1L, Long::sum));
        return new Report(
                new HashSet<>(in.consumed()).size(),
                merged.size(),
                written,
                accounting[0],
                accounting[1],
                accounting[2],
                accounting[3],
                new HashSet<>(in.deadLettered()).size(),
                skipped,
                f.count(Kind.DuplicatedWrite),
                f.count(Kind.WindowShortened),
                f.count(Kind.RateLimitExceeded),
                mismatch,
                f.examples);
    }

    /** Returns {lost, dropped, redeliveries, unknown inputs}. */
    private static long[] account(
            Input in, List<AuditedDecision> merged, Map<String, List<AuditedDecision>> byPolicy, Findings f) {
        Set<String> consumed = new LinkedHashSet<>(in.consumed());
        Set<String> accounted = new HashSet<>(in.deadLettered());
        accounted.addAll(in.skipped().keySet());
        long dropped = 0;
        Set<String> unknown = new HashSet<>();
        for (AuditedDecision d : merged) {
            accounted.addAll(d.inputs());
            dropped += d.inputsDropped();
            for (String id : d.inputs()) {
                if (!consumed.contains(id)) {
                    unknown.add(id);
                }
            }
        }
        List<String> unaccounted = new ArrayList<>();
        for (String id : consumed) {
            if (!accounted.contains(id)) {
                unaccounted.add(id);
            }
        }
        long lost = Math.max(0, unaccounted.size() - dropped);
        if (lost > 0) {
            for (String id : unaccounted.subList(0, (int) Math.min(EXAMPLES, unaccounted.size()))) {
                f.add(
                        Kind.Lost,
                        "-",
                        -1,
                        "metric event " + id + " is in no decision, not dead-lettered, not skipped"
                                + (dropped > 0
                                        ? " (" + unaccounted.size() + " unaccounted, " + dropped + " unlisted inputs)"
                                        : ""));
            }
        }
        long redeliveries = 0;
        for (List<AuditedDecision> decisions : byPolicy.values()) {
            Map<String, AuditedDecision> first = new HashMap<>();
            for (AuditedDecision d : decisions) {
                for (String id : new LinkedHashSet<>(d.inputs())) {
                    AuditedDecision earlier = first.putIfAbsent(id, d);
                    if (earlier != null) {
                        redeliveries++;
                        f.add(
                                Kind.Redelivery,
                                d.workload(),
                                d.timeMillis(),
                                "metric event " + id + " in decision " + d.id() + " and earlier in " + earlier.id());
                    }
                }
            }
        }
        return new long[] {lost, dropped, redeliveries, unknown.size()};
    }

    private static long finalMismatch(Map<String, Integer> actual, Map<String, Integer> replay, Findings f) {
        long mismatch = 0;
        Set<String> workloads = new TreeSet<>(actual.keySet());
        workloads.addAll(replay.keySet());
        for (String w : workloads) {
            if (!Objects.equals(actual.get(w), replay.get(w))) {
                mismatch++;
                f.add(Kind.FinalMismatch, w, -1, "final replicas " + actual.get(w) + ", the replay's " + replay.get(w));
            }
        }
        return mismatch;
    }

    /** Counts per kind and the first few examples of each. */
    private static final class Findings {
        final Map<Kind, Long> counts = new HashMap<>();
        final List<Violation> examples = new ArrayList<>();

        void add(Kind kind, String workload, long time, String detail) {
            long n = counts.merge(kind, 1L, Long::sum);
            if (n <= EXAMPLES) {
                examples.add(new Violation(kind, workload, time, detail));
            }
        }

        long count(Kind kind) {
            return counts.getOrDefault(kind, 0L);
        }
    }

    /** The window, rate-limit and duplicate checks over one policy's decisions in time order. */
    private static final class PolicyCheck {
        private static final long LEGACY_DOWN_WINDOW_MILLIS =
                Settings.defaults().downscaleStabilization().toMillis();
        private final Behavior behavior;
        private final Findings f;
        private final List<AuditedDecision> recommended = new ArrayList<>();
        private final List<History.ScaleEvent> ups = new ArrayList<>();
        private final List<History.ScaleEvent> downs = new ArrayList<>();
        private final Map<String, Integer> writtenInputs = new HashMap<>();

        PolicyCheck(Behavior behavior, Findings f) {
            this.behavior = behavior;
            this.f = f;
        }

        /** Returns how many decisions were written. */
        long run(List<AuditedDecision> decisions) {
            long written = 0;
            for (AuditedDecision d : decisions) {
                if (d.recommendation() >= 0) {
                    recommended.add(d);
                }
                if (!d.written()) {
                    continue;
                }
                written++;
                duplicate(d);
                window(d);
                rate(d);
                int change = d.desiredReplicas() - d.currentReplicas();
                if (change != 0) {
                    (change > 0 ? ups : downs).add(new History.ScaleEvent(Math.abs(change), d.timeMillis(), false));
                }
            }
            return written;
        }

        private void duplicate(AuditedDecision d) {
            boolean again = !d.inputs().isEmpty();
            for (String id : d.inputs()) {
                Integer before = writtenInputs.get(id);
                again &= before != null && before == d.desiredReplicas();
            }
            if (again) {
                f.add(
                        Kind.DuplicatedWrite,
                        d.workload(),
                        d.timeMillis(),
                        "decision " + d.id() + " wrote " + d.desiredReplicas() + " again for inputs already written "
                                + d.inputs());
            }
            for (String id : d.inputs()) {
                writtenInputs.put(id, d.desiredReplicas());
            }
        }

        private void window(AuditedDecision d) {
            int r = d.desiredReplicas();
            int c = d.currentReplicas();
            if (r == c) {
                return;
            }
            boolean down = r < c;
            long windowMillis = behavior == null
                    ? (down ? LEGACY_DOWN_WINDOW_MILLIS : 0)
                    : 1000L * (down ? behavior.scaleDown() : behavior.scaleUp()).stabilizationWindowSeconds();
            long cutoff = d.timeMillis() - windowMillis;
            int bound = d.recommendation() >= 0 ? d.recommendation() : r;
            String from = d.id();
            for (int i = recommended.size() - 1; i >= 0 && recommended.get(i).timeMillis() > cutoff; i--) {
                AuditedDecision e = recommended.get(i);
                if (down ? e.recommendation() > bound : e.recommendation() < bound) {
                    bound = e.recommendation();
                    from = e.id();
                }
            }
            if (down ? r < bound : r > bound) {
                f.add(
                        Kind.WindowShortened,
                        d.workload(),
                        d.timeMillis(),
                        "decision " + d.id() + " scaled "
                                + (down ? "down" : "up") + " " + c + " -> " + r + " while decision " + from
                                + " within the "
                                + windowMillis / 1000 + " s window recommended " + bound);
            }
        }

        private void rate(AuditedDecision d) {
            int r = d.desiredReplicas();
            int c = d.currentReplicas();
            long now = d.timeMillis();
            prune(now);
            int limit;
            if (r > c) {
                limit = behavior == null
                        ? Math.max(2 * c, 4)
                        : Math.max(c, ReplicaNormalizer.scaleUpLimit(c, ups, downs, behavior.scaleUp(), now));
                if (r <= limit) {
                    return;
                }
            } else if (r < c && behavior != null) {
                limit = Math.min(c, ReplicaNormalizer.scaleDownLimit(c, ups, downs, behavior.scaleDown(), now));
                if (r >= limit) {
                    return;
                }
            } else {
                return;
            }
            f.add(
                    Kind.RateLimitExceeded,
                    d.workload(),
                    now,
                    "decision " + d.id() + " scaled " + c + " -> " + r
                            + " beyond the limit " + limit + " ("
                            + (r > c ? "up " + ups.size() : "down " + downs.size())
                            + " recent scale events)");
        }

        /** Drops scale events older than every period (they no longer count). */
        private void prune(long now) {
            if (behavior == null) {
                return;
            }
            long longest = 0;
            for (ScalingRules rules : List.of(behavior.scaleUp(), behavior.scaleDown())) {
                for (ScalingRules.Policy p : rules.policies()) {
                    longest = Math.max(longest, p.periodSeconds() * 1000L);
                }
            }
            long cutoff = now - longest;
            ups.removeIf(e -> e.timestampMillis() <= cutoff);
            downs.removeIf(e -> e.timestampMillis() <= cutoff);
        }
    }
}

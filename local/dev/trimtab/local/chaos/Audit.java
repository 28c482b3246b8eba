package dev.trimtab.local.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.events.ScalingPolicyParser;
import dev.trimtab.autoscaler.replay.AuditedDecision;
import dev.trimtab.autoscaler.replay.DecisionAudit;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Hands what a run left to {@link DecisionAudit} (the oracle checks: accounting, duplicated
 * writes, windows and rate limits decision by decision, final replicas against the replay) and
 * turns its report into the run's failures and RESULT line. When no decision carries
 * {@code data.inputs}, accounting is impossible: the line says {@code lost=n/a} and the run
 * says "inputs not logged" instead of counting every event lost.
 */
final class Audit {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DecisionAudit.Report report;
    private final boolean inputsLogged;
    private final List<String> failures = new ArrayList<>();

    private Audit(DecisionAudit.Report report, boolean inputsLogged) {
        this.report = report;
        this.inputsLogged = inputsLogged;
    }

    /**
     * @param actual   final replicas per workload key ({@code namespace/name}), read from the mock store
     * @param replayed the replay's final replicas per workload key
     */
    static Audit run(
            List<AuditedDecision> decisions,
            Collection<String> consumed,
            Collection<String> deadLettered,
            Map<String, Integer> actual,
            Map<String, Integer> replayed,
            Fleet fleet,
            boolean requireInputs,
            PrintStream out) {
        List<ScalingPolicy> policies = new ArrayList<>();
        for (Fleet.Workload w : fleet.workloads()) {
            policies.add(ScalingPolicyParser.parse(Fleet.policy(JSON, w)));
        }
        Map<String, Integer> live = new HashMap<>();
        Map<String, Integer> replay = new HashMap<>();
        for (Fleet.Workload w : fleet.workloads()) {
            live.put("Deployment/" + w.key(), actual.get(w.key()));
            replay.put("Deployment/" + w.key(), replayed.get(w.key()));
        }
        boolean inputsLogged = decisions.stream().anyMatch(d -> !d.inputs().isEmpty() || d.inputsDropped() > 0);
        DecisionAudit.Report r = DecisionAudit.audit(new DecisionAudit.Input(
                decisions, DecisionAudit.behaviors(policies), consumed, deadLettered, Map.of(), live, replay));
        Audit audit = new Audit(r, inputsLogged);
        out.printf(
                "audit: %d events, %d decisions (%d written); %s; %d dead-lettered, %d redeliveries, %d duplicated "
                        + "writes, %d window violations, %d rate-limit violations, %d final mismatches%n",
                r.events(),
                r.decisions(),
                r.written(),
                inputsLogged
                        ? r.lost() + " lost (" + r.droppedInputs() + " unlisted inputs, " + r.unknownInputs()
                                + " inputs not consumed)"
                        : "inputs not logged (the decision log has no data.inputs): " + "lost cannot be counted",
                r.deadLettered(),
                r.redeliveries(),
                r.duplicatedWrites(),
                r.windowViolations(),
                r.rateLimitViolations(),
                r.finalMismatch());
        for (DecisionAudit.Violation v : r.examples()) {
            if (v.kind() != DecisionAudit.Kind.Redelivery && (inputsLogged || v.kind() != DecisionAudit.Kind.Lost)) {
                out.println("  " + v);
            }
        }
        if (!inputsLogged && requireInputs) {
            audit.failures.add("no decision carries data.inputs (--require-inputs): events cannot be accounted for");
        }
        if (inputsLogged && r.lost() > 0) {
            audit.failures.add(r.lost() + " consumed metric events are in no decision and were not dead-lettered");
        }
        if (r.duplicatedWrites() > 0) {
            audit.failures.add(r.duplicatedWrites() + " duplicated writes");
        }
        if (r.windowViolations() > 0 || r.rateLimitViolations() > 0) {
            audit.failures.add(
                    r.windowViolations() + " window violations, " + r.rateLimitViolations() + " rate-limit violations");
        }
        if (r.finalMismatch() > 0) {
            audit.failures.add(r.finalMismatch() + " workloads end with other replicas than the replay's");
        }
        return audit;
    }

    List<String> failures() {
        return failures;
    }

    /** The RESULT line; {@code lost=n/a} when the inputs were not logged. */
    String resultLine(long kills, long restarts, long apiFaults, double maxConverge, long scaleWriteAttempts) {
        String line = report.resultLine(
                new DecisionAudit.RunFigures(kills, restarts, apiFaults, maxConverge, scaleWriteAttempts));
        return inputsLogged ? line : line.replaceFirst(" lost=\\d+ ", " lost=n/a ");
    }
}

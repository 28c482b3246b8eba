package dev.trimtab.local.chaos;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The oracle checks of a run (DecisionAudit) over what was read back; interim: final replicas only. */
final class Audit {
    private final List<String> failures = new ArrayList<>();
    private final int mismatches;

    private Audit(int mismatches) {
        this.mismatches = mismatches;
    }

    static Audit run(Path outDir, List<Decision> decisions, Path topics, Set<String> consumed, Set<String> deadLettered,
                     Map<String, Integer> actual, Map<String, Integer> replayed, Fleet fleet, boolean inputsLogged,
                     PrintStream out) {
        int mismatches = 0;
        for (Fleet.Workload w : fleet.workloads()) {
            Integer a = actual.get(w.key());
            Integer r = replayed.get(w.key());
            if (a == null || !a.equals(r)) {
                if (mismatches++ < 10) {
                    out.printf("  final mismatch %s: live %s, replay %s (final demand %d)%n", w.key(), a, r, w.finalDemand());
                }
            }
        }
        Audit audit = new Audit(mismatches);
        if (mismatches > 0) {
            audit.failures.add(mismatches + " workloads end with other replicas than the replay's");
        }
        return audit;
    }

    List<String> failures() {
        return failures;
    }

    String resultLine(long events, long kills, long restarts, long apiFaults, double maxConverge, double writesPerDecision) {
        return String.format("RESULT events=%d kills=%d broker_restarts=%d api_faults=%d lost=n/a duplicated_writes=n/a "
                        + "window_violations=n/a final_mismatch=%d max_converge_s=%.1f writes_per_decision=%.2f",
                events, kills, restarts, apiFaults, mismatches, maxConverge, writesPerDecision);
    }
}

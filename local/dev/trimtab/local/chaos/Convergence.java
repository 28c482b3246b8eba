package dev.trimtab.local.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Time to converge after a fault clears: for every workload, the metric events sent up to the
 * moment the fault cleared must have been decided on and the decision carried out (a hold, or a
 * rescale written). A workload has converged at the first such decision whose newest known input
 * ({@link Decision#newestSeq}) is at least the last event sent before the clear; the fault's
 * figure is the slowest workload's. Without {@code data.inputs} only the trigger's sequence number
 * is known, so the figure may be late by one batch (an upper bound).
 */
final class Convergence {
    /** A fault as it happened: started, and cleared (the environment whole again). */
    record Fault(FaultPlan.Kind kind, String detail, long startMillis, long clearMillis) {}

    /**
     * @param convergeMillis from the clear to the slowest workload's convergence; -1 when some workload never converged
     * @param fromStartMillis the same from the start of the fault
     */
    record Result(Fault fault, long convergeMillis, long fromStartMillis, String slowest) {}

    /** The last metric sequence number sent for a workload at or before an instant. */
    interface Sent {
        long lastSeqAtOrBefore(int workload, long atMillis);
    }

    private Convergence() {}

    /** {@code decisions}: per workload key, in time order. */
    static List<Result> measure(
            List<Fault> faults, List<Fleet.Workload> workloads, Map<String, List<Decision>> decisions, Sent sent) {
        List<Result> out = new ArrayList<>();
        for (Fault f : faults) {
            long worst = 0;
            String slowest = "";
            for (Fleet.Workload w : workloads) {
                long seq = sent.lastSeqAtOrBefore(w.index(), f.clearMillis());
                if (seq < 0) {
                    continue;
                }
                long at = -1;
                for (Decision d : decisions.getOrDefault(w.key(), List.of())) {
                    if (d.settled() && d.newestSeq() >= seq) {
                        at = d.timeMillis();
                        break;
                    }
                }
                long took = at < 0 ? Long.MAX_VALUE : Math.max(0, at - f.clearMillis());
                if (took > worst || slowest.isEmpty()) {
                    worst = took;
                    slowest = w.key();
                }
            }
            out.add(new Result(
                    f,
                    worst == Long.MAX_VALUE ? -1 : worst,
                    worst == Long.MAX_VALUE ? -1 : worst + f.clearMillis() - f.startMillis(),
                    slowest));
        }
        return out;
    }
}

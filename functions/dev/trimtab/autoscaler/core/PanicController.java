package dev.trimtab.autoscaler.core;

import java.util.Iterator;
import java.util.List;

/**
 * Knative KPA's stable and panic modes over the metrics' demand (the un-rounded pod count each
 * metric asks for). Demand is averaged over the stable window and over the panic window; the
 * workload panics when panic-window demand per ready pod reaches the panic threshold, and while
 * it panics it never scales down. Panic ends once demand stays below the threshold for a whole
 * stable window.
 */
final class PanicController {

    record Result(int replicas, boolean panicking, String message) {}

    private PanicController() {}

    static Result decide(History h, ScalingSpec.PanicMode p, List<MetricResult> metrics, int proposal,
                         ScaleTarget target, ClusterState state, long now) {
        double demand = Double.NaN;
        for (MetricResult r : metrics) {
            if (!r.failed() && !Double.isNaN(r.demand())) {
                demand = Double.isNaN(demand) ? r.demand() : Math.max(demand, r.demand());
            }
        }
        if (Double.isNaN(demand)) {
            demand = proposal;
        }
        long stableMillis = p.stableWindowSeconds() * 1000L;
        h.demand.add(new History.DemandPoint(now, demand));
        for (Iterator<History.DemandPoint> it = h.demand.iterator(); it.hasNext(); ) {
            if (it.next().timestampMillis() <= now - stableMillis) {
                it.remove();
            }
        }
        double stable = average(h.demand, now - stableMillis);
        double panic = average(h.demand, now - p.panicWindowMillis());

        int ready = 0;
        for (Pod pod : state.podsOf(target)) {
            if (pod.runningAndReady()) {
                ready++;
            }
        }
        double readyPods = Math.max(1, ready);
        double maxUp = Math.ceil(p.maxScaleUpRate() * readyPods);
        double maxDown = Math.floor(readyPods / p.maxScaleDownRate());
        int desiredStable = (int) Math.min(Math.max(Math.ceil(stable), maxDown), maxUp);
        int desiredPanic = (int) Math.min(Math.max(Math.ceil(panic), maxDown), maxUp);

        boolean over = panic / readyPods >= p.panicThresholdPercentage() / 100.0;
        if (h.panicStartMillis < 0 && over) {
            h.panicStartMillis = now;
        } else if (h.panicStartMillis >= 0 && !over && h.panicStartMillis + stableMillis <= now) {
            h.panicStartMillis = -1;
            h.maxPanicPods = 0;
        }
        String windows = String.format(java.util.Locale.ROOT,
                "stable demand %.3f pods, panic demand %.3f pods over %d ready", stable, panic, ready);
        if (h.panicStartMillis < 0) {
            return new Result(desiredStable, false, "stable mode: " + windows);
        }
        int desired = Math.max(desiredStable, desiredPanic);
        if (desired > h.maxPanicPods) {
            h.maxPanicPods = desired;
        }
        return new Result(h.maxPanicPods, true, "panic mode since " + java.time.Instant.ofEpochMilli(h.panicStartMillis)
                + ": " + windows + "; never scaling down while panicking");
    }

    private static double average(List<History.DemandPoint> points, long after) {
        double sum = 0;
        int n = 0;
        for (History.DemandPoint d : points) {
            if (d.timestampMillis() > after) {
                sum += d.demand();
                n++;
            }
        }
        return n == 0 ? 0 : sum / n;
    }
}

package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the autoscaler remembers about one workload between evaluations: the recommendations
 * inside the stabilization windows, the recent scale events the rate policies count, per-metric
 * failure streaks (fallback), activity (scale to zero) and panic-mode windows. This is the state
 * that must follow a workload when another instance takes it over.
 */
public final class History {

    /** A recommendation the stabilization windows look back on. */
    public record Recommendation(int replicas, long timestampMillis) {}

    /** A rescale that the rate policies count; outdated slots are reused like the HPA does. */
    public static final class ScaleEvent {
        int replicaChange;
        long timestampMillis;
        boolean outdated;

        public ScaleEvent(int replicaChange, long timestampMillis, boolean outdated) {
            this.replicaChange = replicaChange;
            this.timestampMillis = timestampMillis;
            this.outdated = outdated;
        }

        public int replicaChange() {
            return replicaChange;
        }

        public long timestampMillis() {
            return timestampMillis;
        }

        public boolean outdated() {
            return outdated;
        }
    }

    /** A demand observation for the panic-mode windows. */
    public record DemandPoint(long timestampMillis, double demand) {}

    final List<Recommendation> recommendations = new ArrayList<>();
    final List<ScaleEvent> scaleUpEvents = new ArrayList<>();
    final List<ScaleEvent> scaleDownEvents = new ArrayList<>();
    final List<DemandPoint> demand = new ArrayList<>();
    int[] metricFailures = new int[0];
    long firstSeenMillis = -1;
    long lastActiveMillis = -1;
    long panicStartMillis = -1;
    int maxPanicPods;

    public List<Recommendation> recommendations() {
        return List.copyOf(recommendations);
    }

    public List<ScaleEvent> scaleUpEvents() {
        return List.copyOf(scaleUpEvents);
    }

    public List<ScaleEvent> scaleDownEvents() {
        return List.copyOf(scaleDownEvents);
    }

    public boolean panicking() {
        return panicStartMillis >= 0;
    }

    /** Seeds the recommendations (tests and state restore). */
    public void addRecommendation(int replicas, long timestampMillis) {
        recommendations.add(new Recommendation(replicas, timestampMillis));
    }

    /** Seeds a scale event (tests and state restore). */
    public void addScaleEvent(boolean up, int replicaChange, long timestampMillis, boolean outdated) {
        (up ? scaleUpEvents : scaleDownEvents).add(new ScaleEvent(replicaChange, timestampMillis, outdated));
    }

    /**
     * Everything a new owner needs to decide for this workload exactly as the old one would have.
     * Recommendations are only ever read as the minimum or maximum of those newer than a cutoff,
     * so one older than both a larger-or-equal and a smaller-or-equal newer one can never be that
     * minimum or maximum and is left out: the snapshot stays small however often events arrive.
     */
    public record Snapshot(
            List<Recommendation> recommendations,
            List<ScaleEvent> scaleUpEvents,
            List<ScaleEvent> scaleDownEvents,
            List<DemandPoint> demand,
            int[] metricFailures,
            long firstSeenMillis,
            long lastActiveMillis,
            long panicStartMillis,
            int maxPanicPods) {}

    public Snapshot snapshot() {
        List<Recommendation> newestFirst = new ArrayList<>(recommendations);
        newestFirst.sort((a, b) -> Long.compare(b.timestampMillis(), a.timestampMillis()));
        List<Recommendation> kept = new ArrayList<>();
        int highest = Integer.MIN_VALUE;
        int lowest = Integer.MAX_VALUE;
        for (Recommendation r : newestFirst) {
            if (!(highest >= r.replicas() && lowest <= r.replicas())) {
                kept.add(r);
            }
            highest = Math.max(highest, r.replicas());
            lowest = Math.min(lowest, r.replicas());
        }
        Collections.reverse(kept);
        return new Snapshot(
                List.copyOf(kept),
                copy(scaleUpEvents),
                copy(scaleDownEvents),
                List.copyOf(demand),
                metricFailures.clone(),
                firstSeenMillis,
                lastActiveMillis,
                panicStartMillis,
                maxPanicPods);
    }

    /** The history a snapshot describes. */
    public static History restore(Snapshot s) {
        History h = new History();
        h.recommendations.addAll(s.recommendations());
        h.scaleUpEvents.addAll(copy(s.scaleUpEvents()));
        h.scaleDownEvents.addAll(copy(s.scaleDownEvents()));
        h.demand.addAll(s.demand());
        h.metricFailures = s.metricFailures().clone();
        h.firstSeenMillis = s.firstSeenMillis();
        h.lastActiveMillis = s.lastActiveMillis();
        h.panicStartMillis = s.panicStartMillis();
        h.maxPanicPods = s.maxPanicPods();
        return h;
    }

    private static List<ScaleEvent> copy(List<ScaleEvent> events) {
        List<ScaleEvent> out = new ArrayList<>(events.size());
        for (ScaleEvent e : events) {
            out.add(new ScaleEvent(e.replicaChange, e.timestampMillis, e.outdated));
        }
        return out;
    }

    /** Consecutive failures per metric; reset when the policy's metric list changes length. */
    int[] failureStreaks(int metricCount) {
        if (metricFailures.length != metricCount) {
            metricFailures = new int[metricCount];
        }
        return metricFailures;
    }
}

package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
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

    /** Consecutive failures per metric; reset when the policy's metric list changes length. */
    int[] failureStreaks(int metricCount) {
        if (metricFailures.length != metricCount) {
            metricFailures = new int[metricCount];
        }
        return metricFailures;
    }
}

package dev.trimtab.autoscaler.core;

import java.util.List;

/**
 * A ScalingPolicy's spec: the HPA autoscaling/v2 fields, defaulted, plus Trimtab's extensions.
 *
 * @param behavior     null when the spec has no {@code behavior}: the HPA then uses its legacy
 *                     normalization (5-minute downscale stabilization, scale-up limit max(2x, 4))
 * @param scaleToZero  extension, only with {@code minReplicas: 0}; null otherwise
 * @param fallback     extension (KEDA fallback); null when off
 * @param panic        extension (Knative KPA panic mode); null when off
 */
public record ScalingSpec(
        ObjectRef scaleTargetRef,
        int minReplicas,
        int maxReplicas,
        List<MetricSpec> metrics,
        Behavior behavior,
        ScaleToZero scaleToZero,
        Fallback fallback,
        PanicMode panic) {

    public ScalingSpec {
        metrics = List.copyOf(metrics);
    }

    /** KEDA-style activation: cooldown before going to zero, counted from the last active evaluation. */
    public record ScaleToZero(int cooldownSeconds, int initialCooldownSeconds) {
        public static final int DEFAULT_COOLDOWN_SECONDS = 300;
    }

    /** KEDA-style fallback when a metric has failed more than {@code failureThreshold} times in a row. */
    public record Fallback(int failureThreshold, int replicas, FallbackBehavior behavior) {}

    public enum FallbackBehavior {
        Static,
        CurrentReplicas,
        CurrentReplicasIfHigher,
        CurrentReplicasIfLower
    }

    /**
     * Knative KPA panic mode over the metric's demand (desired pods before rounding).
     *
     * @param stableWindowSeconds       averaging window of the stable recommendation (Knative: 60)
     * @param panicWindowPercentage     the panic window as a percentage of the stable window (10)
     * @param panicThresholdPercentage  panic when panic-window demand / ready pods reaches this (200)
     */
    public record PanicMode(
            int stableWindowSeconds,
            double panicWindowPercentage,
            double panicThresholdPercentage,
            double maxScaleUpRate,
            double maxScaleDownRate) {
        public long panicWindowMillis() {
            return Math.max(1, Math.round(stableWindowSeconds * 1000.0 * panicWindowPercentage / 100.0));
        }
    }

    /** The HPA minReplicas in force while the workload is active (at least 1). */
    public int activeMinReplicas() {
        return Math.max(1, minReplicas);
    }
}

package dev.trimtab.autoscaler.core;

import java.time.Duration;

/**
 * Controller-wide settings, the equivalents of kube-controller-manager's HPA flags, plus staleness.
 *
 * @param tolerance                  --horizontal-pod-autoscaler-tolerance (0.1)
 * @param cpuInitializationPeriod    --horizontal-pod-autoscaler-cpu-initialization-period (5m)
 * @param initialReadinessDelay      --horizontal-pod-autoscaler-initial-readiness-delay (30s)
 * @param downscaleStabilization     --horizontal-pod-autoscaler-downscale-stabilization (5m), used
 *                                   only by specs without {@code behavior}
 * @param maxSampleAge               a metric sample older than this at evaluation time is stale:
 *                                   treated as missing, so it can never drive a scale-down (2m)
 */
public record Settings(
        double tolerance,
        Duration cpuInitializationPeriod,
        Duration initialReadinessDelay,
        Duration downscaleStabilization,
        Duration maxSampleAge) {

    public static Settings defaults() {
        return new Settings(
                0.1, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofMinutes(2));
    }

    public Settings withMaxSampleAge(Duration age) {
        return new Settings(tolerance, cpuInitializationPeriod, initialReadinessDelay, downscaleStabilization, age);
    }
}

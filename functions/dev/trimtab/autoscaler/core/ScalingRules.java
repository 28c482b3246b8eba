package dev.trimtab.autoscaler.core;

import java.util.List;

/**
 * {@code behavior.scaleUp} or {@code behavior.scaleDown} with every default filled in.
 *
 * @param tolerance this direction's tolerance, or null to use the controller-wide default
 */
public record ScalingRules(
        int stabilizationWindowSeconds, SelectPolicy selectPolicy, List<Policy> policies, Double tolerance) {

    public enum SelectPolicy {
        Max,
        Min,
        Disabled
    }

    public enum PolicyType {
        Pods,
        Percent
    }

    public record Policy(PolicyType type, int value, int periodSeconds) {}

    public ScalingRules {
        policies = List.copyOf(policies);
    }

    /** The HPA's default scale-up rules: no stabilization, max(100% per 15s, 4 pods per 15s). */
    public static ScalingRules defaultScaleUp() {
        return new ScalingRules(
                0,
                SelectPolicy.Max,
                List.of(new Policy(PolicyType.Percent, 100, 15), new Policy(PolicyType.Pods, 4, 15)),
                null);
    }

    /** The HPA's default scale-down rules: 300s stabilization, 100% per 15s. */
    public static ScalingRules defaultScaleDown() {
        return new ScalingRules(300, SelectPolicy.Max, List.of(new Policy(PolicyType.Percent, 100, 15)), null);
    }

    int longestPeriodSeconds() {
        int longest = 0;
        for (Policy p : policies) {
            longest = Math.max(longest, p.periodSeconds());
        }
        return longest;
    }
}

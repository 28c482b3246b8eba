package dev.trimtab.placement.rebalance.core;

import java.util.List;
import java.util.Map;

/**
 * A Descheduler profile: the evictor's rules, the global eviction limits and the strategies in the
 * order they run. {@link #defaults()} enables the Descheduler's default plugin set
 * (RemovePodsViolatingNodeTaints, RemovePodsViolatingInterPodAntiAffinity,
 * RemovePodsViolatingNodeAffinity, RemoveDuplicates, RemovePodsViolatingTopologySpreadConstraint and
 * LowNodeUtilization with thresholds cpu/memory/pods 20% and targets 50%, the values of the
 * Descheduler's Helm chart) with default args, nodeFit on and no limits.
 */
public record RebalanceProfile(String name, EvictorRules evictor, EvictionLimits limits, List<Strategy> strategies) {
    public RebalanceProfile {
        strategies = List.copyOf(strategies);
        if (evictor == null) {
            evictor = EvictorRules.defaults();
        }
        if (limits == null) {
            limits = EvictionLimits.NONE;
        }
    }

    public static RebalanceProfile defaults() {
        return new RebalanceProfile(
                "default",
                EvictorRules.defaults().withNodeFit(true),
                EvictionLimits.NONE,
                List.of(
                        new RemovePodsViolatingNodeTaints(RemovePodsViolatingNodeTaints.Args.defaults()),
                        new RemovePodsViolatingInterPodAntiAffinity(
                                RemovePodsViolatingInterPodAntiAffinity.Args.defaults()),
                        new RemovePodsViolatingNodeAffinity(RemovePodsViolatingNodeAffinity.Args.defaults()),
                        new RemoveDuplicates(RemoveDuplicates.Args.defaults()),
                        new RemovePodsViolatingTopologySpreadConstraint(
                                RemovePodsViolatingTopologySpreadConstraint.Args.defaults()),
                        new LowNodeUtilization(new LowNodeUtilization.Args(
                                Map.of("cpu", 20.0, "memory", 20.0, "pods", 20.0),
                                Map.of("cpu", 50.0, "memory", 50.0, "pods", 50.0),
                                false,
                                0,
                                Namespaces.ALL,
                                null))));
    }
}

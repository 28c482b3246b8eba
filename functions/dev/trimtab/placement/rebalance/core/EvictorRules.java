package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.LabelSelector;

/**
 * The DefaultEvictor's arguments ({@code DefaultEvictorArgs}, legacy booleans): which pods may be
 * evicted at all. Always protected: mirror and static pods, terminating pods. Protected unless
 * allowed here: pods with local storage (emptyDir/hostPath), DaemonSet pods, system-critical pods
 * (priority at least 2000000000), pods without an owner. {@code priorityThreshold} protects pods at
 * or above it; {@code labelSelector} limits eviction to matching pods; {@code nodeFit} requires
 * another ready node the pod fits on (PreEvictionFilter).
 */
public record EvictorRules(
        boolean evictLocalStoragePods,
        boolean evictDaemonSetPods,
        boolean evictSystemCriticalPods,
        boolean evictFailedBarePods,
        boolean ignorePvcPods,
        boolean nodeFit,
        Integer priorityThreshold,
        LabelSelector labelSelector) {

    /** Upstream {@code SystemCriticalPriority}. */
    public static final int SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

    /** The Descheduler's defaults: everything protected, nodeFit off. */
    public static EvictorRules defaults() {
        return new EvictorRules(false, false, false, false, false, false, null, null);
    }

    public EvictorRules withNodeFit(boolean fit) {
        return new EvictorRules(
                evictLocalStoragePods,
                evictDaemonSetPods,
                evictSystemCriticalPods,
                evictFailedBarePods,
                ignorePvcPods,
                fit,
                priorityThreshold,
                labelSelector);
    }
}

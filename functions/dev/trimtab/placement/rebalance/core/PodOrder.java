package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.PodInfo;
import java.util.Comparator;
import java.util.List;

/**
 * {@code SortPodsBasedOnPriorityLowToHigh}: pods without a priority first, then by ascending
 * priority, then BestEffort before Burstable before Guaranteed, then pods without the
 * no-eviction annotation first. Upstream's sort is unstable; ties here go by namespace/name.
 */
final class PodOrder {
    static final String NO_EVICTION_ANNOTATION = "descheduler.alpha.kubernetes.io/prefer-no-eviction";

    private PodOrder() {}

    static void lowToHigh(List<PodInfo> pods, Evictor evictor) {
        pods.sort(Comparator.<PodInfo>comparingLong(p -> {
                    Integer pr = evictor.facts(p).priority();
                    return pr == null ? Long.MIN_VALUE : pr;
                })
                .thenComparing(p -> evictor.facts(p).qos())
                .thenComparing(p -> evictor.facts(p).annotations().containsKey(NO_EVICTION_ANNOTATION))
                .thenComparing(PodInfo::key));
    }
}

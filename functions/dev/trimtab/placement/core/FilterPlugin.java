package dev.trimtab.placement.core;

/**
 * One filter (upstream Filter extension point). {@link #prepare} is PreFilter: it runs once per
 * decision and returns the per-node check with the pod's precomputed state, or {@code null} when
 * the filter has nothing to check for this pod (upstream {@code Skip}).
 */
public interface FilterPlugin {
    String name();

    NodeFilter prepare(PodInfo pod, Snapshot snapshot);

    @FunctionalInterface
    interface NodeFilter {
        Status filter(NodeInfo node);
    }
}

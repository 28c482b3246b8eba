package dev.trimtab.placement.core;

import java.util.List;

/**
 * Scores a node by its resource use after placing the pod with the profile's strategy
 * (LeastAllocated by default: cpu and memory, weight 1 each). Already 0–100: no normalization.
 */
public final class NodeResourcesFitScore implements ScorePlugin {
    private final ScoringStrategy strategy;

    public NodeResourcesFitScore(ScoringStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public String name() {
        return NodeResourcesFitFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        List<ScoringStrategy.ResourceWeight> resources = strategy.resources();
        long[] podRequests = ResourceAllocation.podRequests(pod, resources, true);
        int[] kinds = ResourceAllocation.kinds(resources);
        long[] requested = new long[resources.size()];
        long[] allocatable = new long[resources.size()];
        return node -> {
            ResourceAllocation.fill(node, resources, kinds, podRequests, true, requested, allocatable);
            return strategy.score(requested, allocatable);
        };
    }
}

package dev.trimtab.placement.core;

import java.util.List;

/**
 * NodeResourcesBalancedAllocation: {@code (1 - std) × 100} over the requested/allocatable fractions
 * (each capped at 1) of the configured resources (cpu and memory by default), using plain requests.
 * With two resources std is {@code |f1 - f2| / 2}. Best-effort pods (no request for any of the
 * resources) skip the plugin, as upstream since v1.32.
 */
public final class BalancedAllocationScore implements ScorePlugin {
    public static final String NAME = "NodeResourcesBalancedAllocation";
    private final List<ScoringStrategy.ResourceWeight> resources;

    public BalancedAllocationScore(List<ScoringStrategy.ResourceWeight> resources) {
        this.resources = List.copyOf(resources);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        long[] podRequests = ResourceAllocation.podRequests(pod, resources, false);
        boolean bestEffort = true;
        for (long r : podRequests) {
            bestEffort &= r == 0;
        }
        return bestEffort ? null : scorer(podRequests);
    }

    /** The score function without the best-effort skip (upstream's Score when PreScore did not run). */
    NodeScorer scorer(long[] podRequests) {
        int[] kinds = ResourceAllocation.kinds(resources);
        long[] requested = new long[resources.size()];
        long[] allocatable = new long[resources.size()];
        double[] fractions = new double[resources.size()];
        return node -> {
            ResourceAllocation.fill(node, resources, kinds, podRequests, false, requested, allocatable);
            return score(requested, allocatable, fractions);
        };
    }

    static long score(long[] requested, long[] allocatable, double[] fractions) {
        int n = 0;
        double total = 0;
        for (int i = 0; i < requested.length; i++) {
            if (allocatable[i] == 0) {
                continue;
            }
            double f = Math.min(1.0, (double) requested[i] / allocatable[i]);
            total += f;
            fractions[n++] = f;
        }
        double std = 0;
        if (n == 2) {
            std = Math.abs((fractions[0] - fractions[1]) / 2);
        } else if (n > 2) {
            double mean = total / n;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += (fractions[i] - mean) * (fractions[i] - mean);
            }
            std = Math.sqrt(sum / n);
        }
        return (long) ((1 - std) * MAX_NODE_SCORE);
    }
}

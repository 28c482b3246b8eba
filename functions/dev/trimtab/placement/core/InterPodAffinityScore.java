package dev.trimtab.placement.core;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Preferred inter-pod affinity. For each existing pod, adds to its node's topology pairs: the
 * weights of the incoming pod's preferred affinity terms it matches (minus anti-affinity), 1
 * ({@code hardPodAffinityWeight}) for each of its required affinity terms the incoming pod matches,
 * and the weights of its own preferred terms the incoming pod matches (minus anti-affinity). A node
 * scores the sum over its pairs; normalization maps [min, max] onto [0, 100]. When the incoming pod
 * has no preferred terms only pods with affinity are visited.
 */
public final class InterPodAffinityScore implements ScorePlugin {
    static final long HARD_POD_AFFINITY_WEIGHT = 1;

    @Override
    public String name() {
        return InterPodAffinityFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        Function<String, Map<String, String>> ns = snapshot::namespaceLabels;
        PodSpecFacts s = pod.spec();
        boolean hasConstraints = !s.preferredAffinity().isEmpty() || !s.preferredAntiAffinity().isEmpty();
        TopologyCounts scores = new TopologyCounts();
        for (NodeInfo node : snapshot.sortedNodes()) {
            if ((!hasConstraints && node.podsWithAffinity == 0) || node.labels().isEmpty()) {
                continue;
            }
            for (PodInfo existing : node.pods) {
                if (hasConstraints || existing.spec().hasAnyAffinity()) {
                    process(pod, existing, node, scores, ns);
                }
            }
        }
        if (scores.isEmpty()) {
            return null;
        }
        return new NodeScorer() {
            @Override
            public long score(NodeInfo node) {
                return scores.sumFor(node);
            }

            @Override
            public void normalize(long[] values, NodeInfo[] nodes, int count) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = 0; i < count; i++) {
                    min = Math.min(min, values[i]);
                    max = Math.max(max, values[i]);
                }
                long diff = max - min;
                for (int i = 0; i < count; i++) {
                    values[i] = diff > 0 ? (long) (MAX_NODE_SCORE * ((double) (values[i] - min) / diff)) : 0;
                }
            }
        };
    }

    private static void process(PodInfo pod, PodInfo existing, NodeInfo node, TopologyCounts scores,
            Function<String, Map<String, String>> ns) {
        for (AffinityTerm t : pod.spec().preferredAffinity()) {
            if (t.matches(existing, ns)) {
                scores.update(node, t.topologyKey(), t.weight());
            }
        }
        for (AffinityTerm t : pod.spec().preferredAntiAffinity()) {
            if (t.matches(existing, ns)) {
                scores.update(node, t.topologyKey(), -t.weight());
            }
        }
        for (AffinityTerm t : existing.spec().requiredAffinity()) {
            if (t.matches(pod, ns)) {
                scores.update(node, t.topologyKey(), HARD_POD_AFFINITY_WEIGHT);
            }
        }
        for (AffinityTerm t : existing.spec().preferredAffinity()) {
            if (t.matches(pod, ns)) {
                scores.update(node, t.topologyKey(), t.weight());
            }
        }
        for (AffinityTerm t : existing.spec().preferredAntiAffinity()) {
            if (t.matches(pod, ns)) {
                scores.update(node, t.topologyKey(), -t.weight());
            }
        }
    }
}

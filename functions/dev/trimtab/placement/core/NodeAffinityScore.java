package dev.trimtab.placement.core;

import java.util.List;

/** Sums the weights of the preferred node affinity terms the node matches, normalized to 0–100. */
public final class NodeAffinityScore implements ScorePlugin {
    @Override
    public String name() {
        return NodeAffinityFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        List<NodeSelector.Preferred> preferred = pod.spec().preferredNodeAffinity();
        if (preferred.isEmpty()) {
            return null;
        }
        return new NodeScorer() {
            @Override
            public long score(NodeInfo node) {
                long sum = 0;
                for (NodeSelector.Preferred p : preferred) {
                    if (p.term().matches(node)) {
                        sum += p.weight();
                    }
                }
                return sum;
            }

            @Override
            public void normalize(long[] scores, NodeInfo[] nodes, int count) {
                ScorePlugin.defaultNormalize(scores, count, false);
            }
        };
    }
}

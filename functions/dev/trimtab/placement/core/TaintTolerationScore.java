package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Counts the node's PreferNoSchedule taints the pod does not tolerate (tolerations with an empty
 * or PreferNoSchedule effect count), then reverse-normalizes: fewest intolerable taints scores 100.
 */
public final class TaintTolerationScore implements ScorePlugin {
    @Override
    public String name() {
        return TaintTolerationFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        List<Toleration> preferNoSchedule = new ArrayList<>();
        for (Toleration t : pod.tolerations()) {
            if (t.effect().isEmpty() || t.effect().equals(Taint.PREFER_NO_SCHEDULE)) {
                preferNoSchedule.add(t);
            }
        }
        return new NodeScorer() {
            @Override
            public long score(NodeInfo node) {
                long count = 0;
                for (Taint t : node.taints()) {
                    if (t.effect().equals(Taint.PREFER_NO_SCHEDULE) && !Toleration.anyTolerates(preferNoSchedule, t)) {
                        count++;
                    }
                }
                return count;
            }

            @Override
            public void normalize(long[] scores, NodeInfo[] nodes, int count) {
                ScorePlugin.defaultNormalize(scores, count, true);
            }
        };
    }
}

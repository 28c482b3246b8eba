package dev.trimtab.placement.core;

import java.util.Arrays;
import java.util.List;

/**
 * One score (upstream Score extension point). {@link #prepare} is PreScore over the feasible nodes
 * and returns the per-node scorer, or {@code null} to skip (every node then gets 0 from this
 * plugin, as a skipped plugin adds nothing upstream). Scores end in [0, {@link #MAX_NODE_SCORE}]
 * after {@link NodeScorer#normalize}; the profile's weight is applied by the {@link Placer}.
 */
public interface ScorePlugin {
    long MAX_NODE_SCORE = 100;

    String name();

    NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible);

    interface NodeScorer {
        long score(NodeInfo node);

        /** What the explanation should say about how this plugin scored (for example default constraints), or null. */
        default String note() {
            return null;
        }

        /** NormalizeScore: rewrites {@code scores[i]} (for {@code nodes[i]}) in place; default none. */
        default void normalize(long[] scores, NodeInfo[] nodes, int count) {}
    }

    /** Upstream {@code helper.DefaultNormalizeScore}: scale to max, optionally reversed. */
    static void defaultNormalize(long[] scores, int count, boolean reverse) {
        long max = 0;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, scores[i]);
        }
        if (max == 0) {
            if (reverse) {
                Arrays.fill(scores, 0, count, MAX_NODE_SCORE);
            }
            return;
        }
        for (int i = 0; i < count; i++) {
            long s = MAX_NODE_SCORE * scores[i] / max;
            scores[i] = reverse ? MAX_NODE_SCORE - s : s;
        }
    }
}

package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ScheduleAnyway topology spread. For each constraint, a node scores
 * {@code matching pods in its domain × log(domains + 2) + (maxSkew - 1)}, summed and rounded; the
 * per-domain counts cover the domains of feasible nodes ({@code kubernetes.io/hostname} is counted
 * per node). Normalization reverses: the emptiest domain scores 100, and feasible nodes missing a
 * topology key score 0.
 */
public final class PodTopologySpreadScore implements ScorePlugin {
    static final String HOSTNAME = "kubernetes.io/hostname";

    @Override
    public String name() {
        return PodTopologySpreadFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        List<SpreadConstraint> constraints = new ArrayList<>();
        for (SpreadConstraint c : pod.spec().spreadConstraints()) {
            if (!c.doNotSchedule()) {
                constraints.add(c);
            }
        }
        if (constraints.isEmpty() || feasible.isEmpty()) {
            return null;
        }
        int n = constraints.size();
        List<Map<String, long[]>> counts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            counts.add(new HashMap<>());
        }
        int ignored = 0;
        for (NodeInfo node : feasible) {
            if (!PodTopologySpreadFilter.hasAllKeys(node, constraints)) {
                ignored++;
                continue;
            }
            for (int i = 0; i < n; i++) {
                String key = constraints.get(i).topologyKey();
                if (!key.equals(HOSTNAME)) {
                    counts.get(i).putIfAbsent(node.labels().get(key), new long[1]);
                }
            }
        }
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            int size = constraints.get(i).topologyKey().equals(HOSTNAME) ? feasible.size() - ignored
                    : counts.get(i).size();
            weights[i] = Math.log(size + 2);
        }
        int[][] matching = new int[n][];
        for (int i = 0; i < n; i++) {
            matching[i] = PodTopologySpreadFilter.matchingByNode(snapshot, constraints.get(i), pod.namespace());
        }
        for (NodeInfo node : snapshot.sortedNodes()) {
            if (!PodTopologySpreadFilter.hasAllKeys(node, constraints)) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                SpreadConstraint c = constraints.get(i);
                if (!PodTopologySpreadFilter.included(c, pod, node)) {
                    continue;
                }
                long[] slot = counts.get(i).get(node.labels().get(c.topologyKey()));
                if (slot != null) {
                    slot[0] += matching[i][node.index];
                }
            }
        }
        return new Scorer(constraints, counts, weights, matching);
    }

    private record Scorer(List<SpreadConstraint> constraints, List<Map<String, long[]>> counts,
            double[] weights, int[][] matching) implements NodeScorer {
        @Override
        public long score(NodeInfo node) {
            if (!PodTopologySpreadFilter.hasAllKeys(node, constraints)) {
                return -1;
            }
            double score = 0;
            for (int i = 0; i < constraints.size(); i++) {
                SpreadConstraint c = constraints.get(i);
                String value = node.labels().get(c.topologyKey());
                long cnt = c.topologyKey().equals(HOSTNAME)
                        ? matching[i][node.index]
                        : counts.get(i).get(value)[0];
                score += cnt * weights[i] + (c.maxSkew() - 1);
            }
            return Math.round(score);
        }

        @Override
        public void normalize(long[] scores, NodeInfo[] nodes, int count) {
            long min = Long.MAX_VALUE;
            long max = 0;
            for (int i = 0; i < count; i++) {
                if (scores[i] < 0) {
                    continue;
                }
                min = Math.min(min, scores[i]);
                max = Math.max(max, scores[i]);
            }
            for (int i = 0; i < count; i++) {
                if (scores[i] < 0) {
                    scores[i] = 0;
                } else if (max == 0) {
                    scores[i] = MAX_NODE_SCORE;
                } else {
                    scores[i] = MAX_NODE_SCORE * (max + min - scores[i]) / max;
                }
            }
        }
    }
}

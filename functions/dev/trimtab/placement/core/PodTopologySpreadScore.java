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
 *
 * <p>A pod without constraints of its own gets the profile's {@link SpreadDefaults} (upstream's
 * {@code buildDefaultConstraints}). With System defaulting nodes need not carry every topology key:
 * a node without the key is left out of that constraint's score only, and the nodes without it
 * count as one more domain (value "") in the constraint's weight, as upstream.
 */
public final class PodTopologySpreadScore implements ScorePlugin {
    static final String HOSTNAME = SpreadDefaults.HOSTNAME;
    private final SpreadDefaults defaults;

    public PodTopologySpreadScore() {
        this(SpreadDefaults.SYSTEM);
    }

    public PodTopologySpreadScore(SpreadDefaults defaults) {
        this.defaults = defaults;
    }

    @Override
    public String name() {
        return PodTopologySpreadFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        List<SpreadConstraint> constraints = new ArrayList<>();
        SpreadDefaults.Applied applied = null;
        if (pod.spec().spreadConstraints().isEmpty()) {
            applied = defaults.apply(pod, snapshot, false);
            if (applied != null) {
                constraints.addAll(applied.constraints());
            }
        } else {
            for (SpreadConstraint c : pod.spec().spreadConstraints()) {
                if (!c.doNotSchedule()) {
                    constraints.add(c);
                }
            }
        }
        if (constraints.isEmpty() || feasible.isEmpty()) {
            return null;
        }
        boolean requireAll = applied == null || !defaults.system();
        int n = constraints.size();
        List<Map<String, long[]>> counts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            counts.add(new HashMap<>());
        }
        int ignored = 0;
        for (NodeInfo node : feasible) {
            if (requireAll && !PodTopologySpreadFilter.hasAllKeys(node, constraints)) {
                ignored++;
                continue;
            }
            for (int i = 0; i < n; i++) {
                String key = constraints.get(i).topologyKey();
                if (!key.equals(HOSTNAME)) {
                    counts.get(i).putIfAbsent(value(node, key), new long[1]);
                }
            }
        }
        int[] sizes = new int[n];
        double[] weights = new double[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = constraints.get(i).topologyKey().equals(HOSTNAME)
                    ? feasible.size() - ignored
                    : counts.get(i).size();
            weights[i] = Math.log(sizes[i] + 2);
        }
        int[][] matching = new int[n][];
        for (int i = 0; i < n; i++) {
            // default constraints share one selector: match the pod groups once
            matching[i] = i > 0
                            && constraints.get(i).selector()
                                    == constraints.get(i - 1).selector()
                    ? matching[i - 1]
                    : PodTopologySpreadFilter.matchingByNode(snapshot, constraints.get(i), pod.namespace());
        }
        for (NodeInfo node : snapshot.sortedNodes()) {
            if (requireAll && !PodTopologySpreadFilter.hasAllKeys(node, constraints)) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                SpreadConstraint c = constraints.get(i);
                // hostname is counted per node at Score: no domain counts to add to
                if (c.topologyKey().equals(HOSTNAME) || !PodTopologySpreadFilter.included(c, pod, node)) {
                    continue;
                }
                long[] slot = counts.get(i).get(value(node, c.topologyKey()));
                if (slot != null) {
                    slot[0] += matching[i][node.index];
                }
            }
        }
        return new Scorer(constraints, counts, sizes, weights, matching, requireAll, applied);
    }

    /** The node's value for a key, "" when it has none (upstream reads a missing label as ""). */
    private static String value(NodeInfo node, String key) {
        String v = node.labels().get(key);
        return v == null ? "" : v;
    }

    /** PreScore state: the constraints, counts per domain value, domain counts behind the weights. */
    record Scorer(
            List<SpreadConstraint> constraints,
            List<Map<String, long[]>> counts,
            int[] sizes,
            double[] weights,
            int[][] matching,
            boolean requireAll,
            SpreadDefaults.Applied applied)
            implements NodeScorer {
        @Override
        public long score(NodeInfo node) {
            if (requireAll && !PodTopologySpreadFilter.hasAllKeys(node, constraints)) {
                return -1;
            }
            double score = 0;
            for (int i = 0; i < constraints.size(); i++) {
                SpreadConstraint c = constraints.get(i);
                String value = node.labels().get(c.topologyKey());
                if (value == null) {
                    continue;
                }
                long cnt = c.topologyKey().equals(HOSTNAME)
                        ? matching[i][node.index]
                        : counts.get(i).get(value)[0];
                score += cnt * weights[i] + (c.maxSkew() - 1);
            }
            return Math.round(score);
        }

        @Override
        public String note() {
            return applied == null ? null : PodTopologySpreadFilter.NAME + ": " + applied.describe();
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

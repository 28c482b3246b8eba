package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DoNotSchedule topology spread. PreFilter counts, per constraint and topology value, the pods in
 * the incoming pod's namespace that match the constraint's selector, over the nodes that carry
 * every constraint's topology key and pass the constraint's node inclusion policies
 * (nodeAffinityPolicy Honor by default, nodeTaintsPolicy Ignore by default). Filter rejects a node
 * when {@code count(domain) + selfMatch - globalMin > maxSkew}; the global minimum is 0 while fewer
 * than {@code minDomains} domains exist. A node lacking a topology key is unresolvable.
 */
public final class PodTopologySpreadFilter implements FilterPlugin {
    public static final String NAME = "PodTopologySpread";
    static final String REASON = "node(s) didn't match pod topology spread constraints";
    static final Status REJECT = Status.unschedulable(REASON);
    static final Status MISSING_LABEL = Status.unresolvable(REASON + " (missing required label)");
    private final SpreadDefaults defaults;

    public PodTopologySpreadFilter() {
        this(SpreadDefaults.SYSTEM);
    }

    /** With the profile's defaulting: a pod without constraints gets its DoNotSchedule defaults (List only). */
    public PodTopologySpreadFilter(SpreadDefaults defaults) {
        this.defaults = defaults;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        List<SpreadConstraint> constraints = constraints(pod, snapshot);
        if (constraints.isEmpty()) {
            return null;
        }
        int n = constraints.size();
        List<Map<String, long[]>> counts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            counts.add(new HashMap<>());
        }
        int[][] matching = new int[n][];
        for (int i = 0; i < n; i++) {
            matching[i] = matchingByNode(snapshot, constraints.get(i), pod.namespace());
        }
        for (NodeInfo node : snapshot.sortedNodes()) {
            if (!hasAllKeys(node, constraints)) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                SpreadConstraint c = constraints.get(i);
                if (!included(c, pod, node)) {
                    continue;
                }
                long[] slot = counts.get(i).computeIfAbsent(node.labels().get(c.topologyKey()), k -> new long[1]);
                slot[0] += matching[i][node.index];
            }
        }
        long[] minMatch = new long[n];
        long[] selfMatch = new long[n];
        for (int i = 0; i < n; i++) {
            long min = Integer.MAX_VALUE;
            for (long[] v : counts.get(i).values()) {
                min = Math.min(min, v[0]);
            }
            minMatch[i] = counts.get(i).size() < constraints.get(i).minDomains() ? 0 : min;
            SpreadConstraint c = constraints.get(i);
            selfMatch[i] = c.selector() != null && c.selector().matches(pod.labels()) ? 1 : 0;
        }
        return node -> {
            for (int i = 0; i < n; i++) {
                SpreadConstraint c = constraints.get(i);
                String value = node.labels().get(c.topologyKey());
                if (value == null) {
                    return MISSING_LABEL;
                }
                long[] slot = counts.get(i).get(value);
                long skew = (slot == null ? 0 : slot[0]) + selfMatch[i] - minMatch[i];
                if (skew > c.maxSkew()) {
                    return REJECT;
                }
            }
            return Status.SUCCESS;
        };
    }

    /** The pod's DoNotSchedule constraints, or (without constraints of its own) its DoNotSchedule defaults. */
    List<SpreadConstraint> constraints(PodInfo pod, Snapshot snapshot) {
        List<SpreadConstraint> constraints = new ArrayList<>();
        if (pod.spec().spreadConstraints().isEmpty()) {
            SpreadDefaults.Applied applied = defaults.apply(pod, snapshot, true);
            if (applied != null) {
                constraints.addAll(applied.constraints());
            }
        }
        for (SpreadConstraint c : pod.spec().spreadConstraints()) {
            if (c.doNotSchedule()) {
                constraints.add(c);
            }
        }
        return constraints;
    }

    static boolean hasAllKeys(NodeInfo node, List<SpreadConstraint> constraints) {
        for (SpreadConstraint c : constraints) {
            if (!node.labels().containsKey(c.topologyKey())) {
                return false;
            }
        }
        return true;
    }

    /** {@code matchNodeInclusionPolicies}. */
    static boolean included(SpreadConstraint c, PodInfo pod, NodeInfo node) {
        if (c.honorNodeAffinity() && !NodeAffinityFilter.matches(pod, node)) {
            return false;
        }
        return !c.honorNodeTaints() || TaintTolerationFilter.firstUntolerated(node.taints(), pod.tolerations()) == null;
    }

    /**
     * For every node (by snapshot index) how many of its pods the constraint selects: the selector is
     * matched once per group of pods with equal namespace, labels and terminating flag.
     */
    static int[] matchingByNode(Snapshot snapshot, SpreadConstraint c, String namespace) {
        int[] out = new int[snapshot.sortedNodes().length];
        for (Map.Entry<PodKey, PodGroups.Group> g :
                snapshot.podsByLabels().all().entrySet()) {
            if (c.selects(g.getKey().asPod(), namespace)) {
                for (Map.Entry<NodeInfo, int[]> e : g.getValue().perNode.entrySet()) {
                    out[e.getKey().index] += e.getValue()[0];
                }
            }
        }
        return out;
    }
}

package dev.trimtab.placement.core;

import java.util.HashMap;
import java.util.Map;

/**
 * Snapshot-wide index of bound pods by a shared key, each group counting its pods per node. Pods
 * of one template share their spec facts and labels (interned), so a decision can evaluate a term
 * or selector once per group instead of once per pod and visit only the nodes that hold the group.
 * Counts are summed by the plugins, so the order of visits does not change any decision.
 */
final class PodGroups<K> {
    /** The pods of one key: how many sit on each node. */
    static final class Group {
        final Map<NodeInfo, int[]> perNode = new HashMap<>(4);
    }

    private final Map<K, Group> groups = new HashMap<>();

    void add(K key, NodeInfo node) {
        groups.computeIfAbsent(key, k -> new Group()).perNode.computeIfAbsent(node, n -> new int[1])[0]++;
    }

    void remove(K key, NodeInfo node) {
        Group g = groups.get(key);
        int[] c = g == null ? null : g.perNode.get(node);
        if (c == null) {
            return;
        }
        if (--c[0] == 0) {
            g.perNode.remove(node);
            if (g.perNode.isEmpty()) {
                groups.remove(key);
            }
        }
    }

    Map<K, Group> all() {
        return groups;
    }
}

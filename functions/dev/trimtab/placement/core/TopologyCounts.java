package dev.trimtab.placement.core;

import java.util.HashMap;
import java.util.Map;

/** Counts per (topology key, value) pair, upstream's {@code topologyToMatchedTermCount}. */
final class TopologyCounts {
    private final Map<String, Map<String, long[]>> counts = new HashMap<>();
    private int pairs;

    /** Adds {@code value} to the pair the node has for {@code key}; nothing when the node lacks the key. */
    void update(NodeInfo node, String key, long value) {
        String v = node.labels().get(key);
        if (v == null) {
            return;
        }
        long[] slot = counts.computeIfAbsent(key, k -> new HashMap<>()).get(v);
        if (slot == null) {
            slot = new long[1];
            counts.get(key).put(v, slot);
            pairs++;
        }
        slot[0] += value;
    }

    long get(String key, String value) {
        Map<String, long[]> m = counts.get(key);
        long[] slot = m == null ? null : m.get(value);
        return slot == null ? 0 : slot[0];
    }

    /** Whether any pair has a non-zero count. */
    boolean isEmpty() {
        if (pairs == 0) {
            return true;
        }
        for (Map<String, long[]> m : counts.values()) {
            for (long[] slot : m.values()) {
                if (slot[0] != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * For every node (by snapshot index) the sum of the counts of its pairs: one pass over the
     * pairs with the snapshot's label index instead of a lookup per node and key.
     */
    long[] perNode(Snapshot snapshot) {
        long[] out = new long[snapshot.sortedNodes().length];
        for (Map.Entry<String, Map<String, long[]>> e : counts.entrySet()) {
            Map<String, int[]> index = snapshot.nodesByLabel(e.getKey());
            for (Map.Entry<String, long[]> pair : e.getValue().entrySet()) {
                long c = pair.getValue()[0];
                int[] nodes = c == 0 ? null : index.get(pair.getKey());
                if (nodes != null) {
                    for (int i : nodes) {
                        out[i] += c;
                    }
                }
            }
        }
        return out;
    }

    /** Sum over the node's labels of the counts of its pairs. */
    long sumFor(NodeInfo node) {
        long sum = 0;
        for (Map.Entry<String, Map<String, long[]>> e : counts.entrySet()) {
            String v = node.labels().get(e.getKey());
            if (v != null) {
                long[] slot = e.getValue().get(v);
                if (slot != null) {
                    sum += slot[0];
                }
            }
        }
        return sum;
    }

    /** Whether any of the node's (key, value) pairs has a positive count. */
    boolean anyPositive(NodeInfo node) {
        for (Map.Entry<String, Map<String, long[]>> e : counts.entrySet()) {
            String v = node.labels().get(e.getKey());
            long[] slot = v == null ? null : e.getValue().get(v);
            if (slot != null && slot[0] > 0) {
                return true;
            }
        }
        return false;
    }
}

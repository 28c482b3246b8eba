package dev.trimtab.placement.rebalance.core;

/**
 * One pod a strategy wants evicted: the strategy's stable name, the pod, its node, a message naming
 * the threshold, taint or constraint, and, when the eviction may not happen, what blocks it
 * ({@link Blocker}) with a message. Blocked recommendations are reported, never acted on.
 */
public record Recommendation(
        String strategy,
        String namespace,
        String pod,
        String node,
        String reason,
        Blocker blocker,
        String blockedBecause) {

    /** What keeps a recommended eviction from happening; the names are stable reason codes. */
    public enum Blocker {
        /** {@code maxNoOfPodsToEvictTotal} reached. */
        TotalLimit,
        /** {@code maxNoOfPodsToEvictPerNode} reached for the pod's node. */
        NodeLimit,
        /** {@code maxNoOfPodsToEvictPerNamespace} reached for the pod's namespace. */
        NamespaceLimit,
        /** A PodDisruptionBudget would go below its minimum (or the pod has more than one budget). */
        DisruptionBudget
    }

    public boolean blocked() {
        return blocker != null;
    }

    public String key() {
        return namespace + "/" + pod;
    }

    @Override
    public String toString() {
        return strategy + " " + key() + " on " + node + ": " + reason
                + (blocker == null ? "" : " [blocked: " + blocker + ": " + blockedBecause + "]");
    }
}

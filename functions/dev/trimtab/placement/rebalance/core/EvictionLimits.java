package dev.trimtab.placement.rebalance.core;

/**
 * The Descheduler policy's global eviction limits for one run ({@code maxNoOfPodsToEvictPerNode},
 * {@code maxNoOfPodsToEvictPerNamespace}, {@code maxNoOfPodsToEvictTotal}); {@code null} is no limit.
 * Checked in upstream's order: total, node, namespace.
 */
public record EvictionLimits(Integer perNode, Integer perNamespace, Integer total) {
    public static final EvictionLimits NONE = new EvictionLimits(null, null, null);

    public EvictionLimits {
        check(perNode, "maxNoOfPodsToEvictPerNode");
        check(perNamespace, "maxNoOfPodsToEvictPerNamespace");
        check(total, "maxNoOfPodsToEvictTotal");
    }

    private static void check(Integer v, String field) {
        if (v != null && v < 0) {
            throw new IllegalArgumentException(field + ": got " + v + ", want 0 or more");
        }
    }
}

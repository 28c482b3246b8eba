package dev.trimtab.placement.core;

import java.util.List;

/**
 * Upstream {@code resourceAllocationScorer}: the pod's request and the node's allocatable/requested
 * amounts for a list of resources. Fit scoring uses the non-zero amounts for cpu and memory (unset
 * requests count 100m / 200Mi); balanced allocation uses the plain requests. A scalar resource the
 * pod does not request, or the node does not offer, is left out (allocatable 0).
 */
final class ResourceAllocation {
    private ResourceAllocation() {}

    static long[] podRequests(PodInfo pod, List<ScoringStrategy.ResourceWeight> resources, boolean nonZero) {
        long[] out = new long[resources.size()];
        for (int i = 0; i < out.length; i++) {
            String r = resources.get(i).name();
            out[i] = nonZero && r.equals(ResourceList.CPU)
                    ? pod.spec().nonZeroMilliCpu()
                    : nonZero && r.equals(ResourceList.MEMORY)
                            ? pod.spec().nonZeroMemory()
                            : pod.requests().get(r);
        }
        return out;
    }

    static final int CPU = 0;
    static final int MEMORY = 1;
    static final int EPHEMERAL = 2;
    static final int SCALAR = 3;

    /** Resource kinds resolved once per decision, so the per-node loop does not switch on strings. */
    static int[] kinds(List<ScoringStrategy.ResourceWeight> resources) {
        int[] k = new int[resources.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = switch (resources.get(i).name()) {
                case ResourceList.CPU -> CPU;
                case ResourceList.MEMORY -> MEMORY;
                case ResourceList.EPHEMERAL_STORAGE -> EPHEMERAL;
                default -> SCALAR;
            };
        }
        return k;
    }

    /** Fills {@code requested}/{@code allocatable} for one node. */
    static void fill(
            NodeInfo node,
            List<ScoringStrategy.ResourceWeight> resources,
            int[] kinds,
            long[] podRequests,
            boolean nonZero,
            long[] requested,
            long[] allocatable) {
        ResourceList alloc = node.allocatable();
        for (int i = 0; i < podRequests.length; i++) {
            long a;
            long q;
            switch (kinds[i]) {
                case CPU -> {
                    a = alloc.milliCpu;
                    q = nonZero ? node.nonZeroMilliCpu : node.requestedMilliCpu;
                }
                case MEMORY -> {
                    a = alloc.memory;
                    q = nonZero ? node.nonZeroMemory : node.requestedMemory;
                }
                case EPHEMERAL -> {
                    a = alloc.ephemeralStorage;
                    q = node.requestedEphemeralStorage;
                }
                default -> {
                    String r = resources.get(i).name();
                    boolean skip = podRequests[i] == 0 || !alloc.hasScalar(r);
                    a = skip ? 0 : alloc.scalar(r);
                    q = skip ? 0 : node.requestedScalar(r);
                }
            }
            allocatable[i] = a;
            requested[i] = a == 0 ? 0 : q + podRequests[i];
        }
    }
}

package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.ResourceList;

/**
 * Requested amounts by resource name in the placement core's units (cpu in milli-cores, other
 * resources in whole units; {@code pods} counts pods). The Descheduler's "usage" is requests, not
 * measured usage (the metrics-server and Prometheus sources are not modelled).
 */
final class Resources {
    private Resources() {}

    static long requested(NodeInfo node, String name) {
        return switch (name) {
            case ResourceList.CPU -> node.requestedMilliCpu();
            case ResourceList.MEMORY -> node.requestedMemory();
            case ResourceList.EPHEMERAL_STORAGE -> node.requestedEphemeralStorage();
            case ResourceList.PODS -> node.pods().size();
            default -> node.requestedScalar(name);
        };
    }

    static long request(PodInfo pod, String name) {
        return name.equals(ResourceList.PODS) ? 1 : pod.requests().get(name);
    }

    static long allocatable(NodeInfo node, String name) {
        return node.allocatable().get(name);
    }
}

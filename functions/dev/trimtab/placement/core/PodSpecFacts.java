package dev.trimtab.placement.core;

import java.util.List;

/**
 * What the scheduler reads from a pod's spec, shared (interned) between pods stamped from one
 * template: every pod of a ReplicaSet points at one instance, which keeps the snapshot near 200
 * bytes a pod. {@code requests} follow upstream {@code resource.PodRequests} (max of the app
 * containers' sum and each init container, sidecars added, plus overhead); {@code nonZeroMilliCpu}
 * and {@code nonZeroMemory} are the same with 100m / 200Mi for containers that leave cpu / memory
 * unset, which is what the resource scores count. Empty lists mean "none".
 */
public record PodSpecFacts(
        String schedulerName,
        ResourceList requests,
        long nonZeroMilliCpu,
        long nonZeroMemory,
        List<HostPort> hostPorts,
        Labels nodeSelector,
        NodeSelector requiredNodeAffinity,
        List<NodeSelector.Preferred> preferredNodeAffinity,
        List<Toleration> tolerations,
        List<AffinityTerm> requiredAffinity,
        List<AffinityTerm> requiredAntiAffinity,
        List<AffinityTerm> preferredAffinity,
        List<AffinityTerm> preferredAntiAffinity,
        List<SpreadConstraint> spreadConstraints,
        List<String> images) {

    /** Upstream {@code DefaultMilliCPURequest}. */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    /** Upstream {@code DefaultMemoryRequest}: 200 MiB. */
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    boolean hasAnyAffinity() {
        return !requiredAffinity.isEmpty()
                || !requiredAntiAffinity.isEmpty()
                || !preferredAffinity.isEmpty()
                || !preferredAntiAffinity.isEmpty();
    }
}

package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Rejects a node whose free allocatable (allocatable minus the requests of bound pods) is below the
 * pod's request for cpu, memory, ephemeral-storage or a scalar resource, or that is at its pod
 * count. Every shortfall is a reason ("Too many pods", "Insufficient cpu", ...); when a request
 * exceeds the node's whole allocatable the verdict is unresolvable (preemption cannot help).
 */
public final class NodeResourcesFitFilter implements FilterPlugin {
    public static final String NAME = "NodeResourcesFit";
    static final Status TOO_MANY_PODS = Status.unschedulable("Too many pods");
    static final Status INSUFFICIENT_CPU = Status.unschedulable("Insufficient cpu");
    static final Status INSUFFICIENT_CPU_UNRESOLVABLE = Status.unresolvable("Insufficient cpu");
    static final Status INSUFFICIENT_MEMORY = Status.unschedulable("Insufficient memory");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        ResourceList req = pod.requests();
        boolean none = req.isZero();
        return node -> none ? podCountOnly(node) : fits(req, node);
    }

    private static Status podCountOnly(NodeInfo node) {
        return node.pods.size() + 1 > node.allocatable().pods ? TOO_MANY_PODS : Status.SUCCESS;
    }

    static Status fits(ResourceList req, NodeInfo node) {
        ResourceList alloc = node.allocatable();
        boolean pods = node.pods.size() + 1 > alloc.pods;
        boolean cpu = req.milliCpu > 0 && req.milliCpu > alloc.milliCpu - node.requestedMilliCpu;
        boolean mem = req.memory > 0 && req.memory > alloc.memory - node.requestedMemory;
        boolean eph = req.ephemeralStorage > 0
                && req.ephemeralStorage > alloc.ephemeralStorage - node.requestedEphemeralStorage;
        boolean scalar = false;
        for (int i = 0; i < req.scalarNames.length && !scalar; i++) {
            long want = req.scalarValues[i];
            scalar = want > 0 && want > alloc.scalar(req.scalarNames[i]) - node.requestedScalar(req.scalarNames[i]);
        }
        if (!pods && !cpu && !mem && !eph && !scalar) {
            return Status.SUCCESS;
        }
        if (!pods && !mem && !eph && !scalar) {
            return req.milliCpu > alloc.milliCpu ? INSUFFICIENT_CPU_UNRESOLVABLE : INSUFFICIENT_CPU;
        }
        if (!pods && !cpu && !eph && !scalar && req.memory <= alloc.memory) {
            return INSUFFICIENT_MEMORY;
        }
        List<String> reasons = new ArrayList<>(4);
        boolean unresolvable = false;
        if (pods) {
            reasons.add("Too many pods");
        }
        if (cpu) {
            reasons.add("Insufficient cpu");
            unresolvable = req.milliCpu > alloc.milliCpu;
        }
        if (mem) {
            reasons.add("Insufficient memory");
            unresolvable |= req.memory > alloc.memory;
        }
        if (eph) {
            reasons.add("Insufficient ephemeral-storage");
            unresolvable |= req.ephemeralStorage > alloc.ephemeralStorage;
        }
        for (int i = 0; i < req.scalarNames.length; i++) {
            String name = req.scalarNames[i];
            long want = req.scalarValues[i];
            if (want > 0 && want > alloc.scalar(name) - node.requestedScalar(name)) {
                reasons.add("Insufficient " + name);
                unresolvable |= want > alloc.scalar(name);
            }
        }
        return new Status(
                unresolvable ? Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE : Status.Code.UNSCHEDULABLE, reasons);
    }
}

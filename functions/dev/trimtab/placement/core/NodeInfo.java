package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A node and what is bound to it ({@code framework.NodeInfo}): static facts from the Node object
 * plus running sums kept up to date as pods are added and removed. Requested amounts count every
 * non-terminal pod bound here; {@code nonZero*} use the 100m / 200Mi defaults for unset requests.
 * Mutated only by {@link Snapshot}.
 */
public final class NodeInfo {
    private final String name;
    private final Labels labels;
    private final List<Taint> taints;
    private final boolean ready;
    private final boolean unschedulable;
    private final ResourceList allocatable;
    private final String[] imageNames;
    private final long[] imageSizes;

    long requestedMilliCpu;
    long requestedMemory;
    long requestedEphemeralStorage;
    Map<String, Long> requestedScalars;
    long nonZeroMilliCpu;
    long nonZeroMemory;
    final ArrayList<PodInfo> pods = new ArrayList<>(2);
    List<HostPort> usedPorts;
    int podsWithAffinity;
    int podsWithRequiredAntiAffinity;
    int index = -1;

    NodeInfo(
            String name,
            Labels labels,
            List<Taint> taints,
            boolean ready,
            boolean unschedulable,
            ResourceList allocatable,
            String[] imageNames,
            long[] imageSizes) {
        this.name = name;
        this.labels = labels;
        this.taints = taints;
        this.ready = ready;
        this.unschedulable = unschedulable;
        this.allocatable = allocatable;
        this.imageNames = imageNames;
        this.imageSizes = imageSizes;
    }

    public String name() {
        return name;
    }

    public Labels labels() {
        return labels;
    }

    public List<Taint> taints() {
        return taints;
    }

    /** The Ready condition. Not a filter upstream (the node lifecycle controller taints NotReady nodes). */
    public boolean ready() {
        return ready;
    }

    public boolean unschedulable() {
        return unschedulable;
    }

    public ResourceList allocatable() {
        return allocatable;
    }

    public List<PodInfo> pods() {
        return Collections.unmodifiableList(pods);
    }

    public long requestedMilliCpu() {
        return requestedMilliCpu;
    }

    public long requestedMemory() {
        return requestedMemory;
    }

    public long requestedEphemeralStorage() {
        return requestedEphemeralStorage;
    }

    public long requestedScalar(String resource) {
        if (requestedScalars == null) {
            return 0;
        }
        Long v = requestedScalars.get(resource);
        return v == null ? 0 : v;
    }

    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    /** Size in bytes of an image present on the node (normalized name), or -1. */
    long imageSize(String normalizedImage) {
        String[] names = imageNames;
        for (int k = 0; k < names.length; k++) {
            if (names[k] == normalizedImage) {
                return imageSizes[k];
            }
        }
        int i = Arrays.binarySearch(names, normalizedImage);
        return i >= 0 ? imageSizes[i] : -1;
    }

    String[] imageNames() {
        return imageNames;
    }

    List<HostPort> usedPorts() {
        return usedPorts == null ? List.of() : usedPorts;
    }

    /** Same static facts (labels, taints, allocatable, images)? Then an update keeps the pods. */
    NodeInfo withPodsOf(NodeInfo old) {
        if (old != null) {
            for (PodInfo p : old.pods) {
                add(p);
            }
        }
        return this;
    }

    void add(PodInfo pod) {
        PodSpecFacts s = pod.spec();
        ResourceList r = s.requests();
        requestedMilliCpu += r.milliCpu;
        requestedMemory += r.memory;
        requestedEphemeralStorage += r.ephemeralStorage;
        if (r.scalarNames.length > 0) {
            if (requestedScalars == null) {
                requestedScalars = new HashMap<>(4);
            }
            for (int i = 0; i < r.scalarNames.length; i++) {
                requestedScalars.merge(r.scalarNames[i], r.scalarValues[i], Long::sum);
            }
        }
        nonZeroMilliCpu += s.nonZeroMilliCpu();
        nonZeroMemory += s.nonZeroMemory();
        if (!s.hostPorts().isEmpty()) {
            if (usedPorts == null) {
                usedPorts = new ArrayList<>(4);
            }
            usedPorts.addAll(s.hostPorts());
        }
        if (s.hasAnyAffinity()) {
            podsWithAffinity++;
        }
        if (!s.requiredAntiAffinity().isEmpty()) {
            podsWithRequiredAntiAffinity++;
        }
        pods.add(pod);
    }

    boolean remove(PodInfo pod) {
        if (!pods.remove(pod)) {
            return false;
        }
        PodSpecFacts s = pod.spec();
        ResourceList r = s.requests();
        requestedMilliCpu -= r.milliCpu;
        requestedMemory -= r.memory;
        requestedEphemeralStorage -= r.ephemeralStorage;
        for (int i = 0; i < r.scalarNames.length; i++) {
            requestedScalars.merge(r.scalarNames[i], -r.scalarValues[i], Long::sum);
        }
        nonZeroMilliCpu -= s.nonZeroMilliCpu();
        nonZeroMemory -= s.nonZeroMemory();
        for (HostPort hp : s.hostPorts()) {
            usedPorts.remove(hp);
        }
        if (s.hasAnyAffinity()) {
            podsWithAffinity--;
        }
        if (!s.requiredAntiAffinity().isEmpty()) {
            podsWithRequiredAntiAffinity--;
        }
        return true;
    }

    @Override
    public String toString() {
        return "Node " + name;
    }
}

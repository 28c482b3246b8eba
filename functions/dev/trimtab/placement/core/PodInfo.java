package dev.trimtab.placement.core;

import java.util.List;
import java.util.Map;

/**
 * A pod as the placement core sees it: identity, binding, labels and its (shared) spec facts.
 * Immutable; {@link #boundTo} gives the copy that {@link Snapshot#assume} stores.
 */
public final class PodInfo {
    private final String namespace;
    private final String name;
    private final String nodeName;
    private final String phase;
    private final boolean terminating;
    private final Labels labels;
    private final PodSpecFacts spec;
    private final ControllerRef controller;

    PodInfo(
            String namespace,
            String name,
            String nodeName,
            String phase,
            boolean terminating,
            Labels labels,
            PodSpecFacts spec) {
        this(namespace, name, nodeName, phase, terminating, labels, spec, null);
    }

    PodInfo(
            String namespace,
            String name,
            String nodeName,
            String phase,
            boolean terminating,
            Labels labels,
            PodSpecFacts spec,
            ControllerRef controller) {
        this.namespace = namespace;
        this.name = name;
        this.nodeName = nodeName;
        this.phase = phase;
        this.terminating = terminating;
        this.labels = labels;
        this.spec = spec;
        this.controller = controller;
    }

    /** Parses a Pod object map; errors name the pod and the field path. */
    public static PodInfo fromMap(Map<String, Object> pod) {
        return PodParser.parse(pod, null);
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** {@code spec.nodeName}; empty when unbound. */
    public String nodeName() {
        return nodeName;
    }

    public String phase() {
        return phase;
    }

    /** Has a deletion timestamp: not counted by topology spread. */
    public boolean terminating() {
        return terminating;
    }

    public Labels labels() {
        return labels;
    }

    public PodSpecFacts spec() {
        return spec;
    }

    /** The controlling ReplicationController, ReplicaSet or StatefulSet, or null (see {@link ControllerRef}). */
    public ControllerRef controller() {
        return controller;
    }

    public ResourceList requests() {
        return spec.requests();
    }

    public List<Toleration> tolerations() {
        return spec.tolerations();
    }

    boolean terminal() {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    public PodInfo boundTo(String node) {
        return new PodInfo(namespace, name, node, phase, terminating, labels, spec, controller);
    }

    PodInfo withSpec(PodSpecFacts shared, Labels sharedLabels, ControllerRef sharedController) {
        return shared == spec && sharedLabels == labels && sharedController == controller
                ? this
                : new PodInfo(namespace, name, nodeName, phase, terminating, sharedLabels, shared, sharedController);
    }

    @Override
    public String toString() {
        return "Pod " + key() + (nodeName.isEmpty() ? "" : " on " + nodeName);
    }
}

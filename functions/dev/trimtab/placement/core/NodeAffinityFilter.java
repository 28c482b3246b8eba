package dev.trimtab.placement.core;

import java.util.Map;

/**
 * Requires the node to match {@code spec.nodeSelector} (every label equal) and the required node
 * affinity (any term). Pods with neither skip the filter.
 */
public final class NodeAffinityFilter implements FilterPlugin {
    public static final String NAME = "NodeAffinity";
    static final Status REJECT = Status.unresolvable("node(s) didn't match Pod's node affinity/selector");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        if (pod.spec().nodeSelector().isEmpty() && pod.spec().requiredNodeAffinity() == null) {
            return null;
        }
        return node -> matches(pod, node) ? Status.SUCCESS : REJECT;
    }

    /** {@code GetRequiredNodeAffinity(pod).Match(node)}: also used by topology spread's Honor policy. */
    static boolean matches(PodInfo pod, NodeInfo node) {
        Labels labels = node.labels();
        for (Map.Entry<String, String> e : pod.spec().nodeSelector().entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        NodeSelector required = pod.spec().requiredNodeAffinity();
        return required == null || required.matches(node);
    }
}

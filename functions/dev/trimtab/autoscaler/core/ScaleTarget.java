package dev.trimtab.autoscaler.core;

import dev.trimtab.kube.LabelSelector;

/**
 * A workload with a scale subresource: its spec and status replicas and the selector of its pods.
 *
 * @param resourceVersion the object's resourceVersion when it was observed, passed through to the
 *                        decision so a writer can apply it with optimistic concurrency
 */
public record ScaleTarget(
        ObjectRef ref, int specReplicas, int statusReplicas, LabelSelector selector, String resourceVersion) {
    public ScaleTarget withReplicas(int replicas) {
        return new ScaleTarget(ref, replicas, replicas, selector, resourceVersion);
    }
}

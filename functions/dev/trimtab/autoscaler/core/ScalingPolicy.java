package dev.trimtab.autoscaler.core;

/**
 * A ScalingPolicy object: its identity, its validated spec and its pause annotations.
 *
 * @param pausedReplicas with {@code paused}, the replica count to hold the target at, or null to
 *                       keep whatever it has
 */
public record ScalingPolicy(ObjectRef ref, ScalingSpec spec, boolean paused, Integer pausedReplicas) {
    public static final String PAUSED_ANNOTATION = "autoscaling.trimtab.dev/paused";
    public static final String PAUSED_REPLICAS_ANNOTATION = "autoscaling.trimtab.dev/paused-replicas";

    /** The scale target's reference, in the policy's namespace. */
    public ObjectRef targetRef() {
        ObjectRef t = spec.scaleTargetRef();
        return new ObjectRef(t.apiVersion(), t.kind(), ref.namespace(), t.name());
    }

    /** The key of its workload, {@code namespace/name} of the target, as the metric and decision topics use it. */
    public String workloadKey() {
        return ref.namespace() + "/" + spec.scaleTargetRef().name();
    }
}

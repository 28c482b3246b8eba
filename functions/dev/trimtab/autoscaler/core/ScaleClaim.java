package dev.trimtab.autoscaler.core;

/**
 * Some controller's claim on a scale target's {@code spec.replicas}: a ScalingPolicy, an HPA
 * ({@code autoscaling/v2} HorizontalPodAutoscaler) or a KEDA ScaledObject, by its
 * {@code scaleTargetRef}.
 *
 * @param source        the object that claims (the HPA, the ScaledObject, the ScalingPolicy)
 * @param shownAs       the object to name as the owner: the source, except for the HPA KEDA makes
 *                      for a ScaledObject ({@code keda-hpa-<name>}), shown as that ScaledObject
 * @param target        the scale target claimed
 * @param createdMillis the source's {@code metadata.creationTimestamp}; {@link Long#MAX_VALUE}
 *                      when it has none (taken as the newest)
 */
public record ScaleClaim(ObjectRef source, ObjectRef shownAs, ClusterState.TargetKey target, long createdMillis) {
    public static final String HPA = "HorizontalPodAutoscaler";
    public static final String SCALED_OBJECT = "ScaledObject";
    public static final String SCALING_POLICY = "ScalingPolicy";

    /** A claim by a controller Trimtab cannot make stop (an HPA or KEDA), not by a ScalingPolicy. */
    public boolean foreign() {
        return !SCALING_POLICY.equals(source.kind());
    }

    @Override
    public String toString() {
        return shownAs.kind() + " " + shownAs.namespace() + "/" + shownAs.name();
    }
}

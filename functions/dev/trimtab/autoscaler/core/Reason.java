package dev.trimtab.autoscaler.core;

/**
 * Stable reason codes of a scale decision. The HPA's own reasons keep their upstream names and
 * messages; the others cover Trimtab's extensions. The code (the enum name) never changes once
 * released: dashboards and alerts key on it.
 */
public enum Reason {
    // HPA ScalingLimited reasons
    DesiredWithinRange("the desired count is within the acceptable range"),
    TooManyReplicas("the desired replica count is more than the maximum replica count"),
    TooFewReplicas("the desired replica count is less than the minimum replica count"),
    ScaleUpLimit("the desired replica count is increasing faster than the maximum scale rate"),
    ScaleDownLimit("the desired replica count is decreasing faster than the maximum scale rate"),
    // HPA AbleToScale reasons
    ReadyForNewScale("recommended size matches current size"),
    ScaleUpStabilized("recent recommendations were lower than current one, applying the lowest recent recommendation"),
    ScaleDownStabilized(
            "recent recommendations were higher than current one, applying the highest recent recommendation"),
    // HPA ScalingActive reasons
    ScalingDisabled("scaling is disabled since the replica count of the target is zero"),
    FailedGetMetrics("the HPA was unable to compute the replica count"),
    FailedGetScale("the scale target was not found"),
    // Trimtab extensions
    Paused("scaling is paused by annotation"),
    Activated("a metric is above its activation threshold: scaling up from zero"),
    Deactivated("no metric is above its activation threshold and the cooldown has passed: scaling to zero"),
    CooldownPending("no metric is above its activation threshold; waiting for the cooldown before scaling to zero"),
    Inactive("no metric is above its activation threshold: staying at zero"),
    Panicking("panic mode: the panic-window demand reached the panic threshold; no scale-down while panicking"),
    // Boundaries: the policy is refused, nothing is written (see Boundaries)
    NamespaceExcluded("the namespace is excluded from autoscaling"),
    TargetAlreadyScaled("another autoscaler already scales the target"),
    ReplicasChangedByOther("another writer changed spec.replicas: holding");

    /** Whether a decision with this reason refused the policy (it never writes). */
    public boolean refusal() {
        return this == NamespaceExcluded || this == TargetAlreadyScaled || this == ReplicasChangedByOther;
    }

    private final String message;

    Reason(String message) {
        this.message = message;
    }

    public String message() {
        return message;
    }
}

package dev.trimtab.autoscaler.core;

/** {@code spec.behavior}, both directions defaulted as the API server defaults them. */
public record Behavior(ScalingRules scaleUp, ScalingRules scaleDown) {
    public static Behavior defaults() {
        return new Behavior(ScalingRules.defaultScaleUp(), ScalingRules.defaultScaleDown());
    }
}

package dev.trimtab.autoscaler.core;

import java.util.List;

/**
 * The result of one evaluation: what to do with the target's replicas and why. A hold is a
 * decision whose desired count equals the current one.
 *
 * @param recommendation the replica count the metrics asked for before stabilization, rate limits
 *                       and bounds; -1 when none was computed
 * @param stabilizedReplicas the recommendation after the stabilization windows; -1 when not reached
 * @param resourceVersion the target's resourceVersion the decision was computed on
 */
public record ScaleDecision(
        ObjectRef policy,
        ObjectRef target,
        long timeMillis,
        int currentReplicas,
        int desiredReplicas,
        Reason reason,
        String message,
        List<MetricResult> metrics,
        int recommendation,
        int stabilizedReplicas,
        boolean panicking,
        String resourceVersion) {

    public ScaleDecision {
        metrics = List.copyOf(metrics);
    }

    public boolean rescale() {
        return desiredReplicas != currentReplicas;
    }
}

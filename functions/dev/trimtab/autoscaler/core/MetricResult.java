package dev.trimtab.autoscaler.core;

/**
 * One metric's part of an evaluation: what was observed, against which target, and the replica
 * count it proposes — or why it could not be computed.
 *
 * @param currentUtilization Utilization targets: the observed average utilization, % of request
 * @param currentAverageMilli AverageValue targets (and Resource): the observed per-pod average
 * @param currentValueMilli  Value targets: the observed value; External: the sum of the series
 * @param proposedReplicas   the replica count this metric asks for, or -1 when it failed
 * @param demand             the un-rounded pod demand (usage ratio x pods counted), for panic mode;
 *                           NaN when not applicable
 * @param error              why the metric could not be computed, or null
 * @param note               how the proposal was adjusted (missing pods, fallback...), or null
 */
public record MetricResult(MetricSpec spec, Integer currentUtilization, Long currentAverageMilli,
                           Long currentValueMilli, int proposedReplicas, double demand, String error, String note) {

    public static MetricResult failed(MetricSpec spec, String error) {
        return new MetricResult(spec, null, null, null, -1, Double.NaN, error, null);
    }

    public boolean failed() {
        return error != null;
    }

    public MetricResult withProposal(int replicas, String newNote) {
        return new MetricResult(spec, currentUtilization, currentAverageMilli, currentValueMilli, replicas, demand,
                error, newNote);
    }

    public MetricResult withFallback(int replicas, String newNote) {
        return new MetricResult(spec, currentUtilization, currentAverageMilli, currentValueMilli, replicas,
                Double.NaN, null, newNote + " (metric failed: " + error + ")");
    }
}

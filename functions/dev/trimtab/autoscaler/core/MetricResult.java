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
 * @param activationValueMilli the value compared with the activation threshold when it is not
 *                           {@code currentValueMilli}: a Kafka metric's total lag with persistent lag
 *                           and before the partition cap (KEDA); null: {@code currentValueMilli}
 */
public record MetricResult(
        MetricSpec spec,
        Integer currentUtilization,
        Long currentAverageMilli,
        Long currentValueMilli,
        int proposedReplicas,
        double demand,
        String error,
        String note,
        Long activationValueMilli) {

    /** A result whose activation reads its current value. */
    public MetricResult(
            MetricSpec spec,
            Integer currentUtilization,
            Long currentAverageMilli,
            Long currentValueMilli,
            int proposedReplicas,
            double demand,
            String error,
            String note) {
        this(
                spec,
                currentUtilization,
                currentAverageMilli,
                currentValueMilli,
                proposedReplicas,
                demand,
                error,
                note,
                null);
    }

    public static MetricResult failed(MetricSpec spec, String error) {
        return new MetricResult(spec, null, null, null, -1, Double.NaN, error, null);
    }

    public boolean failed() {
        return error != null;
    }

    /** The value activation compares with the metric's threshold: {@code activationValueMilli}, else the current value. */
    public Long activationValue() {
        return activationValueMilli != null ? activationValueMilli : currentValueMilli;
    }

    public MetricResult withProposal(int replicas, String newNote) {
        return new MetricResult(
                spec,
                currentUtilization,
                currentAverageMilli,
                currentValueMilli,
                replicas,
                demand,
                error,
                newNote,
                activationValueMilli);
    }

    /** This result, activation reading {@code milli} instead of the current value. */
    public MetricResult withActivationValue(long milli) {
        return new MetricResult(
                spec,
                currentUtilization,
                currentAverageMilli,
                currentValueMilli,
                proposedReplicas,
                demand,
                error,
                note,
                milli);
    }

    public MetricResult withFallback(int replicas, String newNote) {
        return new MetricResult(
                spec,
                currentUtilization,
                currentAverageMilli,
                currentValueMilli,
                replicas,
                Double.NaN,
                null,
                newNote + " (metric failed: " + error + ")",
                activationValueMilli);
    }
}

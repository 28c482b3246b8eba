package dev.trimtab.ingest.core;

/**
 * One Kafka-lag metric to watch (docs/decisions/0034): the metric {@code spec.metrics[metricIndex]}
 * of ScalingPolicy {@code policyNamespace/policyName}, which scales {@code workloadKey}
 * ({@code <namespace>/<target name>}), reads the lag of {@code consumerGroup} on the cluster at
 * {@code bootstrapServers} (as written in the policy), on {@code topic}, or on every topic the group
 * has committed offsets for when {@code topic} is null.
 */
public record LagWatch(
        String workloadKey,
        String policyNamespace,
        String policyName,
        int metricIndex,
        String bootstrapServers,
        String consumerGroup,
        String topic) {

    /** The event's {@code subject}: {@code <namespace>/<policy name>}. */
    public String subject() {
        return policyNamespace + "/" + policyName;
    }

    /**
     * What one event answers: two metrics of a policy on the same cluster, group and topic share
     * their events (the event carries no metric index).
     */
    public String eventKey() {
        return workloadKey + "|" + subject() + "|" + bootstrapServers + "|" + consumerGroup + "|"
                + (topic == null ? "" : "t:" + topic);
    }

    /** For messages: {@code ScalingPolicy ns/name spec.metrics[i]}. */
    public String describe() {
        return "ScalingPolicy " + subject() + " spec.metrics[" + metricIndex + "] (group \"" + consumerGroup + "\""
                + (topic == null ? "" : ", topic \"" + topic + "\"") + ")";
    }
}

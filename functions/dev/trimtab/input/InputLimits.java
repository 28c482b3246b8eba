package dev.trimtab.input;

import dev.trimtab.cloudevents.CloudEventCodec;
import java.time.Duration;

/**
 * Bounds on what one event may carry, checked while decoding and folding, before any per-item
 * work, so a hostile or broken producer costs little and is named in the error. The live path
 * ({@code trimtab.autoscaler.input.*}) and replay use the same limits.
 *
 * @param maxEventBytes  a CloudEvent (body of a Kafka record or HTTP request, or a replay line)
 * @param maxDepth       JSON nesting depth of an event
 * @param maxListItems   items of a PodMetricsList, MetricValueList or ExternalMetricValueList
 * @param maxContainers  containers of a PodMetrics item or of a Pod (init containers included)
 * @param maxResources   resources in one container's usage or requests
 * @param maxLabels      labels of one object, or metric labels of one series
 * @param maxLabelLength characters of a label key or value
 * @param maxClockSkew   how far a sample may be dated ahead of the decision clock: up to this it
 *                       is taken as measured now; beyond it the event is rejected
 * @param maxKafkaTopics topics of one Kafka offsets event ({@code dev.trimtab.kafka.offsets})
 * @param maxKafkaPartitions partitions of one Kafka offsets event, all topics together
 */
public record InputLimits(
        int maxEventBytes,
        int maxDepth,
        int maxListItems,
        int maxContainers,
        int maxResources,
        int maxLabels,
        int maxLabelLength,
        Duration maxClockSkew,
        int maxKafkaTopics,
        int maxKafkaPartitions) {

    public static final int DEFAULT_MAX_KAFKA_TOPICS = 1_000;
    public static final int DEFAULT_MAX_KAFKA_PARTITIONS = 20_000;

    public InputLimits {
        if (maxEventBytes < 1
                || maxDepth < 1
                || maxListItems < 1
                || maxContainers < 1
                || maxResources < 1
                || maxLabels < 0
                || maxLabelLength < 1
                || maxClockSkew.isNegative()
                || maxKafkaTopics < 1
                || maxKafkaPartitions < 1) {
            throw new IllegalArgumentException(
                    "input limits must be positive (max-labels and max-clock-skew may be 0): " + this);
        }
    }

    /** The limits with the default Kafka offsets bounds. */
    public InputLimits(
            int maxEventBytes,
            int maxDepth,
            int maxListItems,
            int maxContainers,
            int maxResources,
            int maxLabels,
            int maxLabelLength,
            Duration maxClockSkew) {
        this(
                maxEventBytes,
                maxDepth,
                maxListItems,
                maxContainers,
                maxResources,
                maxLabels,
                maxLabelLength,
                maxClockSkew,
                DEFAULT_MAX_KAFKA_TOPICS,
                DEFAULT_MAX_KAFKA_PARTITIONS);
    }

    /** The defaults of {@code trimtab.autoscaler.input.*}. */
    public static InputLimits defaults() {
        return new InputLimits(1_048_576, 64, 5_000, 64, 32, 256, 317, Duration.ofSeconds(5));
    }

    public InputLimits withMaxClockSkew(Duration skew) {
        return new InputLimits(
                maxEventBytes,
                maxDepth,
                maxListItems,
                maxContainers,
                maxResources,
                maxLabels,
                maxLabelLength,
                skew,
                maxKafkaTopics,
                maxKafkaPartitions);
    }

    public InputLimits withKafka(int topics, int partitions) {
        return new InputLimits(
                maxEventBytes,
                maxDepth,
                maxListItems,
                maxContainers,
                maxResources,
                maxLabels,
                maxLabelLength,
                maxClockSkew,
                topics,
                partitions);
    }

    /** The decoder's share of the limits. */
    public CloudEventCodec.Limits codec() {
        return new CloudEventCodec.Limits(maxEventBytes, maxDepth);
    }
}

package dev.trimtab.input;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Bounds on every event the live autoscaler takes ({@code trimtab.autoscaler.input.*}); see {@link InputLimits}. */
@ConfigMapping(prefix = "trimtab.autoscaler.input")
public interface InputSettings {
    /** The largest CloudEvent accepted, in bytes (Kafka's default max message size). */
    @WithDefault("1048576")
    int maxEventBytes();

    /** The deepest JSON nesting accepted in an event. */
    @WithDefault("64")
    int maxDepth();

    /** The most items of a PodMetricsList, MetricValueList or ExternalMetricValueList. */
    @WithDefault("5000")
    int maxListItems();

    /** The most containers of a PodMetrics item or of a Pod. */
    @WithDefault("64")
    int maxContainers();

    /** The most resources in one container's usage or requests. */
    @WithDefault("32")
    int maxResources();

    /**
     * The most labels of an object or metric series (and terms of a metric selector). Kubernetes
     * sets no count; a Pod refused for its labels would be missing from its workload's decisions.
     */
    @WithDefault("256")
    int maxLabels();

    /** The longest label key or value (Kubernetes' longest valid key: 253 + 1 + 63). */
    @WithDefault("317")
    int maxLabelLength();

    /**
     * How far ahead of this instance's clock a sample may be dated: up to this it counts as
     * measured now, beyond it the event is rejected.
     */
    @WithDefault("5s")
    Duration maxClockSkew();

    /** The most topics of one Kafka offsets event ({@code dev.trimtab.kafka.offsets}). */
    @WithDefault("1000")
    int maxKafkaTopics();

    /** The most partitions of one Kafka offsets event, all topics together. */
    @WithDefault("20000")
    int maxKafkaPartitions();

    default InputLimits limits() {
        return new InputLimits(
                maxEventBytes(),
                maxDepth(),
                maxListItems(),
                maxContainers(),
                maxResources(),
                maxLabels(),
                maxLabelLength(),
                maxClockSkew(),
                maxKafkaTopics(),
                maxKafkaPartitions());
    }
}

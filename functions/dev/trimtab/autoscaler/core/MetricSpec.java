package dev.trimtab.autoscaler.core;

import dev.trimtab.kube.LabelSelector;

/**
 * One entry of {@code spec.metrics}, as in HPA autoscaling/v2, with quantities in milli-units.
 *
 * @param resource   Resource/ContainerResource: the resource name ("cpu", "memory", ...)
 * @param container  ContainerResource: the container whose usage counts
 * @param metricName Pods/Object/External: the metric's name
 * @param metricSelector Pods/Object/External: {@code metric.selector}, or null
 * @param describedObject Object: the object the metric describes (namespace = the policy's)
 * @param activationMilli extension, Object/External only: with minReplicas 0 the workload is active
 *                        only while this metric's value is strictly above this threshold (KEDA)
 * @param ignoreNullValues extension, External only (KEDA's name): when no fresh series matches, the
 *                        metric's value is 0 instead of an error, as a count of alerts that are not
 *                        firing, or a Prometheus query with an empty result, is zero
 * @param pull        extension, External only: the PromQL query whose answers feed this metric
 *                    ({@code type: Prometheus} in a ScalingPolicy), null for a pushed metric
 * @param kafka       extension, External only: the consumer-group lag this metric measures
 *                    ({@code type: Kafka} in a ScalingPolicy, KEDA's Kafka scaler), null otherwise;
 *                    its value is the policy's latest {@link KafkaLagCalculator} result, not a series
 */
public record MetricSpec(
        Type type,
        String resource,
        String container,
        String metricName,
        LabelSelector metricSelector,
        ObjectRef describedObject,
        Target target,
        long activationMilli,
        boolean ignoreNullValues,
        PromQuery pull,
        KafkaLag kafka) {

    /** A metric without Kafka lag (every kind but {@code type: Kafka}). */
    public MetricSpec(
            Type type,
            String resource,
            String container,
            String metricName,
            LabelSelector metricSelector,
            ObjectRef describedObject,
            Target target,
            long activationMilli,
            boolean ignoreNullValues,
            PromQuery pull) {
        this(
                type,
                resource,
                container,
                metricName,
                metricSelector,
                describedObject,
                target,
                activationMilli,
                ignoreNullValues,
                pull,
                null);
    }

    public enum Type {
        Resource,
        ContainerResource,
        Pods,
        Object,
        External
    }

    public enum TargetType {
        Utilization,
        AverageValue,
        Value
    }

    /** {@code target}: exactly one of the three values is meaningful, according to {@code type}. */
    public record Target(TargetType type, int averageUtilization, long averageValueMilli, long valueMilli) {
        public static Target utilization(int percent) {
            return new Target(TargetType.Utilization, percent, 0, 0);
        }

        public static Target averageValue(long milli) {
            return new Target(TargetType.AverageValue, 0, milli, 0);
        }

        public static Target value(long milli) {
            return new Target(TargetType.Value, 0, 0, milli);
        }
    }

    public static MetricSpec resource(String resource, Target target) {
        return new MetricSpec(Type.Resource, resource, null, null, null, null, target, 0, false, null);
    }

    public static MetricSpec containerResource(String resource, String container, Target target) {
        return new MetricSpec(Type.ContainerResource, resource, container, null, null, null, target, 0, false, null);
    }

    public static MetricSpec pods(String name, LabelSelector selector, Target target) {
        return new MetricSpec(Type.Pods, null, null, name, selector, null, target, 0, false, null);
    }

    public static MetricSpec object(String name, LabelSelector selector, ObjectRef described, Target target) {
        return new MetricSpec(Type.Object, null, null, name, selector, described, target, 0, false, null);
    }

    public static MetricSpec external(String name, LabelSelector selector, Target target) {
        return new MetricSpec(Type.External, null, null, name, selector, null, target, 0, false, null);
    }

    public MetricSpec withActivation(long milli) {
        return new MetricSpec(
                type,
                resource,
                container,
                metricName,
                metricSelector,
                describedObject,
                target,
                milli,
                ignoreNullValues,
                pull,
                kafka);
    }

    public MetricSpec withIgnoreNullValues(boolean ignore) {
        return new MetricSpec(
                type,
                resource,
                container,
                metricName,
                metricSelector,
                describedObject,
                target,
                activationMilli,
                ignore,
                pull,
                kafka);
    }

    /** This External metric, fed by the answers of {@code query}. */
    public MetricSpec withPull(PromQuery query) {
        return new MetricSpec(
                type,
                resource,
                container,
                metricName,
                metricSelector,
                describedObject,
                target,
                activationMilli,
                ignoreNullValues,
                query,
                kafka);
    }

    /** This External metric, measuring the lag of {@code lag}'s consumer group. */
    public MetricSpec withKafka(KafkaLag lag) {
        return new MetricSpec(
                type,
                resource,
                container,
                metricName,
                metricSelector,
                describedObject,
                target,
                activationMilli,
                ignoreNullValues,
                pull,
                lag);
    }

    /** The name the HPA uses for this metric in its rescale reasons and conditions. */
    public String displayName() {
        return switch (type) {
            case Resource ->
                target.type() == TargetType.Utilization
                        ? resource + " resource utilization (percentage of request)"
                        : resource + " resource";
            case ContainerResource ->
                target.type() == TargetType.Utilization
                        ? resource + " container resource utilization (percentage of request)"
                        : resource + " container resource";
            case Pods -> "pods metric " + metricName;
            case Object -> describedObject.kind() + " metric " + metricName;
            case External ->
                "external metric " + metricName + (metricSelector == null ? "" : "(" + metricSelector + ")");
        };
    }
}

package dev.trimtab.ingest.core;

import java.util.Map;

/**
 * One sample a monitoring system sent, as the Kubernetes metrics API would describe it: a Pods
 * metric about one pod, an Object metric about another object, or an External metric series.
 * Values are in milli-units (a Kubernetes quantity's resolution), times in epoch milliseconds.
 */
public sealed interface MetricItem {
    String namespace();

    String metricName();

    long milli();

    long timestampMillis();

    /** {@code custom.metrics.k8s.io} MetricValue about a Pod. */
    record PodValue(String namespace, String pod, String metricName, long milli, long timestampMillis)
            implements MetricItem {}

    /** {@code custom.metrics.k8s.io} MetricValue about another object (a Deployment, a Service...). */
    record ObjectValue(
            String namespace,
            String apiVersion,
            String kind,
            String name,
            String metricName,
            long milli,
            long timestampMillis)
            implements MetricItem {}

    /**
     * {@code external.metrics.k8s.io} ExternalMetricValue; {@code namespace} is its scope, "" for a
     * series every namespace sees.
     */
    record ExternalValue(
            String namespace, String metricName, Map<String, String> labels, long milli, long timestampMillis)
            implements MetricItem {
        public ExternalValue {
            labels = Map.copyOf(labels);
        }
    }
}

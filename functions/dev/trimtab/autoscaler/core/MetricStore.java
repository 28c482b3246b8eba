package dev.trimtab.autoscaler.core;

import dev.trimtab.kube.LabelSelector;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The newest metric samples, as the three metrics APIs would answer them: resource usage per pod
 * (metrics.k8s.io), custom metrics per pod or per object (custom.metrics.k8s.io) and external
 * metric series (external.metrics.k8s.io). Each new sample replaces the previous one of its series.
 */
public final class MetricStore {

    /** A custom metric series: the metric's name and its selector (canonical text, "" for none). */
    public record SeriesKey(String metricName, String selector) {
        public static SeriesKey of(String metricName, LabelSelector selector) {
            return new SeriesKey(metricName, selector == null ? "" : selector.toString());
        }
    }

    /** An object a custom metric describes. */
    public record ObjectKey(String namespace, String kind, String name, SeriesKey series) {}

    /** External series, scoped to a namespace ("" = every namespace). */
    public record ExternalKey(String namespace, String metricName) {}

    public record ExternalSeries(Map<String, String> labels, Sample sample) {}

    private final Map<String, Map<String, PodUsage>> podUsage = new HashMap<>();
    private final Map<String, java.util.Set<String>> knownPods = new HashMap<>();
    private final Map<String, java.util.TreeMap<String, PodUsage>> orphanUsage = new HashMap<>();
    private final Map<String, Map<SeriesKey, Map<String, Sample>>> podCustom = new HashMap<>();
    private final Map<ObjectKey, Sample> objects = new HashMap<>();
    private final Map<ExternalKey, Map<Map<String, String>, ExternalSeries>> external = new HashMap<>();
    private final Map<ObjectRef, Map<Integer, KafkaLagSample>> kafkaLag = new HashMap<>();

    /**
     * A Kafka metric's latest poll: its result, when it was polled (the offsets event's time), and
     * the memory the next poll of this metric compares with (persistent lag).
     */
    public record KafkaLagSample(
            KafkaLagCalculator.Result result, long timestampMillis, KafkaLagCalculator.Memory memory) {}

    /** Stores the poll of the Kafka metric {@code index} of {@code policy}, replacing the previous one. */
    public void putKafkaLag(ObjectRef policy, int index, KafkaLagSample sample) {
        kafkaLag.computeIfAbsent(policy, k -> new HashMap<>()).put(index, sample);
    }

    /** The latest poll of the Kafka metric {@code index} of {@code policy}, or null. */
    public KafkaLagSample kafkaLag(ObjectRef policy, int index) {
        Map<Integer, KafkaLagSample> byIndex = kafkaLag.get(policy);
        return byIndex == null ? null : byIndex.get(index);
    }

    /** Forgets the polls and the persistent-lag memory of every Kafka metric of {@code policy}. */
    public void removeKafkaLag(ObjectRef policy) {
        kafkaLag.remove(policy);
    }

    public void putPodUsage(String namespace, String pod, PodUsage usage) {
        podUsage.computeIfAbsent(namespace, k -> new HashMap<>()).put(pod, usage);
        if (!knownPods.getOrDefault(namespace, java.util.Set.of()).contains(pod)) {
            orphanUsage
                    .computeIfAbsent(namespace, k -> new java.util.TreeMap<>())
                    .put(pod, usage);
        }
    }

    /** A Pod object exists for this name: its usage is found through the pod from now on. */
    void knownPod(String namespace, String pod) {
        knownPods.computeIfAbsent(namespace, k -> new java.util.HashSet<>()).add(pod);
        java.util.TreeMap<String, PodUsage> orphans = orphanUsage.get(namespace);
        if (orphans != null) {
            orphans.remove(pod);
        }
    }

    /**
     * Usage reported for pods whose Pod object has not been seen (metrics can arrive first), by
     * pod name, sorted. The metrics API would answer for them if their labels match.
     */
    public Map<String, PodUsage> orphanUsages(String namespace) {
        Map<String, PodUsage> orphans = orphanUsage.get(namespace);
        return orphans == null ? Map.of() : orphans;
    }

    public PodUsage podUsage(String namespace, String pod) {
        Map<String, PodUsage> byPod = podUsage.get(namespace);
        return byPod == null ? null : byPod.get(pod);
    }

    public void putPodMetric(String namespace, String pod, SeriesKey series, Sample sample) {
        podCustom
                .computeIfAbsent(namespace, k -> new HashMap<>())
                .computeIfAbsent(series, k -> new HashMap<>())
                .put(pod, sample);
    }

    public Sample podMetric(String namespace, String pod, SeriesKey series) {
        Map<SeriesKey, Map<String, Sample>> byName = podCustom.get(namespace);
        Map<String, Sample> byPod = byName == null ? null : byName.get(series);
        return byPod == null ? null : byPod.get(pod);
    }

    public void putObjectMetric(ObjectKey key, Sample sample) {
        objects.put(key, sample);
    }

    public Sample objectMetric(ObjectKey key) {
        return objects.get(key);
    }

    public void putExternal(String namespace, String metricName, Map<String, String> labels, Sample sample) {
        external.computeIfAbsent(new ExternalKey(namespace, metricName), k -> new LinkedHashMap<>())
                .put(Map.copyOf(labels), new ExternalSeries(Map.copyOf(labels), sample));
    }

    /** Drops every series of an external metric in a scope, before a list replaces them. */
    public void clearExternal(String namespace, String metricName) {
        external.remove(new ExternalKey(namespace, metricName));
    }

    /** Series of {@code metricName} visible from {@code namespace}: its own and the cluster-wide ones. */
    public Iterable<ExternalSeries> external(String namespace, String metricName) {
        Map<Map<String, String>, ExternalSeries> own = external.get(new ExternalKey(namespace, metricName));
        Map<Map<String, String>, ExternalSeries> global = external.get(new ExternalKey("", metricName));
        if (global == null) {
            return own == null ? java.util.List.of() : own.values();
        }
        if (own == null) {
            return global.values();
        }
        java.util.List<ExternalSeries> all = new java.util.ArrayList<>(own.values());
        all.addAll(global.values());
        return all;
    }

    public void removePod(String namespace, String pod) {
        Map<String, PodUsage> byPod = podUsage.get(namespace);
        if (byPod != null) {
            byPod.remove(pod);
        }
        java.util.Set<String> known = knownPods.get(namespace);
        if (known != null) {
            known.remove(pod);
        }
        Map<String, PodUsage> orphans = orphanUsage.get(namespace);
        if (orphans != null) {
            orphans.remove(pod);
        }
        Map<SeriesKey, Map<String, Sample>> byName = podCustom.get(namespace);
        if (byName != null) {
            byName.values().forEach(m -> m.remove(pod));
        }
    }
}

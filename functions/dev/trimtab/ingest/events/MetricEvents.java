package dev.trimtab.ingest.events;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.ingest.core.MetricItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Metric items as the CloudEvents the autoscaler reads (README "Input"): Pods and Object metrics
 * as {@code custom.metrics.k8s.io/v1beta2} {@code MetricValueList}s, one per namespace (split
 * every {@code maxListItems}), and each External series as its own
 * {@code external.metrics.k8s.io/v1beta1} {@code ExternalMetricValue}, scoped by the extension
 * attribute {@code namespace} (a single value replaces only its own series: a sender may split
 * one metric's series over several requests). Every event's {@code time} is the latest sample
 * time it carries, and every item keeps its own {@code timestamp}.
 */
public final class MetricEvents {
    public static final String TYPE = "dev.trimtab.metrics";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String source;
    private final int maxListItems;

    /**
     * @param source       the events' {@code source}, e.g. {@code /trimtab/ingest/prometheus-remote-write}
     * @param maxListItems the most items one list carries (at most the autoscaler's {@code max-list-items})
     */
    public MetricEvents(String source, int maxListItems) {
        if (maxListItems < 1) {
            throw new IllegalArgumentException("maxListItems: " + maxListItems + ", must be at least 1");
        }
        this.source = source;
        this.maxListItems = maxListItems;
    }

    /** The events' {@code source}. */
    public String source() {
        return source;
    }

    /** The most items one list carries. */
    public int maxListItems() {
        return maxListItems;
    }

    /** The events of these items, ids {@code idPrefix-1}, {@code -2}..., in the items' order of appearance. */
    public List<CloudEvent> events(List<MetricItem> items, String idPrefix, Map<String, String> extensions) {
        Map<String, List<MetricItem>> custom = new LinkedHashMap<>();
        List<CloudEvent> out = new ArrayList<>();
        List<MetricItem> external = new ArrayList<>();
        for (MetricItem i : items) {
            if (i instanceof MetricItem.ExternalValue) {
                external.add(i);
            } else {
                custom.computeIfAbsent(i.namespace(), k -> new ArrayList<>()).add(i);
            }
        }
        int[] n = {0};
        custom.values().forEach(list -> {
            for (int from = 0; from < list.size(); from += maxListItems) {
                List<MetricItem> chunk = list.subList(from, Math.min(list.size(), from + maxListItems));
                ObjectNode data = JSON.objectNode();
                data.put("apiVersion", "custom.metrics.k8s.io/v1beta2");
                data.put("kind", "MetricValueList");
                data.putObject("metadata");
                var arr = data.putArray("items");
                long latest = Long.MIN_VALUE;
                for (MetricItem i : chunk) {
                    arr.add(metricValue(i));
                    latest = Math.max(latest, i.timestampMillis());
                }
                out.add(event(idPrefix + "-" + ++n[0], latest, data, extensions));
            }
        });
        for (MetricItem i : external) {
            MetricItem.ExternalValue e = (MetricItem.ExternalValue) i;
            ObjectNode data = JSON.objectNode();
            data.put("apiVersion", "external.metrics.k8s.io/v1beta1");
            data.put("kind", "ExternalMetricValue");
            data.put("metricName", e.metricName());
            ObjectNode labels = data.putObject("metricLabels");
            e.labels().forEach(labels::put);
            data.put("timestamp", Instant.ofEpochMilli(e.timestampMillis()).toString());
            data.put("value", e.milli() + "m");
            Map<String, String> ext = new LinkedHashMap<>(extensions);
            if (!e.namespace().isEmpty()) {
                ext.put("namespace", e.namespace());
            }
            out.add(event(idPrefix + "-" + ++n[0], e.timestampMillis(), data, ext));
        }
        return out;
    }

    /**
     * The events for each workload key that reads some of the items: the items it reads, as
     * {@link #events}, with the extension {@code partitionkey} set to the key (the record key on
     * {@code trimtab.metrics}, so the workload's owner decides).
     */
    public Map<String, List<CloudEvent>> byWorkload(
            List<MetricItem> items, List<Set<String>> workloads, String idPrefix) {
        Map<String, List<MetricItem>> grouped = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            for (String key : new LinkedHashSet<>(workloads.get(i))) {
                grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(items.get(i));
            }
        }
        Map<String, List<CloudEvent>> out = new LinkedHashMap<>();
        int[] w = {0};
        grouped.forEach(
                (key, list) -> out.put(key, events(list, idPrefix + "-" + ++w[0], Map.of("partitionkey", key))));
        return out;
    }

    private static ObjectNode metricValue(MetricItem i) {
        ObjectNode v = JSON.objectNode();
        ObjectNode d = v.putObject("describedObject");
        if (i instanceof MetricItem.PodValue p) {
            d.put("apiVersion", "v1");
            d.put("kind", "Pod");
            d.put("namespace", p.namespace());
            d.put("name", p.pod());
        } else if (i instanceof MetricItem.ObjectValue o) {
            d.put("apiVersion", o.apiVersion());
            d.put("kind", o.kind());
            d.put("namespace", o.namespace());
            d.put("name", o.name());
        }
        v.putObject("metric").put("name", i.metricName());
        v.put("timestamp", Instant.ofEpochMilli(i.timestampMillis()).toString());
        v.put("value", i.milli() + "m");
        return v;
    }

    private CloudEvent event(String id, long timeMillis, ObjectNode data, Map<String, String> extensions) {
        return new CloudEvent(
                id, source, TYPE, null, Instant.ofEpochMilli(timeMillis), "application/json", data, extensions);
    }
}

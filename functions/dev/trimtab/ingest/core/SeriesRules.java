package dev.trimtab.ingest.core;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a series becomes a Kubernetes metric, by its labels alone (README "Monitoring systems"):
 * <ol>
 *   <li>{@code namespace} and {@code pod}: a Pods metric named after the series, about that pod;</li>
 *   <li>{@code namespace} and one of the {@link ObjectLabel object labels} (by default
 *       {@code deployment}, {@code statefulset}, {@code service}, {@code ingress}, in that order,
 *       the labels kube-state-metrics and most exporters use): an Object metric about that object;</li>
 *   <li>anything else: an External metric named after the series, its labels but {@code namespace}
 *       kept for the policy's selector, scoped to the {@code namespace} label's namespace when it
 *       has one and seen by every namespace when it has none.</li>
 * </ol>
 * A value is taken in milli-units, rounded to the nearest; NaN (Prometheus' staleness marker
 * among them), infinite, negative and larger-than-quantity values are {@link Skipped} with their
 * reason. A sample dated more than the allowed clock skew after {@code now} rejects the request
 * (as the autoscaler's decoder would reject the event): the sender's clock is wrong.
 */
public final class SeriesRules {
    /** The largest value taken: 9e15, so that its milli-units fit a long with room. */
    static final double MAX_VALUE = 9e15;

    /** A label that names an object of a kind in the series' namespace. */
    public record ObjectLabel(String label, String apiVersion, String kind) {}

    /** The bounds a metric event must stay within, from the autoscaler's input limits. */
    public record Bounds(int maxLabels, int maxLabelLength, long maxClockSkewMillis) {}

    /** The items of a request, and the series that feed none. */
    public record Conversion(List<MetricItem> items, List<Skipped> skipped) {}

    public static final List<ObjectLabel> DEFAULT_OBJECT_LABELS = List.of(
            new ObjectLabel("deployment", "apps/v1", "Deployment"),
            new ObjectLabel("statefulset", "apps/v1", "StatefulSet"),
            new ObjectLabel("service", "v1", "Service"),
            new ObjectLabel("ingress", "networking.k8s.io/v1", "Ingress"));

    private final List<ObjectLabel> objectLabels;
    private final Bounds bounds;

    public SeriesRules(List<ObjectLabel> objectLabels, Bounds bounds) {
        this.objectLabels = List.copyOf(objectLabels);
        this.bounds = bounds;
    }

    /**
     * @param nowMillis the receiver's clock, for the future-timestamp check ({@link Long#MAX_VALUE}:
     *                  no clock, as offline)
     * @throws BadPayload for a sample dated too far ahead; nothing of the request is converted
     */
    public Conversion convert(List<Series> series, long nowMillis) {
        return convert(series, nowMillis, false);
    }

    /**
     * As {@link #convert(List, long)}; with {@code externalOnly} every series becomes an External
     * metric by rule 3, whatever its labels name (alerts: an alert about a pod is still counted
     * among the alerts, not read as a metric of that pod).
     */
    public Conversion convert(List<Series> series, long nowMillis, boolean externalOnly) {
        List<MetricItem> items = new ArrayList<>(series.size());
        List<Skipped> skipped = new ArrayList<>();
        for (Series s : series) {
            if (s.timestampMillis() > nowMillis && s.timestampMillis() - nowMillis > bounds.maxClockSkewMillis()) {
                throw new BadPayload("series " + s.describe() + ": its sample is dated "
                        + Instant.ofEpochMilli(s.timestampMillis()) + ", more than "
                        + bounds.maxClockSkewMillis() + " ms ahead of this receiver's clock "
                        + Instant.ofEpochMilli(nowMillis) + " (trimtab.autoscaler.input.max-clock-skew)");
            }
            Skipped.Reason bad = unusable(s.value());
            if (bad != null) {
                skipped.add(new Skipped(s.describe(), bad));
                continue;
            }
            long milli = Math.round(s.value() * 1000);
            MetricItem item = externalOnly ? external(s, milli) : item(s, milli);
            if (item == null) {
                skipped.add(new Skipped(s.describe(), Skipped.Reason.TooManyLabels));
            } else {
                items.add(item);
            }
        }
        return new Conversion(items, skipped);
    }

    private MetricItem item(Series s, long milli) {
        Map<String, String> l = s.labels();
        String ns = l.get("namespace");
        if (ns != null && l.containsKey("pod")) {
            return new MetricItem.PodValue(ns, l.get("pod"), s.name(), milli, s.timestampMillis());
        }
        if (ns != null) {
            for (ObjectLabel o : objectLabels) {
                String name = l.get(o.label());
                if (name != null) {
                    return new MetricItem.ObjectValue(
                            ns, o.apiVersion(), o.kind(), name, s.name(), milli, s.timestampMillis());
                }
            }
        }
        return external(s, milli);
    }

    private MetricItem external(Series s, long milli) {
        Map<String, String> l = s.labels();
        String ns = l.get("namespace");
        Map<String, String> labels = new LinkedHashMap<>();
        l.entrySet().stream()
                .filter(e -> !e.getKey().equals("namespace"))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> labels.put(e.getKey(), e.getValue()));
        if (labels.size() > bounds.maxLabels()
                || labels.entrySet().stream()
                        .anyMatch(e -> e.getKey().length() > bounds.maxLabelLength()
                                || e.getValue().length() > bounds.maxLabelLength())) {
            return null;
        }
        return new MetricItem.ExternalValue(ns == null ? "" : ns, s.name(), labels, milli, s.timestampMillis());
    }

    static Skipped.Reason unusable(double v) {
        if (Double.isNaN(v)) {
            return Skipped.Reason.NotANumber;
        }
        if (Double.isInfinite(v) || v > MAX_VALUE) {
            return Skipped.Reason.OutOfRange;
        }
        return v < 0 ? Skipped.Reason.Negative : null;
    }
}

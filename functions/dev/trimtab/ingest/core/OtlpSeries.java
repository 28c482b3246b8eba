package dev.trimtab.ingest.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns OpenTelemetry metric data points, whichever encoding carried them ({@link OtlpProto},
 * the JSON reader), into {@link Series} that {@link SeriesRules} then maps to Kubernetes metrics
 * (README "OpenTelemetry", docs/decisions/0029). Stateless: a point's figures come from the point
 * alone, so any instance may take any request and {@code convert} prints what the live receiver
 * feeds.
 *
 * <h2>Labels</h2>
 * The point's attributes over its resource's, where the Kubernetes resource attributes name what
 * the series is about: {@code k8s.namespace.name} becomes {@code namespace}, {@code k8s.pod.name}
 * {@code pod}, and {@code k8s.<label>.name} each configured object label ({@code k8s.deployment.name}
 * {@code deployment}, {@code k8s.statefulset.name} {@code statefulset}...). Of the resource's other
 * attributes only {@code service.name}, {@code service.namespace} and {@code service.instance.id}
 * are kept (the rest describe the process, not the series); every attribute of the point is kept
 * under its own name. String, boolean, integer and double values are labels as text; arrays,
 * maps and bytes are not labels. A key given twice: the last wins.
 *
 * <h2>Values</h2>
 * <ul>
 *   <li>Gauge and Sum: the point's value, named after the metric. A delta Sum also feeds
 *       {@code <name>:rate}, its value per second over the point's interval
 *       ({@code time - start_time}). A cumulative Sum feeds no rate: that needs the previous point,
 *       and a stateless receiver has none (send delta temporality; docs/decisions/0029).</li>
 *   <li>Histogram: {@code <name>:mean} (sum / count) and {@code <name>:p50}, {@code :p90},
 *       {@code :p95}, {@code :p99} from the buckets, interpolated within the bucket as Prometheus'
 *       {@code histogram_quantile} does, the point's {@code min} and {@code max} (when sent)
 *       narrowing the lowest and highest bucket. With delta temporality they describe the interval;
 *       with cumulative, everything since {@code start_time}.</li>
 *   <li>Exponential histogram: {@code <name>:mean} only.</li>
 *   <li>Summary: {@code <name>:mean} and {@code <name>:p<q×100>} for each quantile sent
 *       ({@code :p50}, {@code :p99.9}...).</li>
 * </ul>
 * Colons cannot occur in an OpenTelemetry instrument name, so a derived name never clashes with
 * a metric's own. A point flagged "no recorded value", a histogram or summary of no observations
 * and a delta rate without an interval are {@link Skipped} with their reason. Times are the points'
 * {@code time_unix_nano} in milliseconds; 0 dates the point 1970, so it is stale.
 *
 * <p>What breaks the data model (bucket counts that do not match the bounds, bounds that do not
 * increase, a quantile outside [0, 1], a count past 2^63) is a {@link BadPayload} naming the
 * point; so is a request past the {@link IngestLimits} (data points: {@code max-series} and
 * {@code max-samples}; attributes of one resource or point: {@code max-labels}).
 */
public final class OtlpSeries {
    /** The quantiles a histogram feeds. */
    static final double[] QUANTILES = {0.5, 0.9, 0.95, 0.99};
    /** The resource attributes kept as labels (they tell one sender's series from another's). */
    static final List<String> RESOURCE_LABELS = List.of("service.name", "service.namespace", "service.instance.id");

    /** Aggregation temporality, by its protobuf number. */
    public enum Temporality {
        Unspecified,
        Delta,
        Cumulative;

        /** @throws BadPayload for a number the data model does not define */
        public static Temporality of(long number, String where) {
            if (number < 0 || number > 2) {
                throw new BadPayload(
                        where + ": aggregation temporality " + number + " is not 0, 1 (delta) or 2 (cumulative)");
            }
            return values()[(int) number];
        }
    }

    /** What every data point has: where it was read (for messages), its attributes, times and flags. */
    public record Point(String where, Map<String, String> attributes, long startNanos, long timeNanos, int flags) {
        boolean noRecordedValue() {
            return (flags & 1) != 0;
        }
    }

    private final Map<String, String> mapped = new HashMap<>();
    private final IngestLimits limits;
    private final List<Series> series = new ArrayList<>();
    private final List<Skipped> skipped = new ArrayList<>();
    private Map<String, String> resource = Map.of();
    private long points;

    /**
     * @param objectLabels the receivers' object labels: {@code k8s.<label>.name} maps to each
     */
    public OtlpSeries(List<SeriesRules.ObjectLabel> objectLabels, IngestLimits limits) {
        this.limits = limits;
        mapped.put("k8s.namespace.name", "namespace");
        mapped.put("k8s.pod.name", "pod");
        for (SeriesRules.ObjectLabel o : objectLabels) {
            mapped.put("k8s." + o.label() + ".name", o.label());
        }
    }

    /** Starts the points of one resource, given its attributes. */
    public void resource(Map<String, String> attributes) {
        Map<String, String> r = new HashMap<>();
        attributes.forEach((k, v) -> {
            String m = mapped.get(k);
            if (m != null) {
                r.put(m, v);
            } else if (RESOURCE_LABELS.contains(k)) {
                r.put(k, v);
            }
        });
        this.resource = r;
    }

    /** A Gauge's or Sum's point ({@code sum}: whether it is a Sum, then of {@code temporality}). */
    public void number(String metric, boolean sum, Temporality temporality, Point p, Double value) {
        Map<String, String> labels = count(p);
        if (p.noRecordedValue() || value == null) {
            skip(metric, labels, Skipped.Reason.NoRecordedValue);
            return;
        }
        add(metric, labels, value, p);
        if (sum && temporality == Temporality.Delta) {
            if (p.startNanos() == 0 || Long.compareUnsigned(p.timeNanos(), p.startNanos()) <= 0) {
                skip(metric + ":rate", labels, Skipped.Reason.NoInterval);
            } else {
                add(metric + ":rate", labels, value / ((p.timeNanos() - p.startNanos()) / 1e9), p);
            }
        }
    }

    /**
     * A Histogram's point; {@code sum}, {@code min}, {@code max} null when not sent.
     *
     * @param buckets the bucket counts (empty: only count and sum were sent)
     * @param bounds  the explicit bounds, one fewer than the buckets
     */
    public void histogram(
            String metric, Point p, long count, Double sum, long[] buckets, double[] bounds, Double min, Double max) {
        Map<String, String> labels = count(p);
        if (buckets.length > 0 && buckets.length != bounds.length + 1) {
            throw new BadPayload(p.where() + ": " + buckets.length + " bucket counts for " + bounds.length
                    + " explicit bounds (the data model needs one more count than bounds)");
        }
        for (int i = 0; i < bounds.length; i++) {
            if (Double.isNaN(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1]))) {
                throw new BadPayload(
                        p.where() + ": explicit bounds must increase strictly, bound " + i + " is " + bounds[i]);
            }
        }
        long total = 0;
        for (long b : buckets) {
            total = addCount(total, b, p);
        }
        nonNegative(count, p);
        if (p.noRecordedValue()) {
            skip(metric, labels, Skipped.Reason.NoRecordedValue);
            return;
        }
        if (count == 0 && total == 0) {
            skip(metric, labels, Skipped.Reason.NoObservations);
            return;
        }
        mean(metric, labels, count, sum, p);
        if (total > 0) {
            for (double q : QUANTILES) {
                add(metric + ":" + quantileName(q), labels, quantile(q, buckets, bounds, total, min, max), p);
            }
        }
    }

    /** An exponential histogram's point: its mean only. */
    public void exponentialHistogram(String metric, Point p, long count, Double sum) {
        Map<String, String> labels = count(p);
        nonNegative(count, p);
        if (p.noRecordedValue()) {
            skip(metric, labels, Skipped.Reason.NoRecordedValue);
        } else if (count == 0) {
            skip(metric, labels, Skipped.Reason.NoObservations);
        } else {
            mean(metric, labels, count, sum, p);
        }
    }

    /** A Summary's point, its quantiles and their values in pairs. */
    public void summary(String metric, Point p, long count, double sum, double[] quantiles, double[] values) {
        Map<String, String> labels = count(p);
        nonNegative(count, p);
        for (double q : quantiles) {
            if (!(q >= 0 && q <= 1)) {
                throw new BadPayload(p.where() + ": quantile " + q + " is outside [0, 1]");
            }
        }
        if (p.noRecordedValue()) {
            skip(metric, labels, Skipped.Reason.NoRecordedValue);
            return;
        }
        if (count == 0) {
            skip(metric, labels, Skipped.Reason.NoObservations);
            return;
        }
        mean(metric, labels, count, sum, p);
        for (int i = 0; i < quantiles.length; i++) {
            add(metric + ":" + quantileName(quantiles[i]), labels, values[i], p);
        }
    }

    /** The series and skipped points read so far; {@code samples} counts data points. */
    public Payload result() {
        return new Payload(series, points, skipped);
    }

    /**
     * The value at quantile {@code q} of a bucketed distribution, as Prometheus'
     * {@code histogram_quantile} finds it: the bucket holding rank {@code q × total}, linear within
     * it; the lowest bucket starts at 0 (or its bound when that is not above 0); a rank in the
     * open top bucket is the highest bound. A sent {@code min} raises the lowest non-empty bucket's
     * start and a sent {@code max} lowers the top bucket's end (and closes the open one).
     */
    static double quantile(double q, long[] buckets, double[] bounds, long total, Double min, Double max) {
        double rank = q * total;
        long below = 0;
        int last = buckets.length - 1;
        for (int i = 0; i <= last; i++) {
            long c = buckets[i];
            if (c == 0 || below + c < rank) {
                below += c;
                continue;
            }
            double lower = i == 0 ? (bounds.length > 0 && bounds[0] <= 0 ? bounds[0] : 0) : bounds[i - 1];
            double upper = i == last ? Double.POSITIVE_INFINITY : bounds[i];
            if (min != null && Double.isFinite(min) && min > lower && min <= upper) {
                lower = min;
            }
            if (max != null && Double.isFinite(max) && max < upper && max >= lower) {
                upper = max;
            }
            if (upper == Double.POSITIVE_INFINITY) {
                return lower;
            }
            return lower + (upper - lower) * Math.max(0, rank - below) / c;
        }
        return bounds.length > 0 ? bounds[bounds.length - 1] : 0;
    }

    /** A double attribute as a label: its shortest decimal form ({@code 0.25}, {@code 3}, {@code NaN}). */
    public static String label(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        String plain = BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
        return plain.length() <= 24 ? plain : Double.toString(v);
    }

    /** {@code p50}, {@code p99}, {@code p99.9}, {@code p100}: the quantile in percent. */
    static String quantileName(double q) {
        return "p"
                + BigDecimal.valueOf(q).movePointRight(2).stripTrailingZeros().toPlainString();
    }

    private void mean(String metric, Map<String, String> labels, long count, Double sum, Point p) {
        if (sum != null && count > 0) {
            add(metric + ":mean", labels, sum / count, p);
        }
    }

    /** Counts one more data point against the limits; returns its labels. */
    private Map<String, String> count(Point p) {
        if (++points > limits.maxSeries() || points > limits.maxSamples()) {
            throw new BadPayload("more than " + Math.min(limits.maxSeries(), limits.maxSamples())
                    + " data points in one request (trimtab.ingest.max-series, max-samples)");
        }
        Map<String, String> labels = new HashMap<>(resource);
        p.attributes().forEach((k, v) -> labels.put(mapped.getOrDefault(k, k), v));
        return labels;
    }

    private void add(String name, Map<String, String> labels, double value, Point p) {
        series.add(new Series(name, labels, value, Long.divideUnsigned(p.timeNanos(), 1_000_000)));
    }

    private void skip(String name, Map<String, String> labels, Skipped.Reason reason) {
        skipped.add(new Skipped(new Series(name, labels, 0, 0).describe(), reason));
    }

    private static void nonNegative(long count, Point p) {
        if (count < 0) {
            throw new BadPayload(p.where() + ": count " + Long.toUnsignedString(count) + " is past 2^63");
        }
    }

    private static long addCount(long total, long bucket, Point p) {
        if (bucket < 0 || total + bucket < 0) {
            throw new BadPayload(p.where() + ": bucket counts add up past 2^63");
        }
        return total + bucket;
    }
}

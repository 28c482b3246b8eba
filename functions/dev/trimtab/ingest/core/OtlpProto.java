package dev.trimtab.ingest.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP metrics request in the protobuf encoding: {@code ExportMetricsServiceRequest}
 * (OTLP/HTTP {@code /v1/metrics}) or {@code MetricsData} (the Collector's Kafka exporter,
 * {@code otlp_proto}), which share their wire form, into {@link OtlpSeries}. Unknown fields are
 * skipped, as in any protobuf reader; a field may come before or after the ones it depends on.
 * Strings must be UTF-8, attribute keys and values at most {@code max-label-bytes}, attribute
 * lists at most {@code max-labels} long; a request past a bound or broken is a {@link BadPayload}
 * naming the message path ({@code resourceMetrics[0].scopeMetrics[1].metrics[2]...}).
 *
 * <p>Field numbers (opentelemetry-proto {@code metrics/v1/metrics.proto}, {@code common/v1}):
 * ResourceMetrics {resource 1, scope_metrics 2}; Resource {attributes 1}; ScopeMetrics {metrics 2};
 * Metric {name 1, gauge 5, sum 7, histogram 9, exponential_histogram 10, summary 11}; Gauge
 * {data_points 1}; Sum {data_points 1, aggregation_temporality 2}; Histogram and
 * ExponentialHistogram {data_points 1, aggregation_temporality 2}; Summary {data_points 1};
 * NumberDataPoint {attributes 7, start 2, time 3, as_double 4, as_int 6 (sfixed64), flags 8};
 * HistogramDataPoint {attributes 9, start 2, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7,
 * flags 10, min 11, max 12}; ExponentialHistogramDataPoint {attributes 1, start 2, time 3, count 4,
 * sum 5, flags 10}; SummaryDataPoint {attributes 7, start 2, time 3, count 4, sum 5, quantile_values 6
 * {quantile 1, value 2}, flags 8}; KeyValue {key 1, value 2}; AnyValue {string 1, bool 2, int 3,
 * double 4, array 5, kvlist 6, bytes 7}.
 */
public final class OtlpProto {
    private static final int LD = ProtoReader.LENGTH_DELIMITED;

    private final OtlpSeries out;
    private final IngestLimits limits;

    private OtlpProto(OtlpSeries out, IngestLimits limits) {
        this.out = out;
        this.limits = limits;
    }

    /** Reads one request body (already uncompressed) into {@code out}, and returns its result. */
    public static Payload read(byte[] protobuf, OtlpSeries out, IngestLimits limits) {
        if (protobuf.length > limits.maxUncompressedBytes()) {
            throw new BadPayload("the request is " + protobuf.length + " bytes, more than "
                    + limits.maxUncompressedBytes() + " (trimtab.ingest.max-uncompressed-size)");
        }
        OtlpProto reader = new OtlpProto(out, limits);
        ProtoReader r = new ProtoReader(protobuf, "ExportMetricsServiceRequest");
        int n = 0;
        while (!r.done()) {
            int tag = r.tag();
            if (tag == (1 << 3 | LD)) {
                reader.resourceMetrics(r.message("resourceMetrics[" + n++ + "]"));
            } else {
                r.skip(tag & 7);
            }
        }
        return out.result();
    }

    private void resourceMetrics(ProtoReader r) {
        Map<String, String> resource = Map.of();
        List<ProtoReader> scopes = new ArrayList<>();
        while (!r.done()) {
            int tag = r.tag();
            if (tag == (1 << 3 | LD)) {
                resource = attributes(r.message("resource"));
            } else if (tag == (2 << 3 | LD)) {
                scopes.add(r.message("scopeMetrics[" + scopes.size() + "]"));
            } else {
                r.skip(tag & 7);
            }
        }
        out.resource(resource);
        for (ProtoReader scope : scopes) {
            int m = 0;
            while (!scope.done()) {
                int tag = scope.tag();
                if (tag == (2 << 3 | LD)) {
                    metric(scope.message("metrics[" + m++ + "]"));
                } else {
                    scope.skip(tag & 7);
                }
            }
        }
    }

    private void metric(ProtoReader r) {
        String name = "";
        int type = 0;
        ProtoReader data = null;
        while (!r.done()) {
            int tag = r.tag();
            int field = tag >>> 3;
            if (tag == (1 << 3 | LD)) {
                if (r.peekLength() > limits.maxLabelBytes()) {
                    throw r.bad("name of " + r.peekLength() + " bytes, more than " + limits.maxLabelBytes()
                            + " (trimtab.ingest.max-label-bytes)");
                }
                name = r.string("name");
            } else if ((tag & 7) == LD && (field == 5 || field == 7 || field == 9 || field == 10 || field == 11)) {
                type = field;
                data = r.message(
                        switch (field) {
                            case 5 -> "gauge";
                            case 7 -> "sum";
                            case 9 -> "histogram";
                            case 10 -> "exponentialHistogram";
                            default -> "summary";
                        });
            } else {
                r.skip(tag & 7);
            }
        }
        if (data == null) {
            return; // no data (or a kind this reader does not know): nothing to feed
        }
        if (name.isEmpty()) {
            throw r.bad("a metric with data has no name");
        }
        OtlpSeries.Temporality temporality = OtlpSeries.Temporality.Unspecified;
        List<ProtoReader> points = new ArrayList<>();
        while (!data.done()) {
            int tag = data.tag();
            if (tag == (1 << 3 | LD)) {
                points.add(data.message("dataPoints[" + points.size() + "](" + Text.echo(name) + ")"));
            } else if (tag == (2 << 3 | ProtoReader.VARINT) && type != 5 && type != 11) {
                temporality = OtlpSeries.Temporality.of(data.varint(), "metric " + Text.echo(name));
            } else {
                data.skip(tag & 7);
            }
        }
        for (ProtoReader p : points) {
            switch (type) {
                case 5, 7 -> number(name, type == 7, temporality, p);
                case 9 -> histogram(name, p);
                case 10 -> exponential(name, p);
                default -> summary(name, p);
            }
        }
    }

    /** The fields every point kind has, and the field number of its attributes. */
    private static final class Common {
        final Map<String, String> attributes = new LinkedHashMap<>();
        long start;
        long time;
        int flags;

        /** Reads the field if it is one of the common ones; false if not. */
        boolean read(OtlpProto reader, ProtoReader p, int tag, int attributesField, int flagsField) {
            int field = tag >>> 3;
            if (tag == (attributesField << 3 | LD)) {
                // repeated KeyValue: each occurrence is one attribute
                reader.attribute(p, attributes);
            } else if (tag == (2 << 3 | ProtoReader.FIXED64)) {
                start = p.fixed64();
            } else if (tag == (3 << 3 | ProtoReader.FIXED64)) {
                time = p.fixed64();
            } else if (field == flagsField && (tag & 7) == ProtoReader.VARINT) {
                flags = (int) p.varint();
            } else {
                return false;
            }
            return true;
        }

        OtlpSeries.Point point(ProtoReader p) {
            return new OtlpSeries.Point(p.where(), attributes, start, time, flags);
        }
    }

    private void number(String name, boolean sum, OtlpSeries.Temporality temporality, ProtoReader p) {
        Common c = new Common();
        Double value = null;
        while (!p.done()) {
            int tag = p.tag();
            if (c.read(this, p, tag, 7, 8)) {
                continue;
            }
            if (tag == (4 << 3 | ProtoReader.FIXED64)) {
                value = p.fixed64AsDouble();
            } else if (tag == (6 << 3 | ProtoReader.FIXED64)) {
                value = (double) p.fixed64();
            } else {
                p.skip(tag & 7);
            }
        }
        out.number(name, sum, temporality, c.point(p), value);
    }

    private void histogram(String name, ProtoReader p) {
        Common c = new Common();
        long count = 0;
        Double sum = null;
        Double min = null;
        Double max = null;
        LongList buckets = new LongList();
        DoubleList bounds = new DoubleList();
        while (!p.done()) {
            int tag = p.tag();
            if (c.read(this, p, tag, 9, 10)) {
                continue;
            }
            switch (tag) {
                case 4 << 3 | ProtoReader.FIXED64 -> count = p.fixed64();
                case 5 << 3 | ProtoReader.FIXED64 -> sum = p.fixed64AsDouble();
                case 11 << 3 | ProtoReader.FIXED64 -> min = p.fixed64AsDouble();
                case 12 << 3 | ProtoReader.FIXED64 -> max = p.fixed64AsDouble();
                case 6 << 3 | ProtoReader.FIXED64 -> buckets.add(p.fixed64());
                case 6 << 3 | LD -> packed(p.message("bucketCounts"), buckets, null);
                case 7 << 3 | ProtoReader.FIXED64 -> bounds.add(p.fixed64AsDouble());
                case 7 << 3 | LD -> packed(p.message("explicitBounds"), null, bounds);
                default -> p.skip(tag & 7);
            }
        }
        out.histogram(name, c.point(p), count, sum, buckets.toArray(), bounds.toArray(), min, max);
    }

    private void exponential(String name, ProtoReader p) {
        Common c = new Common();
        long count = 0;
        Double sum = null;
        while (!p.done()) {
            int tag = p.tag();
            if (c.read(this, p, tag, 1, 10)) {
                continue;
            }
            if (tag == (4 << 3 | ProtoReader.FIXED64)) {
                count = p.fixed64();
            } else if (tag == (5 << 3 | ProtoReader.FIXED64)) {
                sum = p.fixed64AsDouble();
            } else {
                p.skip(tag & 7);
            }
        }
        out.exponentialHistogram(name, c.point(p), count, sum);
    }

    private void summary(String name, ProtoReader p) {
        Common c = new Common();
        long count = 0;
        double sum = 0;
        DoubleList quantiles = new DoubleList();
        DoubleList values = new DoubleList();
        while (!p.done()) {
            int tag = p.tag();
            if (c.read(this, p, tag, 7, 8)) {
                continue;
            }
            if (tag == (4 << 3 | ProtoReader.FIXED64)) {
                count = p.fixed64();
            } else if (tag == (5 << 3 | ProtoReader.FIXED64)) {
                sum = p.fixed64AsDouble();
            } else if (tag == (6 << 3 | LD)) {
                ProtoReader q = p.message("quantileValues[" + quantiles.size() + "]");
                double quantile = 0;
                double value = 0;
                while (!q.done()) {
                    int t = q.tag();
                    if (t == (1 << 3 | ProtoReader.FIXED64)) {
                        quantile = q.fixed64AsDouble();
                    } else if (t == (2 << 3 | ProtoReader.FIXED64)) {
                        value = q.fixed64AsDouble();
                    } else {
                        q.skip(t & 7);
                    }
                }
                quantiles.add(quantile);
                values.add(value);
            } else {
                p.skip(tag & 7);
            }
        }
        out.summary(name, c.point(p), count, sum, quantiles.toArray(), values.toArray());
    }

    /** A packed repeated fixed64 (into {@code longs}) or double (into {@code doubles}). */
    private static void packed(ProtoReader r, LongList longs, DoubleList doubles) {
        while (!r.done()) {
            if (longs != null) {
                longs.add(r.fixed64());
            } else {
                doubles.add(r.fixed64AsDouble());
            }
        }
    }

    /** A Resource's attributes (its repeated {@code KeyValue} field 1). */
    private Map<String, String> attributes(ProtoReader resource) {
        Map<String, String> out = new LinkedHashMap<>();
        while (!resource.done()) {
            int tag = resource.tag();
            if (tag == (1 << 3 | LD)) {
                attribute(resource, out);
            } else {
                resource.skip(tag & 7);
            }
        }
        return out;
    }

    /**
     * Reads the {@code KeyValue} at {@code r}'s current field into {@code into}: a scalar value as
     * text; arrays, maps, bytes and an empty key left out.
     */
    void attribute(ProtoReader r, Map<String, String> into) {
        if (into.size() >= limits.maxLabels()) {
            throw r.bad("more than " + limits.maxLabels() + " attributes (trimtab.ingest.max-labels)");
        }
        ProtoReader kv = r.message("attributes[" + into.size() + "]");
        String key = "";
        String value = null;
        while (!kv.done()) {
            int t = kv.tag();
            if (t == (1 << 3 | LD)) {
                key = bounded(kv, "key");
            } else if (t == (2 << 3 | LD)) {
                value = anyValue(kv.message("value"));
            } else {
                kv.skip(t & 7);
            }
        }
        if (!key.isEmpty() && value != null) {
            into.put(key, value);
        }
    }

    private String anyValue(ProtoReader v) {
        String out = null;
        while (!v.done()) {
            int tag = v.tag();
            switch (tag) {
                case 1 << 3 | LD -> out = bounded(v, "stringValue");
                case 2 << 3 | ProtoReader.VARINT -> out = v.varint() != 0 ? "true" : "false";
                case 3 << 3 | ProtoReader.VARINT -> out = Long.toString(v.varint());
                case 4 << 3 | ProtoReader.FIXED64 -> out = OtlpSeries.label(v.fixed64AsDouble());
                default -> {
                    v.skip(tag & 7);
                    if ((tag >>> 3) >= 5 && (tag >>> 3) <= 7) {
                        out = null; // array, map or bytes: not a label
                    }
                }
            }
        }
        return out;
    }

    private String bounded(ProtoReader r, String field) {
        int len = r.peekLength();
        if (len > limits.maxLabelBytes()) {
            throw r.bad(field + " of " + len + " bytes, more than " + limits.maxLabelBytes()
                    + " (trimtab.ingest.max-label-bytes)");
        }
        return r.string(field);
    }

    private static final class LongList {
        long[] a = new long[8];
        int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    private static final class DoubleList {
        double[] a = new double[8];
        int n;

        void add(double v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        double[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}

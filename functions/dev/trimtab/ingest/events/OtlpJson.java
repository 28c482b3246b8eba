package dev.trimtab.ingest.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.OtlpSeries;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Reads an OTLP metrics request in the JSON encoding (OTLP/HTTP with {@code application/json};
 * the Collector's Kafka exporter, {@code otlp_json}) into {@link OtlpSeries}, streaming, so a
 * large body is never held as a tree. As the OTLP specification asks of a JSON receiver: keys are
 * the lowerCamelCase field names, unknown keys are ignored, 64-bit integers may be numbers or
 * decimal strings, doubles may be numbers or {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}. Beyond it, as protobuf's own JSON parser does: the original snake_case
 * field names and the enum names ({@code "AGGREGATION_TEMPORALITY_DELTA"}) are read too. Nesting
 * is bounded ({@value #MAX_DEPTH} levels) and so is everything {@link OtlpProto} bounds; a body
 * that is not such JSON is a {@link BadPayload} naming the path and what was found there.
 *
 * @see dev.trimtab.ingest.core.OtlpProto the protobuf encoding's reader, the same fields
 */
public final class OtlpJson {
    static final int MAX_DEPTH = 64;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    private final JsonParser p;
    private final OtlpSeries out;
    private final IngestLimits limits;

    private OtlpJson(JsonParser p, OtlpSeries out, IngestLimits limits) {
        this.p = p;
        this.out = out;
        this.limits = limits;
    }

    /** Reads one request body (already uncompressed) into {@code out}, and returns its result. */
    public static Payload read(byte[] json, OtlpSeries out, IngestLimits limits) {
        if (json.length > limits.maxUncompressedBytes()) {
            throw new BadPayload("the request is " + json.length + " bytes, more than " + limits.maxUncompressedBytes()
                    + " (trimtab.ingest.max-uncompressed-size)");
        }
        try (JsonParser p = FACTORY.createParser(json)) {
            OtlpJson reader = new OtlpJson(p, out, limits);
            p.nextToken();
            reader.object("ExportMetricsServiceRequest", (name, where) -> {
                if (name.equals("resourcemetrics")) {
                    reader.array(where, i -> reader.resourceMetrics(where + "[" + i + "]"));
                } else {
                    p.skipChildren();
                }
            });
            if (p.nextToken() != null) {
                throw new BadPayload("ExportMetricsServiceRequest: more JSON after the request object");
            }
            return out.result();
        } catch (StreamConstraintsException e) {
            throw new BadPayload("ExportMetricsServiceRequest: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new BadPayload("ExportMetricsServiceRequest: not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new BadPayload("ExportMetricsServiceRequest: " + e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Field {
        /** Reads the value the parser is at (or skips it); {@code name} normalized, {@code where} the path. */
        void read(String name, String where) throws IOException;
    }

    @FunctionalInterface
    private interface Element {
        void read(int index) throws IOException;
    }

    /** Reads an object (or null) at the current token, calling {@code f} for every field. */
    private void object(String where, Field f) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            throw new BadPayload(where + ": " + found(t) + " where an object belongs");
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String raw = p.currentName();
            p.nextToken();
            f.read(normalized(raw), where + "." + raw);
        }
    }

    /** Reads an array (or null) at the current token, calling {@code e} for every element. */
    private void array(String where, Element e) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_ARRAY) {
            throw new BadPayload(where + ": " + found(t) + " where an array belongs");
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            e.read(i++);
        }
    }

    /** {@code resourceMetrics} and {@code resource_metrics} alike: lower case, no underscores. */
    private static String normalized(String name) {
        return name.replace("_", "").toLowerCase(Locale.ROOT);
    }

    private void resourceMetrics(String where) throws IOException {
        // the resource may come after its metrics: keep the metrics' points until the object ends
        Map<String, String>[] resource = new Map[] {Map.of()};
        List<Runnable> points = new ArrayList<>();
        object(where, (name, at) -> {
            switch (name) {
                case "resource" ->
                    object(at, (n, a) -> {
                        if (n.equals("attributes")) {
                            resource[0] = attributes(a);
                        } else {
                            p.skipChildren();
                        }
                    });
                case "scopemetrics" ->
                    array(
                            at,
                            i -> object(at + "[" + i + "]", (n, a) -> {
                                if (n.equals("metrics")) {
                                    array(a, m -> metric(a + "[" + m + "]", points));
                                } else {
                                    p.skipChildren();
                                }
                            }));
                default -> p.skipChildren();
            }
        });
        out.resource(resource[0]);
        points.forEach(Runnable::run);
    }

    /** Reads one Metric, adding one action per data point to {@code points}. */
    private void metric(String where, List<Runnable> points) throws IOException {
        String[] name = {""};
        List<Consumer<String>> pending = new ArrayList<>();
        object(where, (field, at) -> {
            switch (field) {
                case "name" -> name[0] = bounded(at);
                case "gauge", "sum", "histogram", "exponentialhistogram", "summary" -> data(field, at, pending);
                default -> p.skipChildren();
            }
        });
        if (pending.isEmpty()) {
            return;
        }
        if (name[0].isEmpty()) {
            throw new BadPayload(where + ": a metric with data has no name");
        }
        for (var each : pending) {
            points.add(() -> each.accept(name[0]));
        }
    }

    private void data(String kind, String where, List<Consumer<String>> pending) throws IOException {
        OtlpSeries.Temporality[] temporality = {OtlpSeries.Temporality.Unspecified};
        List<BiConsumer<String, OtlpSeries.Temporality>> read = new ArrayList<>();
        object(where, (field, at) -> {
            switch (field) {
                case "datapoints" -> array(at, i -> read.add(point(kind, at + "[" + i + "]")));
                case "aggregationtemporality" -> temporality[0] = temporality(at);
                default -> p.skipChildren();
            }
        });
        for (var r : read) {
            pending.add(name -> r.accept(name, temporality[0]));
        }
    }

    /** Reads one data point now; what it feeds is applied once the metric's name and temporality are known. */
    private BiConsumer<String, OtlpSeries.Temporality> point(String kind, String where) throws IOException {
        Map<String, String>[] attributes = new Map[] {Map.of()};
        long[] times = new long[2];
        int[] flags = {0};
        Double[] value = {null};
        long[] count = {0};
        Double[] sum = {null};
        Double[] min = {null};
        Double[] max = {null};
        List<Long> buckets = new ArrayList<>();
        List<Double> bounds = new ArrayList<>();
        List<Double> quantiles = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        object(where, (field, at) -> {
            switch (field) {
                case "attributes" -> attributes[0] = attributes(at);
                case "starttimeunixnano" -> times[0] = unsigned(at);
                case "timeunixnano" -> times[1] = unsigned(at);
                case "flags" -> flags[0] = (int) unsigned(at);
                case "asdouble" -> value[0] = dbl(at);
                case "asint" -> value[0] = (double) signed(at);
                case "count" -> count[0] = unsigned(at);
                case "sum" -> sum[0] = dbl(at);
                case "min" -> min[0] = dbl(at);
                case "max" -> max[0] = dbl(at);
                case "bucketcounts" -> array(at, i -> buckets.add(unsigned(at + "[" + i + "]")));
                case "explicitbounds" -> array(at, i -> bounds.add(dbl(at + "[" + i + "]")));
                case "quantilevalues" ->
                    array(at, i -> {
                        double[] qv = {0, 0};
                        object(at + "[" + i + "]", (n, a) -> {
                            switch (n) {
                                case "quantile" -> qv[0] = dbl(a);
                                case "value" -> qv[1] = dbl(a);
                                default -> p.skipChildren();
                            }
                        });
                        quantiles.add(qv[0]);
                        values.add(qv[1]);
                    });
                default -> p.skipChildren();
            }
        });
        OtlpSeries.Point point = new OtlpSeries.Point(where, attributes[0], times[0], times[1], flags[0]);
        return (name, temporality) -> {
            switch (kind) {
                case "gauge", "sum" -> out.number(name, kind.equals("sum"), temporality, point, value[0]);
                case "histogram" ->
                    out.histogram(
                            name,
                            point,
                            count[0],
                            sum[0],
                            buckets.stream().mapToLong(Long::longValue).toArray(),
                            bounds.stream().mapToDouble(Double::doubleValue).toArray(),
                            min[0],
                            max[0]);
                case "exponentialhistogram" -> out.exponentialHistogram(name, point, count[0], sum[0]);
                default ->
                    out.summary(
                            name,
                            point,
                            count[0],
                            sum[0] == null ? 0 : sum[0],
                            quantiles.stream().mapToDouble(Double::doubleValue).toArray(),
                            values.stream().mapToDouble(Double::doubleValue).toArray());
            }
        };
    }

    private Map<String, String> attributes(String where) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        array(where, i -> {
            if (i >= limits.maxLabels()) {
                throw new BadPayload(
                        where + ": more than " + limits.maxLabels() + " attributes (trimtab.ingest.max-labels)");
            }
            String[] kv = {"", null};
            object(where + "[" + i + "]", (n, a) -> {
                switch (n) {
                    case "key" -> kv[0] = bounded(a);
                    case "value" -> kv[1] = anyValue(a);
                    default -> p.skipChildren();
                }
            });
            if (!kv[0].isEmpty() && kv[1] != null) {
                out.put(kv[0], kv[1]);
            }
        });
        return out;
    }

    /** An AnyValue's scalar as text; null for arrays, maps, bytes and an empty value. */
    private String anyValue(String where) throws IOException {
        String[] v = {null};
        object(where, (n, a) -> {
            switch (n) {
                case "stringvalue" -> v[0] = bounded(a);
                case "boolvalue" -> {
                    if (!p.currentToken().isBoolean()) {
                        throw new BadPayload(a + ": " + found(p.currentToken()) + " where true or false belongs");
                    }
                    v[0] = Boolean.toString(p.getBooleanValue());
                }
                case "intvalue" -> v[0] = Long.toString(signed(a));
                case "doublevalue" -> v[0] = OtlpSeries.label(dbl(a));
                default -> {
                    p.skipChildren();
                    v[0] = null;
                }
            }
        });
        return v[0];
    }

    private String bounded(String where) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_STRING) {
            throw new BadPayload(where + ": " + found(t) + " where a string belongs");
        }
        String s = p.getText();
        if (s.length() > limits.maxLabelBytes() || s.getBytes(StandardCharsets.UTF_8).length > limits.maxLabelBytes()) {
            throw new BadPayload(where + ": a string of more than " + limits.maxLabelBytes()
                    + " bytes (trimtab.ingest.max-label-bytes)");
        }
        return s;
    }

    private OtlpSeries.Temporality temporality(String where) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return switch (p.getText()) {
                case "AGGREGATION_TEMPORALITY_UNSPECIFIED" -> OtlpSeries.Temporality.Unspecified;
                case "AGGREGATION_TEMPORALITY_DELTA" -> OtlpSeries.Temporality.Delta;
                case "AGGREGATION_TEMPORALITY_CUMULATIVE" -> OtlpSeries.Temporality.Cumulative;
                default -> OtlpSeries.Temporality.of(signed(where), where);
            };
        }
        return OtlpSeries.Temporality.of(signed(where), where);
    }

    /** An int64 as a number or a decimal string. */
    private long signed(String where) throws IOException {
        JsonToken t = p.currentToken();
        try {
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                return p.getLongValue();
            }
            if (t == JsonToken.VALUE_STRING) {
                return Long.parseLong(p.getText().trim());
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new BadPayload(where + ": " + found(t) + " is not a 64-bit integer");
    }

    /** A uint64 or fixed64 as a number or a decimal string, as the signed long of its bits. */
    private long unsigned(String where) throws IOException {
        JsonToken t = p.currentToken();
        try {
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_STRING) {
                String s = p.getText().trim();
                if (!s.startsWith("-") && !s.startsWith("+")) {
                    return Long.parseUnsignedLong(s);
                }
            }
        } catch (NumberFormatException e) {
            // named below
        }
        throw new BadPayload(where + ": " + found(t) + " is not an unsigned 64-bit integer");
    }

    /** A double as a number, or a string: a number, "NaN", "Infinity" or "-Infinity". */
    private double dbl(String where) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            switch (s) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    try {
                        if (!s.isEmpty() && (Character.isDigit(s.charAt(s.length() - 1)) || s.endsWith("."))) {
                            return Double.parseDouble(s);
                        }
                    } catch (NumberFormatException e) {
                        // named below
                    }
            }
        }
        throw new BadPayload(where + ": " + found(t) + " is not a number");
    }

    private String found(JsonToken t) throws IOException {
        if (t == null) {
            return "the end of the body";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "the string \"" + Text.echo(p.getText()) + "\"";
            case VALUE_NULL -> "null";
            default -> p.getText();
        };
    }
}

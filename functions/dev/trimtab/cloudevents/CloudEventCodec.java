package dev.trimtab.cloudevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** Reads and writes CloudEvents 1.0 in JSON structured mode ({@code application/cloudevents+json}). */
public final class CloudEventCodec {

    /** The mapper every Trimtab JSON path uses: integers as longs (CEL-friendly), sorted maps. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static final java.util.Set<String> CONTEXT = java.util.Set.of(
            "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema", "data",
            "data_base64");

    private CloudEventCodec() {}

    /** An event over a size limit; its message names the limit and the value. */
    public static final class LimitExceededException extends IllegalArgumentException {
        public LimitExceededException(String message) {
            super(message);
        }
    }

    /**
     * Bounds checked before and while parsing: the event's size in bytes (before any parsing) and
     * the JSON nesting depth (by the parser, which stops at the limit).
     */
    public static final class Limits {
        private final int maxBytes;
        private final int maxDepth;
        private final ObjectMapper mapper;

        public Limits(int maxBytes, int maxDepth) {
            this.maxBytes = maxBytes;
            this.maxDepth = maxDepth;
            this.mapper = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxNestingDepth(maxDepth).build())
                    .build())
                    .enable(DeserializationFeature.USE_LONG_FOR_INTS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        }

        public int maxBytes() {
            return maxBytes;
        }

        public int maxDepth() {
            return maxDepth;
        }

        void checkSize(long bytes) {
            if (bytes > maxBytes) {
                throw new LimitExceededException("the event is " + bytes + " bytes, more than the " + maxBytes
                        + " accepted (max-event-bytes)");
            }
        }

        JsonNode read(byte[] body) {
            checkSize(body.length);
            try {
                return mapper.readTree(body);
            } catch (com.fasterxml.jackson.core.exc.StreamConstraintsException e) {
                throw new LimitExceededException("the event nests JSON deeper than the " + maxDepth
                        + " levels accepted (max-depth)");
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not JSON: " + (e instanceof JsonProcessingException j
                        ? j.getOriginalMessage() : e.getMessage()));
            }
        }
    }

    /** Parses one structured-mode event within {@code limits}; see {@link #parse(String)}. */
    public static CloudEvent parse(byte[] json, Limits limits) {
        JsonNode node = limits.read(json);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a structured CloudEvent must be a JSON object");
        }
        return fromJson((ObjectNode) node);
    }

    /** {@link #fromMessage(byte[], String, java.util.function.Function)} within {@code limits}. */
    public static CloudEvent fromMessage(byte[] body, String prefix, java.util.function.Function<String, String> header,
                                         Limits limits) {
        byte[] b = body == null ? new byte[0] : body;
        String contentType = header.apply("content-type");
        String specversion = header.apply(prefix + "specversion");
        if (specversion == null || (contentType != null && contentType.startsWith("application/cloudevents"))) {
            return parse(b, limits);
        }
        limits.checkSize(b.length);
        return binary(b.length == 0 ? null : binaryData(limits.read(b), b.length), prefix, header, contentType);
    }

    /** Parses one structured-mode event; the message of the exception names the attribute at fault. */
    public static CloudEvent parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a structured CloudEvent must be a JSON object");
        }
        return fromJson((ObjectNode) node);
    }

    public static CloudEvent fromJson(ObjectNode node) {
        String specversion = text(node, "specversion", true);
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new IllegalArgumentException("specversion is \"" + echo(specversion) + "\"; only \"1.0\" is supported");
        }
        String id = text(node, "id", true);
        String source = text(node, "source", true);
        String type = text(node, "type", true);
        String subject = text(node, "subject", false);
        String timeText = text(node, "time", false);
        Instant time = null;
        if (timeText != null) {
            try {
                time = Instant.parse(timeText);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("time \"" + echo(timeText) + "\" is not an RFC 3339 timestamp");
            }
        }
        String contentType = text(node, "datacontenttype", false);
        if (contentType != null && !contentType.startsWith("application/json") && !contentType.endsWith("+json")) {
            throw new IllegalArgumentException("datacontenttype \"" + echo(contentType) + "\" is not JSON");
        }
        Map<String, String> extensions = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!CONTEXT.contains(f.getKey()) && f.getValue().isValueNode() && !f.getValue().isNull()) {
                extensions.put(f.getKey(), f.getValue().asText());
            }
        }
        return new CloudEvent(id, source, type, subject, time, contentType, node.get("data"), extensions);
    }

    /**
     * Reads an event from a message in either content mode: structured when the content type is
     * {@code application/cloudevents+json} (or absent, with a body that is a CloudEvent), binary
     * when the {@code specversion} attribute comes as a header. Header names are looked up with
     * the binding's prefix ({@code ce_} for Kafka, {@code ce-} for HTTP); {@code header} returns
     * null for a missing header.
     */
    public static CloudEvent fromMessage(byte[] body, String prefix, java.util.function.Function<String, String> header) {
        String contentType = header.apply("content-type");
        String specversion = header.apply(prefix + "specversion");
        if (specversion == null || (contentType != null && contentType.startsWith("application/cloudevents"))) {
            return parse(body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8));
        }
        JsonNode data = null;
        if (body != null && body.length > 0) {
            try {
                data = binaryData(JSON.readTree(body), body.length);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("binary-mode data is not JSON: " + e.getMessage());
            }
        }
        return binary(data, prefix, header, contentType);
    }

    /**
     * A binary-mode body that is only white space reads as no JSON value (Jackson's missing node),
     * which no event can carry (it is written as {@code "data":null}: the event would change on the
     * way out): rejected, as any other body that is not JSON. An empty body is an event without data.
     */
    private static JsonNode binaryData(JsonNode data, int bytes) {
        if (data == null || data.isMissingNode()) {
            throw new IllegalArgumentException("binary-mode data is not JSON: the body (" + bytes
                    + " bytes) holds only white space");
        }
        return data;
    }

    private static CloudEvent binary(JsonNode data, String prefix, java.util.function.Function<String, String> header,
                                     String contentType) {
        ObjectNode node = JSON.createObjectNode();
        for (String attribute : new String[] {"specversion", "id", "source", "type", "subject", "time"}) {
            String v = header.apply(prefix + attribute);
            if (v != null) {
                node.put(attribute, v);
            }
        }
        if (contentType != null) {
            node.put("datacontenttype", contentType);
        }
        for (String extension : new String[] {"partitionkey", "namespace"}) {
            String v = header.apply(prefix + extension);
            if (v != null) {
                node.put(extension, v);
            }
        }
        if (data != null) {
            node.set("data", data);
        }
        return fromJson(node);
    }

    /** A value as an error message shows it: at most 120 characters, longer ones cut with their length. */
    private static String echo(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "…(" + text.length() + " characters)";
    }

    private static String text(JsonNode node, String name, boolean required) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("required attribute \"" + name + "\" is missing");
            }
            return null;
        }
        if (!v.isTextual() || (required && v.asText().isEmpty())) {
            throw new IllegalArgumentException("attribute \"" + name + "\" must be a non-empty string, got " + echo(v.toString()));
        }
        return v.asText();
    }

    /** Writes an event as one line of structured-mode JSON, attributes in a fixed order. */
    public static String write(CloudEvent e) {
        ObjectNode out = JSON.createObjectNode();
        out.put("specversion", CloudEvent.SPEC_VERSION);
        out.put("id", e.id());
        out.put("source", e.source());
        out.put("type", e.type());
        if (e.subject() != null) {
            out.put("subject", e.subject());
        }
        if (e.time() != null) {
            out.put("time", e.time().toString());
        }
        if (e.dataContentType() != null) {
            out.put("datacontenttype", e.dataContentType());
        }
        new TreeMap<>(e.extensions()).forEach(out::put);
        if (e.data() != null) {
            out.set("data", e.data());
        }
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

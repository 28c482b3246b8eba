package dev.trimtab.cloudevents;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.CloudEventData;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonCloudEventData;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.cloudevents.rw.CloudEventRWException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Reads and writes CloudEvents 1.0: the JSON event format ({@code application/cloudevents+json})
 * and the binary content mode of the Kafka and HTTP protocol bindings, through the CloudEvents SDK
 * ({@code io.cloudevents}; decision 0037). Trimtab checks first, within its size and depth bounds,
 * what it needs with its own wording (the required attributes, {@code specversion} 1.0, an RFC 3339
 * {@code time}, JSON data); the SDK then reads the rest of the specification: every extension, with
 * its name checked, {@code dataschema}, {@code data_base64}, and the bindings' header rules (the HTTP
 * binding's percent-encoding among them). What the SDK refuses is refused as "not a CloudEvent: ...".
 */
public final class CloudEventCodec {

    /** The mapper every Trimtab JSON path uses: integers as longs (CEL-friendly), sorted maps. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** The SDK's reader of the JSON event format, on Trimtab's mapper settings (integers as longs). */
    private static final ObjectMapper SDK = JSON.copy().registerModule(JsonFormat.getCloudEventJacksonModule());

    private static final JsonFormat FORMAT = new JsonFormat();
    /** Bounds for the entry points without explicit ones (tools and tests). */
    private static final Limits UNBOUNDED = new Limits(Integer.MAX_VALUE, 1000);

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
            this.mapper = new ObjectMapper(JsonFactory.builder()
                            .streamReadConstraints(StreamReadConstraints.builder()
                                    .maxNestingDepth(maxDepth)
                                    .build())
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
                throw new LimitExceededException(
                        "the event is " + bytes + " bytes, more than the " + maxBytes + " accepted (max-event-bytes)");
            }
        }

        JsonNode read(byte[] body) {
            return read(body, "not JSON: ");
        }

        JsonNode read(byte[] body, String notJson) {
            checkSize(body.length);
            try {
                return mapper.readTree(body);
            } catch (StreamConstraintsException e) {
                throw new LimitExceededException(
                        "the event nests JSON deeper than the " + maxDepth + " levels accepted (max-depth)");
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        notJson + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
            }
        }
    }

    /** Parses one structured-mode event within {@code limits}; see {@link #parse(String)}. */
    public static CloudEvent parse(byte[] json, Limits limits) {
        JsonNode node = limits.read(json);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("a structured CloudEvent must be a JSON object");
        }
        return fromJson((ObjectNode) node, limits);
    }

    /**
     * Reads an event from a Kafka record in either content mode (the Kafka protocol binding):
     * structured when the record's {@code content-type} is {@code application/cloudevents+json} or
     * there is no {@code ce_specversion} header, else binary: the attributes in {@code ce_*} headers,
     * every one kept, the value the data.
     */
    public static CloudEvent fromRecord(ConsumerRecord<?, byte[]> record, Limits limits) {
        byte[] body = record.value() == null ? new byte[0] : record.value();
        return fromMessage(
                body,
                "ce_",
                name -> {
                    Header h = record.headers().lastHeader(name);
                    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                },
                () -> KafkaMessageFactory.createReader(record.headers(), body),
                limits);
    }

    /**
     * Reads an event from an HTTP request in either content mode (the HTTP protocol binding), as
     * {@link #fromRecord} with {@code ce-*} headers; {@code headers} by lower-case name.
     */
    public static CloudEvent fromHttp(byte[] body, Map<String, String> headers, Limits limits) {
        byte[] b = body == null ? new byte[0] : body;
        // the binding percent-encodes attribute values (space, '"', '%' and all but printable ASCII);
        // the SDK's reader (4.0.1) passes them on as sent, so they are decoded here, once
        Map<String, String> decoded = new HashMap<>(headers);
        decoded.replaceAll(
                (name, value) -> name.startsWith("ce-") && value != null ? percentDecoded(name, value) : value);
        return fromMessage(b, "ce-", decoded::get, () -> HttpMessageFactory.createReader(decoded, b), limits);
    }

    /** An HTTP binding header value, percent-decoded as UTF-8; a malformed escape is refused naming the header. */
    static String percentDecoded(String header, String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                int hi = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException("header " + header + ": \"" + echo(value)
                            + "\" has a malformed percent-encoding at character " + (i + 1));
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                // a run up to the next escape, encoded whole (a character outside the BMP is two chars)
                int next = value.indexOf('%', i);
                byte[] bytes =
                        value.substring(i, next < 0 ? value.length() : next).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
                i = (next < 0 ? value.length() : next) - 1;
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder();
        try {
            return utf8.decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(
                    "header " + header + ": \"" + echo(value) + "\" percent-decodes to bytes that are not UTF-8");
        }
    }

    /** {@link #fromHttp} without bounds (tools and tests). */
    public static CloudEvent fromHttp(byte[] body, Map<String, String> headers) {
        return fromHttp(body, headers, UNBOUNDED);
    }

    private static CloudEvent fromMessage(
            byte[] body,
            String prefix,
            Function<String, String> header,
            Supplier<MessageReader> binding,
            Limits limits) {
        String contentType = header.apply("content-type");
        String specversion = header.apply(prefix + "specversion");
        if (specversion == null || (contentType != null && contentType.startsWith("application/cloudevents"))) {
            return parse(body, limits);
        }
        limits.checkSize(body.length);
        // Trimtab's own checks and wording first, on the attributes as the headers give them
        ObjectNode attributes = JSON.createObjectNode();
        for (String attribute : new String[] {"specversion", "id", "source", "type", "subject", "time"}) {
            String v = header.apply(prefix + attribute);
            if (v != null) {
                attributes.put(attribute, v);
            }
        }
        if (contentType != null) {
            attributes.put("datacontenttype", contentType);
        }
        checkContext(attributes);
        io.cloudevents.CloudEvent event;
        try {
            event = binding.get().toEvent();
        } catch (CloudEventRWException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage());
        }
        return fromSdk(event, limits, "binary-mode data is not JSON: ");
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
        return fromJson((ObjectNode) node, UNBOUNDED);
    }

    /** A structured-mode event already read as JSON. */
    public static CloudEvent fromJson(ObjectNode node) {
        return fromJson(node, UNBOUNDED);
    }

    private static CloudEvent fromJson(ObjectNode node, Limits limits) {
        checkContext(node);
        if (node.has("data") && node.has("data_base64")) {
            throw new IllegalArgumentException("an event carries data or data_base64, not both");
        }
        // the SDK reads the context attributes (and data_base64); JSON data, already read and
        // bounded, is kept as it is rather than copied through the SDK's reader
        JsonNode data = node.get("data");
        ObjectNode context = node;
        if (data != null) {
            context = JSON.createObjectNode();
            for (var it = node.fields(); it.hasNext(); ) {
                var f = it.next();
                if (!f.getKey().equals("data")) {
                    context.set(f.getKey(), f.getValue());
                }
            }
        }
        io.cloudevents.CloudEvent event;
        try {
            event = SDK.treeToValue(context, io.cloudevents.CloudEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a CloudEvent: " + e.getOriginalMessage());
        } catch (CloudEventRWException | IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("not a CloudEvent: " + e.getMessage());
        }
        CloudEvent read = fromSdk(event, limits, "data_base64 is not JSON: ");
        return data == null
                ? read
                : new CloudEvent(
                        read.id(),
                        read.source(),
                        read.type(),
                        read.subject(),
                        read.time(),
                        read.dataContentType(),
                        read.dataSchema(),
                        data,
                        read.extensions());
    }

    /** The attributes Trimtab needs, checked with its own wording (the SDK checks the rest). */
    private static void checkContext(ObjectNode node) {
        String specversion = text(node, "specversion", true);
        if (!CloudEvent.SPEC_VERSION.equals(specversion)) {
            throw new IllegalArgumentException(
                    "specversion is \"" + echo(specversion) + "\"; only \"1.0\" is supported");
        }
        text(node, "id", true);
        text(node, "source", true);
        text(node, "type", true);
        text(node, "subject", false);
        String timeText = text(node, "time", false);
        if (timeText != null) {
            try {
                Instant.parse(timeText);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("time \"" + echo(timeText) + "\" is not an RFC 3339 timestamp");
            }
        }
        String contentType = text(node, "datacontenttype", false);
        if (contentType != null && !contentType.startsWith("application/json") && !contentType.endsWith("+json")) {
            throw new IllegalArgumentException("datacontenttype \"" + echo(contentType) + "\" is not JSON");
        }
    }

    /** The SDK's event as Trimtab's: data as JSON (read within the bounds), extensions as text. */
    private static CloudEvent fromSdk(io.cloudevents.CloudEvent e, Limits limits, String notJson) {
        JsonNode data = null;
        CloudEventData d = e.getData();
        if (d instanceof JsonCloudEventData json) {
            data = json.getNode();
        } else if (d != null) {
            byte[] bytes = d.toBytes();
            if (bytes.length > 0) {
                data = binaryData(limits.read(bytes, notJson), bytes.length, notJson);
            }
        }
        Map<String, String> extensions = new TreeMap<>();
        for (String name : e.getExtensionNames()) {
            if (name.equals("data") || name.equals("data_base64")) {
                // found by fuzzing: a ce-data header read as an extension, written as the event's data
                throw new IllegalArgumentException("attribute \"" + name + "\" is reserved for the event's data");
            }
            Object v = e.getExtension(name);
            if (v != null) {
                extensions.put(
                        name,
                        v instanceof byte[] b
                                ? Base64.getEncoder().encodeToString(b)
                                : v instanceof OffsetDateTime t ? t.toInstant().toString() : v.toString());
            }
        }
        return new CloudEvent(
                e.getId(),
                e.getSource().toString(),
                e.getType(),
                e.getSubject(),
                e.getTime() == null ? null : e.getTime().toInstant(),
                e.getDataContentType(),
                e.getDataSchema() == null ? null : e.getDataSchema().toString(),
                data,
                extensions);
    }

    /**
     * A binary-mode body that is only white space reads as no JSON value (Jackson's missing node),
     * which no event can carry (it is written as {@code "data":null}: the event would change on the
     * way out): rejected, as any other body that is not JSON. An empty body is an event without data.
     */
    private static JsonNode binaryData(JsonNode data, int bytes, String notJson) {
        if (data == null || data.isMissingNode()) {
            throw new IllegalArgumentException(notJson + "the body (" + bytes + " bytes) holds only white space");
        }
        return data;
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
            throw new IllegalArgumentException(
                    "attribute \"" + name + "\" must be a non-empty string, got " + echo(v.toString()));
        }
        return v.asText();
    }

    /** Writes an event as one line of structured-mode JSON (the SDK's JSON event format). */
    public static String write(CloudEvent e) {
        return new String(FORMAT.serialize(toSdk(e)), StandardCharsets.UTF_8);
    }

    /** Trimtab's event as the SDK's; an extension name the specification does not allow is refused. */
    static io.cloudevents.CloudEvent toSdk(CloudEvent e) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(e.id())
                .withSource(URI.create(e.source()))
                .withType(e.type());
        if (e.subject() != null) {
            b.withSubject(e.subject());
        }
        if (e.time() != null) {
            b.withTime(e.time().atOffset(ZoneOffset.UTC));
        }
        if (e.dataSchema() != null) {
            b.withDataSchema(URI.create(e.dataSchema()));
        }
        new TreeMap<>(e.extensions()).forEach(b::withExtension);
        if (e.data() != null) {
            b.withData(JsonCloudEventData.wrap(e.data()));
        }
        if (e.dataContentType() != null) {
            b.withDataContentType(e.dataContentType());
        }
        return b.build();
    }
}

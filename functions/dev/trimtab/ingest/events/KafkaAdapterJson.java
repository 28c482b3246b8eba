package dev.trimtab.ingest.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.Series;
import dev.trimtab.ingest.core.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sample as the Prometheus-to-Kafka adapter (Telefónica's {@code prometheus-kafka-adapter},
 * JSON serialization) writes it, one Kafka record per sample:
 * {@code {"timestamp":"2026-12-06T12:00:00Z","value":"42","name":"up","labels":{"__name__":"up","job":"web"}}}.
 * The value is a string Go's {@code strconv.FormatFloat} wrote ({@code "NaN"}, {@code "+Inf"}
 * included); {@code labels} holds {@code __name__} too, which is dropped, as are empty values.
 * The same bounds as remote write apply to label count and size.
 */
public final class KafkaAdapterJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(4).build())
            .build();

    private KafkaAdapterJson() {}

    public static Payload read(byte[] json, IngestLimits limits) {
        String name = null;
        String value = null;
        String timestamp = null;
        Map<String, String> labels = new LinkedHashMap<>();
        try (JsonParser p = FACTORY.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadPayload("adapter sample: not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "name" -> name = string(p, t, "name", limits);
                    case "value" -> value = string(p, t, "value", limits);
                    case "timestamp" -> timestamp = string(p, t, "timestamp", limits);
                    case "labels" -> {
                        if (t != JsonToken.START_OBJECT) {
                            throw new BadPayload("adapter sample: labels is not an object");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            String v = string(p, p.nextToken(), "labels." + Text.echo(key), limits);
                            if (labels.size() == limits.maxLabels()) {
                                throw new BadPayload("adapter sample: more than " + limits.maxLabels()
                                        + " labels (trimtab.ingest.max-labels)");
                            }
                            if (key.getBytes(StandardCharsets.UTF_8).length > limits.maxLabelBytes()) {
                                throw new BadPayload("adapter sample: a label name of more than "
                                        + limits.maxLabelBytes() + " bytes (trimtab.ingest.max-label-bytes)");
                            }
                            if (!key.equals("__name__") && !v.isEmpty()) {
                                labels.put(key, v);
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new BadPayload("adapter sample: more JSON after the sample object");
            }
        } catch (JsonProcessingException e) {
            throw new BadPayload("adapter sample: not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadPayload("adapter sample: " + e.getMessage());
        }
        if (name == null || name.isEmpty()) {
            throw new BadPayload("adapter sample: no name");
        }
        if (value == null || timestamp == null) {
            throw new BadPayload(
                    "adapter sample " + Text.echo(name) + ": no " + (value == null ? "value" : "timestamp"));
        }
        double v = switch (value) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                try {
                    yield Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw new BadPayload("adapter sample " + Text.echo(name) + ": value \"" + Text.echo(value)
                            + "\" is not a number");
                }
            }
        };
        long millis;
        try {
            millis = Instant.parse(timestamp).toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadPayload("adapter sample " + Text.echo(name) + ": timestamp \"" + Text.echo(timestamp)
                    + "\" is not an RFC 3339 time");
        }
        return new Payload(List.of(new Series(name, labels, v, millis)), 1, List.of());
    }

    private static String string(JsonParser p, JsonToken t, String field, IngestLimits limits) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new BadPayload("adapter sample: " + field + " is not a string");
        }
        String s = p.getText();
        if (s.getBytes(StandardCharsets.UTF_8).length > limits.maxLabelBytes()) {
            throw new BadPayload("adapter sample: " + field + " is longer than " + limits.maxLabelBytes()
                    + " bytes (trimtab.ingest.max-label-bytes)");
        }
        return s;
    }
}

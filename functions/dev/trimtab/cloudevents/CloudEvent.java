package dev.trimtab.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * A CloudEvents 1.0 event with JSON data. Every extension attribute (for example
 * {@code partitionkey}, {@code traceparent}, Knative's {@code knativearrivaltime}) is kept by name,
 * its value as text; {@code dataSchema} is the optional {@code dataschema} URI.
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String dataContentType,
        String dataSchema,
        JsonNode data,
        Map<String, String> extensions) {
    public static final String SPEC_VERSION = "1.0";

    public CloudEvent {
        extensions = Map.copyOf(extensions);
    }

    /** An event without a {@code dataschema}. */
    public CloudEvent(
            String id,
            String source,
            String type,
            String subject,
            Instant time,
            String dataContentType,
            JsonNode data,
            Map<String, String> extensions) {
        this(id, source, type, subject, time, dataContentType, null, data, extensions);
    }
}

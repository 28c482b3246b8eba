package dev.trimtab.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/**
 * A CloudEvents 1.0 event with JSON data. Extension attributes (for example {@code partitionkey})
 * are kept by name.
 */
public record CloudEvent(String id, String source, String type, String subject, Instant time,
                         String dataContentType, JsonNode data, Map<String, String> extensions) {
    public static final String SPEC_VERSION = "1.0";

    public CloudEvent {
        extensions = Map.copyOf(extensions);
    }
}

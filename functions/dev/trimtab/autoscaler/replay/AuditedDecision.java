package dev.trimtab.autoscaler.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of one {@code dev.trimtab.decision.scale} CloudEvent (as {@code DecisionEvents} and
 * the decision log write it, read back from trimtab.decisions) that {@link DecisionAudit} checks.
 *
 * @param policy         {@code namespace/name} of the ScalingPolicy
 * @param workload       {@code Kind/namespace/name} of the scale target
 * @param recommendation the unstabilized recommendation, or -1 when the decision has none
 * @param outcome        {@code written}, {@code hold}, {@code held: …}, {@code failed: …}…; null when absent
 * @param inputs         ids of the metric events folded into this decision since the policy's previous one
 * @param inputsDropped  how many more were folded but not listed (the list is capped)
 */
public record AuditedDecision(
        String id,
        String policy,
        String workload,
        long timeMillis,
        int currentReplicas,
        int desiredReplicas,
        int recommendation,
        String outcome,
        List<String> inputs,
        int inputsDropped) {
    public AuditedDecision {
        inputs = List.copyOf(inputs);
    }

    public boolean written() {
        return "written".equals(outcome);
    }

    /** Reads a decision CloudEvent; throws naming the field and its value when it is not usable. */
    public static AuditedDecision fromEvent(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new IllegalArgumentException("decision event: must be a JSON object, got " + event);
        }
        String id = text(event, "id", "id");
        String timeText = text(event, "time", "time");
        long time;
        try {
            time = Instant.parse(timeText).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "decision " + id + ": time \"" + timeText + "\" is not an RFC 3339 instant");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw new IllegalArgumentException("decision " + id + ": data must be an object, got " + data);
        }
        String policy = text(data.path("policy"), "namespace", "data.policy.namespace") + "/"
                + text(data.path("policy"), "name", "data.policy.name");
        JsonNode t = data.path("target");
        String workload = text(t, "kind", "data.target.kind") + "/" + text(t, "namespace", "data.target.namespace")
                + "/" + text(t, "name", "data.target.name");
        List<String> inputs = new ArrayList<>();
        JsonNode in = data.get("inputs");
        if (in != null && !in.isNull()) {
            if (!in.isArray()) {
                throw new IllegalArgumentException("decision " + id + ": data.inputs must be an array, got " + in);
            }
            for (int i = 0; i < in.size(); i++) {
                if (!in.get(i).isTextual()) {
                    throw new IllegalArgumentException(
                            "decision " + id + ": data.inputs[" + i + "] must be a string, got " + in.get(i));
                }
                inputs.add(in.get(i).asText());
            }
        }
        JsonNode outcome = data.get("outcome");
        return new AuditedDecision(
                id,
                policy,
                workload,
                time,
                count(data, "currentReplicas", id),
                count(data, "desiredReplicas", id),
                data.has("recommendation") ? count(data, "recommendation", id) : -1,
                outcome == null || outcome.isNull() ? null : outcome.asText(),
                inputs,
                data.has("inputsDropped") ? count(data, "inputsDropped", id) : 0);
    }

    private static String text(JsonNode node, String field, String path) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("decision event: " + path + " must be a non-empty string, got " + v);
        }
        return v.asText();
    }

    private static int count(JsonNode data, String field, String id) {
        JsonNode v = data.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
            throw new IllegalArgumentException(
                    "decision " + id + ": data." + field + " must be a non-negative integer, got " + v);
        }
        return v.asInt();
    }
}

package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.Quantity;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads typed fields out of a JSON object while collecting every problem with its path, the value
 * found and what is allowed, so one pass reports all mistakes of an object.
 */
final class Fields {
    final List<String> problems = new ArrayList<>();

    void problem(String path, Object value, String allowed) {
        problems.add(path + ": " + (value == null ? "missing" : "got " + value) + ", " + allowed);
    }

    void checkKnown(JsonNode node, String path, Set<String> known) {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problem(path + "." + name, "an unknown field", "expected one of " + new java.util.TreeSet<>(known));
            }
        }
    }

    JsonNode object(JsonNode parent, String name, String path, boolean required) {
        JsonNode v = parent == null ? null : parent.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                problem(path, null, "an object is required");
            }
            return null;
        }
        if (!v.isObject()) {
            problem(path, v, "must be an object");
            return null;
        }
        return v;
    }

    String string(JsonNode parent, String name, String path, boolean required) {
        JsonNode v = parent == null ? null : parent.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                problem(path, null, "a non-empty string is required");
            }
            return null;
        }
        if (!v.isTextual() || (required && v.asText().isEmpty())) {
            problem(path, v, "must be a non-empty string");
            return null;
        }
        return v.asText();
    }

    /** An integer field in [min, max]; {@code dflt} when absent. */
    Integer integer(JsonNode parent, String name, String path, Integer dflt, long min, long max) {
        JsonNode v = parent == null ? null : parent.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            problem(path, v, "must be an integer in [" + min + ", " + max + "]");
            return dflt;
        }
        return (int) v.asLong();
    }

    Double number(JsonNode parent, String name, String path, Double dflt, double min, double max) {
        JsonNode v = parent == null ? null : parent.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isNumber() || v.asDouble() < min || v.asDouble() > max) {
            problem(path, v, "must be a number in [" + min + ", " + max + "]");
            return dflt;
        }
        return v.asDouble();
    }

    /** A Kubernetes quantity (string or number) in milli-units; null when absent or invalid. */
    Long quantity(JsonNode parent, String name, String path, boolean required) {
        JsonNode v = parent == null ? null : parent.get(name);
        if (v == null || v.isNull()) {
            if (required) {
                problem(path, null, "a quantity is required (for example \"300m\", \"2\", \"1Gi\")");
            }
            return null;
        }
        try {
            return Quantity.parseMilli(v.isNumber() ? v.numberValue() : v.asText());
        } catch (IllegalArgumentException e) {
            problem(path, v, "must be a Kubernetes quantity (" + e.getMessage() + ")");
            return null;
        }
    }

    <E extends Enum<E>> E enumValue(JsonNode parent, String name, String path, Class<E> type, E dflt) {
        String s = string(parent, name, path, dflt == null);
        if (s == null) {
            return dflt;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(s)) {
                return e;
            }
        }
        problem(path, "\"" + s + "\"", "must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
        return dflt;
    }
}

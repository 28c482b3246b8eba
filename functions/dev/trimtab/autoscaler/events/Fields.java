package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.Quantity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads typed fields out of a JSON object while collecting every problem with its path, the value
 * found and what is allowed, so one pass reports all mistakes of an object.
 */
final class Fields {
    /** The longest echo of a bad value in a message; longer ones are cut, with their length. */
    static final int MAX_ECHO = 120;

    final List<String> problems = new ArrayList<>();
    /** The kind of the first problem (the rejection reason); null while there is none. */
    RejectReason reason;
    /** Samples read ahead of the decision clock within the allowed skew (see {@link SampleRules}). */
    int clampedSamples;

    void problem(String path, Object value, String allowed) {
        problem(RejectReason.InvalidField, path, value, allowed);
    }

    void problem(RejectReason kind, String path, Object value, String allowed) {
        if (reason == null) {
            reason = kind;
        }
        problems.add(path + ": " + (value == null ? "missing" : "got " + echo(value)) + ", " + allowed);
    }

    /** A value as a message shows it: at most {@link #MAX_ECHO} characters. */
    static String echo(Object value) {
        String text = String.valueOf(value);
        return text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "…(" + text.length() + " characters)";
    }

    void checkKnown(JsonNode node, String path, Set<String> known) {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.contains(name)) {
                problem(path + "." + name, "an unknown field", "expected one of " + new TreeSet<>(known));
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

    /** A JSON boolean; {@code dflt} when absent. A string "true" is refused, as the API server refuses it. */
    boolean bool(JsonNode parent, String name, String path, boolean dflt) {
        JsonNode v = parent == null ? null : parent.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            problem(path, v, "must be true or false");
            return dflt;
        }
        return v.booleanValue();
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
            problem(RejectReason.InvalidQuantity, path, v, "must be a Kubernetes quantity (" + e.getMessage() + ")");
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
        problem(path, "\"" + s + "\"", "must be one of " + Arrays.toString(type.getEnumConstants()));
        return dflt;
    }
}

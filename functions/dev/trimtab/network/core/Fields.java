package dev.trimtab.network.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads from an object's map tree (JSON as parsed, integers as {@code Long}). Each read names
 * the field path in its error, e.g. {@code spec.ingress[0].from: got "x", want a list}; absent fields
 * read as {@code null} or empty so callers can tell absence from emptiness where it matters.
 */
final class Fields {
    private Fields() {}

    /** {@code value} as written in an error: strings quoted, everything else as is. */
    static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value, String path) {
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(path + ": got " + quote(value) + ", want an object");
    }

    static Map<String, Object> mapOrEmpty(Object value, String path) {
        Map<String, Object> m = map(value, path);
        return m == null ? Map.of() : m;
    }

    /** A list, or {@code null} when absent: for NetworkPolicy rules absent and empty differ. */
    static List<?> list(Object value, String path) {
        if (value == null) {
            return null;
        }
        if (value instanceof List<?> l) {
            return l;
        }
        throw new IllegalArgumentException(path + ": got " + quote(value) + ", want a list");
    }

    static List<?> listOrEmpty(Object value, String path) {
        List<?> l = list(value, path);
        return l == null ? List.of() : l;
    }

    static String string(Object value, String path) {
        if (value == null || value instanceof String) {
            return (String) value;
        }
        throw new IllegalArgumentException(path + ": got " + quote(value) + ", want a string");
    }

    static String requiredString(Object value, String path) {
        String s = string(value, path);
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(path + ": required");
        }
        return s;
    }

    /** An integral number as {@code long}; {@code 80.0} is accepted, {@code 80.5} and {@code "80"} are not. */
    static long integer(Object value, String path, String want) {
        if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.longValue();
        }
        throw new IllegalArgumentException(path + ": got " + quote(value) + ", want " + want);
    }

    static Map<String, String> labels(Object value, String path) {
        Map<String, String> out = new LinkedHashMap<>();
        mapOrEmpty(value, path).forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw new IllegalArgumentException(path + "." + k + ": got " + quote(v) + ", want a string");
            }
            out.put(k, s);
        });
        return out;
    }
}

package dev.trimtab.placement.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Kubernetes object parsed as a map tree (as Jackson gives it: maps, lists, strings, Long,
 * Boolean) and fails with the object and the field path, e.g.
 * {@code Pod shop/web-1: spec.containers[0].resources.requests.cpu: got "lots", want a quantity}.
 */
final class Fields {
    private final String object;

    Fields(String object) {
        this.object = object;
    }

    String object() {
        return object;
    }

    IllegalArgumentException error(String path, Object got, String want) {
        String shown = got instanceof String s ? "\"" + s + "\"" : String.valueOf(got);
        return new IllegalArgumentException(object + ": " + path + ": got " + shown + ", want " + want);
    }

    IllegalArgumentException error(String path, String problem) {
        return new IllegalArgumentException(object + ": " + path + ": " + problem);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> map(Map<String, Object> parent, String key, String path) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof Map<?, ?>)) {
            throw error(path, v, "an object");
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Map<String, Object> parent, String key, String path) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?>)) {
            throw error(path, v, "a list");
        }
        return (List<Object>) v;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> item(List<Object> list, int i, String path) {
        Object v = list.get(i);
        if (!(v instanceof Map<?, ?>)) {
            throw error(path, v, "an object");
        }
        return (Map<String, Object>) v;
    }

    String string(Map<String, Object> parent, String key, String path) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw error(path, v, "a string");
        }
        return s;
    }

    String requiredString(Map<String, Object> parent, String key, String path) {
        String s = string(parent, key, path);
        if (s == null || s.isEmpty()) {
            throw error(path, "required");
        }
        return s;
    }

    boolean bool(Map<String, Object> parent, String key, String path) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw error(path, v, "true or false");
        }
        return b;
    }

    long integer(Map<String, Object> parent, String key, String path, long absent) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return absent;
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short) {
            return ((Number) v).longValue();
        }
        throw error(path, v, "an integer");
    }

    Map<String, String> stringMap(Map<String, Object> parent, String key, String path) {
        Map<String, Object> m = map(parent, key, path);
        if (m == null || m.isEmpty()) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw error(path + "." + e.getKey(), e.getValue(), "a string");
            }
            out.put(e.getKey(), s);
        }
        return out;
    }

    List<String> stringList(Map<String, Object> parent, String key, String path) {
        List<Object> l = list(parent, key, path);
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String)) {
                throw error(path + "[" + i + "]", l.get(i), "a string");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) (List<?>) l;
        return List.copyOf(strings);
    }

    static String objectName(String kind, Map<String, Object> obj) {
        Object md = obj == null ? null : obj.get("metadata");
        String ns = null;
        String name = null;
        if (md instanceof Map<?, ?> m) {
            ns = m.get("namespace") instanceof String s ? s : null;
            name = m.get("name") instanceof String s ? s : null;
        }
        String n = name == null ? "<unnamed>" : name;
        return kind + " " + (ns == null ? n : ns + "/" + n);
    }
}

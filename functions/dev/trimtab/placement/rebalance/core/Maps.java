package dev.trimtab.placement.rebalance.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Lenient readers for Kubernetes object maps: absent means empty; a wrong type is an error naming the key. */
final class Maps {
    private Maps() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new IllegalArgumentException(key + ": got " + v + ", want an object");
    }

    static List<Object> list(Map<String, Object> parent, String key) {
        Object v = parent == null ? null : parent.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return List.copyOf(l);
        }
        throw new IllegalArgumentException(key + ": got " + v + ", want a list");
    }

    static String string(Map<String, Object> parent, String key, String absent) {
        Object v = parent == null ? null : parent.get(key);
        return v == null ? absent : String.valueOf(v);
    }

    static Map<String, String> stringMap(Map<String, Object> parent, String key) {
        Map<String, String> out = new LinkedHashMap<>();
        map(parent, key).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}

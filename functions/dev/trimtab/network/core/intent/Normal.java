package dev.trimtab.network.core.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Map trees in a form that compares equal when the API objects are equal: integers of any width as
 * {@code Long}, maps key-ordered. A policy read back from the cluster and one written from
 * manifests then compare equal.
 */
final class Normal {
    private Normal() {}

    static Object form(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), form(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(v -> out.add(form(v)));
            return out;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        return value;
    }
}

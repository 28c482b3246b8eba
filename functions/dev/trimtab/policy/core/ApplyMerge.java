package dev.trimtab.policy.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ApplyConfiguration mutation merged into an object, as server-side apply merges an applied
 * configuration: maps merge field by field, scalars replace, and a list replaces the old one unless
 * its items have a key. The API server takes list keys from the kind's OpenAPI schema
 * ({@code x-kubernetes-list-type: map}); without schemas, Trimtab keys items the way the core
 * kinds do: by {@code name} (containers, env, volumes, ...), by {@code containerPort} and
 * {@code protocol} (container ports), or by {@code mountPath} (volume mounts), when every item of
 * both lists has that key. A null value removes the field.
 */
final class ApplyMerge {
    private ApplyMerge() {}

    @SuppressWarnings("unchecked")
    static Object merge(Object current, Object applied) {
        if (current instanceof Map<?, ?> c && applied instanceof Map<?, ?> a) {
            Map<String, Object> out = new LinkedHashMap<>((Map<String, Object>) c);
            for (Map.Entry<?, ?> e : a.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (e.getValue() == null) {
                    out.remove(k);
                } else {
                    out.put(k, out.containsKey(k) ? merge(out.get(k), e.getValue()) : JsonPatch.copy(e.getValue()));
                }
            }
            return out;
        }
        if (current instanceof List<?> c && applied instanceof List<?> a) {
            List<String> key = key(c, a);
            if (key != null) {
                return mergeByKey(c, a, key);
            }
        }
        return JsonPatch.copy(applied);
    }

    private static List<String> key(List<?> current, List<?> applied) {
        for (List<String> key : List.of(List.of("name"), List.of("containerPort", "protocol"), List.of("mountPath"))) {
            if (keyed(current, key.get(0)) && keyed(applied, key.get(0))) {
                return key;
            }
        }
        return null;
    }

    private static boolean keyed(List<?> items, String field) {
        return items.stream().allMatch(i -> i instanceof Map<?, ?> m && m.get(field) != null);
    }

    private static List<Object> mergeByKey(List<?> current, List<?> applied, List<String> key) {
        List<Object> out = new ArrayList<>(current);
        for (Object item : applied) {
            int at = -1;
            for (int i = 0; i < out.size() && at < 0; i++) {
                if (identity(out.get(i), key).equals(identity(item, key))) {
                    at = i;
                }
            }
            if (at >= 0) {
                out.set(at, merge(out.get(at), item));
            } else {
                out.add(JsonPatch.copy(item));
            }
        }
        return out;
    }

    /** The item's key values; a container port's protocol defaults to TCP. */
    private static List<String> identity(Object item, List<String> key) {
        Map<?, ?> m = (Map<?, ?>) item;
        List<String> out = new ArrayList<>();
        for (String k : key) {
            Object v = m.get(k);
            out.add(
                    v == null && k.equals("protocol")
                            ? "TCP"
                            : v instanceof Number n ? String.valueOf(n.longValue()) : String.valueOf(v));
        }
        return out;
    }
}

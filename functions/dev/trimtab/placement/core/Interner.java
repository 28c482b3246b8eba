package dev.trimtab.placement.core;

import java.util.HashMap;
import java.util.Map;

/** Shares equal immutable values (label maps, spec facts) between the pods and nodes of a snapshot. */
final class Interner {
    private final Map<Object, Object> values = new HashMap<>();

    @SuppressWarnings("unchecked")
    <T> T intern(T value) {
        if (value == null) {
            return null;
        }
        Object seen = values.putIfAbsent(value, value);
        return seen == null ? value : (T) seen;
    }

    int size() {
        return values.size();
    }
}

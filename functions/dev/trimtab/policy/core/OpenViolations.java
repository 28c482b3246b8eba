package dev.trimtab.policy.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The violations found by the last check, by identity key, and what a new check changed: the
 * violations that {@code opened} (not there before) and those {@code resolved} (gone). A violation
 * still there is neither, whatever its message now says.
 */
public final class OpenViolations<K, V> {
    public record Diff<V>(List<V> opened, List<V> resolved) {}

    private Map<K, V> open = new LinkedHashMap<>();

    /** Replaces the open violations with {@code now} (in its order) and returns the difference. */
    public Diff<V> update(Map<K, V> now) {
        List<V> opened = new ArrayList<>();
        now.forEach((k, v) -> {
            if (!open.containsKey(k)) {
                opened.add(v);
            }
        });
        List<V> resolved = new ArrayList<>();
        open.forEach((k, v) -> {
            if (!now.containsKey(k)) {
                resolved.add(v);
            }
        });
        open = new LinkedHashMap<>(now);
        return new Diff<>(opened, resolved);
    }

    public int size() {
        return open.size();
    }
}

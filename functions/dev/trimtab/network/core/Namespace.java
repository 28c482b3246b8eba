package dev.trimtab.network.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A namespace and its labels. {@code kubernetes.io/metadata.name} is always present and equal to
 * the name: the API server sets it on every namespace, so manifests that omit it are completed.
 */
public record Namespace(String name, Map<String, String> labels) {
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";

    public Namespace {
        Map<String, String> l = new LinkedHashMap<>(labels);
        l.put(NAME_LABEL, name);
        labels = Map.copyOf(l);
    }

    /** A namespace known only by name (pods or policies refer to it, no Namespace object was given). */
    public static Namespace named(String name) {
        return new Namespace(name, Map.of());
    }
}

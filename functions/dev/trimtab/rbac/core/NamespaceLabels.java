package dev.trimtab.rbac.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The labels of the cluster's namespaces, from the Namespace objects read. Every namespace,
 * described or not, carries {@code kubernetes.io/metadata.name: <name>} as the API server sets it;
 * a namespace without a Namespace object has only that label.
 */
public final class NamespaceLabels {
    public static final String NAME_LABEL = "kubernetes.io/metadata.name";
    public static final NamespaceLabels NONE = new NamespaceLabels(Map.of());

    private final Map<String, Map<String, String>> labels;

    private NamespaceLabels(Map<String, Map<String, String>> labels) {
        this.labels = Map.copyOf(labels);
    }

    /** From the {@code v1} Namespace objects among {@code objects}; a later one replaces an earlier one. */
    public static NamespaceLabels fromObjects(List<Map<String, Object>> objects) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        objects.forEach(o -> read(o, out));
        return new NamespaceLabels(out);
    }

    /** These labels, with {@code namespace} described by {@code object} when it is a Namespace. */
    public NamespaceLabels with(Map<String, Object> object) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>(labels);
        read(object, out);
        return new NamespaceLabels(out);
    }

    /** The labels of {@code namespace}, the implied name label included. */
    public Map<String, String> of(String namespace) {
        Map<String, String> l = labels.get(namespace);
        return l != null ? l : Map.of(NAME_LABEL, namespace);
    }

    /** Whether {@code other} describes the same namespaces with the same labels. */
    boolean sameLabels(NamespaceLabels other) {
        return this == other || labels.equals(other.labels);
    }

    /** The namespaces described by a Namespace object. */
    public Set<String> known() {
        return labels.keySet();
    }

    private static void read(Map<String, Object> o, Map<String, Map<String, String>> out) {
        if (!"v1".equals(o.get("apiVersion"))
                || !"Namespace".equals(o.get("kind"))
                || !(o.get("metadata") instanceof Map<?, ?> meta)
                || !(meta.get("name") instanceof String name)
                || name.isEmpty()) {
            return;
        }
        Map<String, String> l = new LinkedHashMap<>();
        if (meta.get("labels") instanceof Map<?, ?> raw) {
            raw.forEach((k, v) -> l.put(String.valueOf(k), String.valueOf(v)));
        }
        l.put(NAME_LABEL, name);
        out.put(name, Map.copyOf(l));
    }
}

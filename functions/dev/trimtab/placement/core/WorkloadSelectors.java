package dev.trimtab.placement.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The selectors of the objects the default topology spreading reads (upstream's Service,
 * ReplicationController, ReplicaSet and StatefulSet listers), per namespace and name, kept from
 * their watch events. Only what changes a {@link DefaultSelector} is kept: a Service without a
 * selector (it selects nothing), an empty selector (it adds no requirement) or a ReplicaSet /
 * StatefulSet without one is not stored, which gives the same selectors as upstream's lookups.
 * A ReplicationController without a selector takes its template's labels, as the API server
 * defaults it. Default selectors are cached per (namespace, labels, controller) until any of these
 * objects changes.
 */
final class WorkloadSelectors {
    static final Set<String> KINDS = Set.of("Service", "ReplicationController", "ReplicaSet", "StatefulSet");
    private static final int CACHE_LIMIT = 50_000;

    private record CacheKey(String namespace, Labels labels, ControllerRef controller) {}

    /** By kind, then namespace, then name (sorted, so Services merge in a fixed order). */
    private final Map<String, Map<String, TreeMap<String, Object>>> byKind = new HashMap<>();

    private final Map<CacheKey, DefaultSelector> cache = new HashMap<>();

    /**
     * Records a Service, ReplicationController, ReplicaSet or StatefulSet from its object map. A
     * malformed selector throws naming the object and field; the object is then not tracked (upstream
     * ignores a selector it cannot parse).
     */
    void upsert(Map<String, Object> object) {
        String kind = object.get("kind") instanceof String k ? k : "";
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("kind \"" + kind + "\": want one of " + KINDS);
        }
        Fields f = new Fields(Fields.objectName(kind, object));
        Map<String, Object> md = f.map(object, "metadata", "metadata");
        String name = f.requiredString(md, "name", "metadata.name");
        String ns = namespace(f.string(md, "namespace", "metadata.namespace"));
        delete(kind, ns, name);
        Map<String, Object> spec = f.map(object, "spec", "spec");
        Object selector = switch (kind) {
            case "Service" -> labels(f.stringMap(spec, "selector", "spec.selector"));
            case "ReplicationController" -> {
                Map<String, String> s = f.stringMap(spec, "selector", "spec.selector");
                if (s.isEmpty()) {
                    Map<String, Object> template = f.map(spec, "template", "spec.template");
                    s = f.stringMap(
                            f.map(template, "metadata", "spec.template.metadata"),
                            "labels",
                            "spec.template.metadata.labels");
                }
                yield labels(s);
            }
            default -> {
                LabelSelector s = PodParser.selector(f, spec, "selector", "spec");
                yield s == null
                                || s.matchLabels().isEmpty()
                                        && s.matchExpressions().isEmpty()
                        ? null
                        : s;
            }
        };
        if (selector != null) {
            byKind.computeIfAbsent(kind, k -> new HashMap<>())
                    .computeIfAbsent(ns, k -> new TreeMap<>())
                    .put(name, selector);
        }
    }

    /** Forgets an object; returns whether it was tracked. */
    boolean delete(String kind, String namespace, String name) {
        cache.clear();
        Map<String, TreeMap<String, Object>> perNs = byKind.get(kind);
        TreeMap<String, Object> names = perNs == null ? null : perNs.get(namespace(namespace));
        if (names == null || names.remove(name) == null) {
            return false;
        }
        if (names.isEmpty()) {
            perNs.remove(namespace(namespace));
        }
        return true;
    }

    /** {@code helper.DefaultSelector} for the pod. */
    DefaultSelector selectorFor(PodInfo pod) {
        if (byKind.isEmpty()) {
            return DefaultSelector.EMPTY;
        }
        CacheKey key = new CacheKey(pod.namespace(), pod.labels(), pod.controller());
        DefaultSelector cached = cache.get(key);
        if (cached == null) {
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cached = build(pod);
            cache.put(key, cached);
        }
        return cached;
    }

    private DefaultSelector build(PodInfo pod) {
        Map<String, String> set = new LinkedHashMap<>();
        List<LabelSelector.Requirement> requirements = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (Map.Entry<String, Object> s : objects("Service", pod.namespace()).entrySet()) {
            Labels selector = (Labels) s.getValue();
            if (matches(selector, pod.labels())) {
                set.putAll(selector);
                sources.add("Service " + s.getKey());
            }
        }
        ControllerRef owner = pod.controller();
        if (owner != null) {
            Object selector = objects(owner.kind().name(), pod.namespace()).get(owner.name());
            if (selector instanceof Labels rc) {
                set.putAll(rc);
                sources.add(owner.toString());
            } else if (selector instanceof LabelSelector ls) {
                ls.matchLabels().entrySet().stream()
                        .sorted(Map.Entry.comparingByKey())
                        .forEach(e -> requirements.add(new LabelSelector.Requirement(
                                e.getKey(), LabelSelector.Operator.In, Set.of(e.getValue()))));
                requirements.addAll(ls.matchExpressions());
                sources.add(owner.toString());
            }
        }
        return set.isEmpty() && requirements.isEmpty()
                ? DefaultSelector.EMPTY
                : new DefaultSelector(new LabelSelector(set, requirements), sources);
    }

    private Map<String, Object> objects(String kind, String namespace) {
        Map<String, TreeMap<String, Object>> perNs = byKind.get(kind);
        TreeMap<String, Object> names = perNs == null ? null : perNs.get(namespace);
        return names == null ? Map.of() : names;
    }

    private static boolean matches(Labels selector, Map<String, String> labels) {
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Labels labels(Map<String, String> selector) {
        return selector.isEmpty() ? null : Labels.of(selector);
    }

    private static String namespace(String ns) {
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    int size() {
        int n = 0;
        for (Map<String, TreeMap<String, Object>> perNs : byKind.values()) {
            for (TreeMap<String, Object> names : perNs.values()) {
                n += names.size();
            }
        }
        return n;
    }
}

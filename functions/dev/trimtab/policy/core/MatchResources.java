package dev.trimtab.policy.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * {@code matchConstraints} of a policy or {@code matchResources} of a binding, matched in the API
 * server's order: namespaceSelector, objectSelector (the new or the old object's labels),
 * excludeResourceRules (which win), resourceRules (empty: everything, bindings only).
 * {@code matchPolicy: Equivalent} is matched as {@code Exact}: Trimtab does not know which other
 * API versions serve the same resource (docs/decisions/0008).
 */
public record MatchResources(LabelSelector namespaceSelector, LabelSelector objectSelector,
                             List<ResourceRule> resourceRules, List<ResourceRule> excludeResourceRules) {
    public static final MatchResources EVERYTHING = new MatchResources(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING,
            List.of(), List.of());

    public MatchResources {
        namespaceSelector = namespaceSelector == null ? LabelSelector.EVERYTHING : namespaceSelector;
        objectSelector = objectSelector == null ? LabelSelector.EVERYTHING : objectSelector;
        resourceRules = List.copyOf(resourceRules);
        excludeResourceRules = excludeResourceRules == null ? List.of() : List.copyOf(excludeResourceRules);
    }

    /** @param namespaceLabels the labels of the request's namespace, read only if the selector needs them */
    public boolean matches(AdmissionRequest r, java.util.function.Supplier<Map<String, String>> namespaceLabels) {
        boolean clusterScoped = r.namespace().isEmpty() && !r.resource().resource().equals("namespaces");
        if (!clusterScoped && !namespaceSelector.equals(LabelSelector.EVERYTHING)
                && !namespaceSelector.matches(namespaceLabels.get())) {
            return false;
        }
        if (!objectSelector.equals(LabelSelector.EVERYTHING) && !selects(r.object()) && !selects(r.oldObject())) {
            return false;
        }
        for (ResourceRule rule : excludeResourceRules) {
            if (rule.matches(r)) {
                return false;
            }
        }
        if (resourceRules.isEmpty()) {
            return true;
        }
        for (ResourceRule rule : resourceRules) {
            if (rule.matches(r)) {
                return true;
            }
        }
        return false;
    }

    /** The object selector matches an object with metadata whose labels it selects. */
    private boolean selects(Map<String, Object> object) {
        return object != null && object.get("metadata") instanceof Map<?, ?> && objectSelector.matches(labels(object));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> labels(Map<String, Object> object) {
        if (object == null || !(object.get("metadata") instanceof Map<?, ?> meta)
                || !(meta.get("labels") instanceof Map<?, ?> labels)) {
            return Map.of();
        }
        return (Map<String, String>) labels;
    }
}

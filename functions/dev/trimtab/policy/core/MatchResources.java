package dev.trimtab.policy.core;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.core.AdmissionRequest.Gvk;
import dev.trimtab.policy.core.AdmissionRequest.Gvr;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code matchConstraints} of a policy or {@code matchResources} of a binding, matched in the API
 * server's order: namespaceSelector, objectSelector (the new or the old object's labels),
 * excludeResourceRules (which win), resourceRules (empty: everything, bindings only). Rules are
 * matched against the request as it was made ({@code requestResource}, {@code requestSubResource}),
 * first exactly, then, with {@code matchPolicy: Equivalent} (the default), through the resources
 * {@link EquivalentResources} knows to be the same objects in another group or version; the match
 * says which version the policy sees (k8s.io/apiserver admission/plugin/policy/matching).
 *
 * @param equivalent {@code matchPolicy: Equivalent}
 */
public record MatchResources(
        LabelSelector namespaceSelector,
        LabelSelector objectSelector,
        List<ResourceRule> resourceRules,
        List<ResourceRule> excludeResourceRules,
        boolean equivalent) {
    public static final MatchResources EVERYTHING =
            new MatchResources(LabelSelector.EVERYTHING, LabelSelector.EVERYTHING, List.of(), List.of(), true);

    /** The resource and kind a matching request is seen as: the request's own, or an equivalent one. */
    public record Match(Gvr resource, Gvk kind) {}

    /** A rule matched an equivalent resource whose kind is not known, so the object cannot be converted to it. */
    public static final class UnknownKind extends RuntimeException {
        UnknownKind(Gvr resource) {
            super("unable to convert to " + resource.group() + "/" + resource.version() + ", Resource="
                    + resource.resource() + ": unknown kind");
        }
    }

    public MatchResources {
        namespaceSelector = namespaceSelector == null ? LabelSelector.EVERYTHING : namespaceSelector;
        objectSelector = objectSelector == null ? LabelSelector.EVERYTHING : objectSelector;
        resourceRules = List.copyOf(resourceRules);
        excludeResourceRules = excludeResourceRules == null ? List.of() : List.copyOf(excludeResourceRules);
    }

    /**
     * How {@code r} matches, or null if it does not.
     *
     * @param namespaceLabels the labels of the request's namespace, read only if the selector needs them
     * @throws UnknownKind when the only match is an equivalent resource without a known kind
     */
    public Match match(
            AdmissionRequest r, Supplier<Map<String, String>> namespaceLabels, EquivalentResources equivalents) {
        boolean clusterScoped =
                r.namespace().isEmpty() && !r.requestResource().resource().equals("namespaces");
        if (!clusterScoped
                && !namespaceSelector.equals(LabelSelector.EVERYTHING)
                && !namespaceSelector.matches(namespaceLabels.get())) {
            return null;
        }
        if (!objectSelector.equals(LabelSelector.EVERYTHING) && !selects(r.object()) && !selects(r.oldObject())) {
            return null;
        }
        if (matchRules(excludeResourceRules, r, equivalents) != null) {
            return null;
        }
        if (resourceRules.isEmpty()) {
            return new Match(r.requestResource(), r.requestKind());
        }
        return matchRules(resourceRules, r, equivalents);
    }

    private Match matchRules(List<ResourceRule> rules, AdmissionRequest r, EquivalentResources equivalents) {
        Gvr requested = r.requestResource();
        String sub = r.requestSubResource();
        for (ResourceRule rule : rules) {
            if (rule.matches(r, requested, sub) && rule.names(r.name())) {
                return new Match(requested, r.requestKind());
            }
        }
        if (!equivalent) {
            return null;
        }
        List<Gvr> others = equivalents.equivalents(requested, sub);
        for (ResourceRule rule : rules) {
            for (Gvr other : others) {
                if (other.equals(requested) || !rule.matches(r, other, sub)) {
                    continue;
                }
                Gvk kind = equivalents.kindFor(other, sub);
                if (kind == null || kind.kind().isEmpty()) {
                    throw new UnknownKind(other);
                }
                if (rule.names(r.name())) {
                    return new Match(other, kind);
                }
            }
        }
        return null;
    }
    /** The object selector matches an object with metadata whose labels it selects. */
    private boolean selects(Map<String, Object> object) {
        return object != null && object.get("metadata") instanceof Map<?, ?> && objectSelector.matches(labels(object));
    }

    @SuppressWarnings("unchecked")
    static Map<String, String> labels(Map<String, Object> object) {
        if (object == null
                || !(object.get("metadata") instanceof Map<?, ?> meta)
                || !(meta.get("labels") instanceof Map<?, ?> labels)) {
            return Map.of();
        }
        return (Map<String, String>) labels;
    }
}

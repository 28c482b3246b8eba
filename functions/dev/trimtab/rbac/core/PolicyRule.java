package dev.trimtab.rbac.core;

import java.util.List;

/**
 * One rule of a Role or ClusterRole, as stored: every list possibly empty, never null. The matching
 * methods are the API server's ({@code pkg/apis/rbac/v1/evaluation_helpers.go}): {@code *} in
 * verbs, apiGroups or resources matches anything; a resource {@code *}{@code /sub} matches the
 * subresource {@code sub} of any resource; a resource {@code pods/*} has no special meaning (it
 * matches only a request whose combined resource is literally {@code pods/*}); an empty
 * resourceNames list matches every name, including the empty name of list, watch and create
 * requests, while a non-empty one matches only those names (so never a list); a non-resource URL
 * ending in {@code *} matches every path that starts with what precedes its trailing stars.
 * Matching is case-sensitive.
 */
public record PolicyRule(
        List<String> verbs,
        List<String> apiGroups,
        List<String> resources,
        List<String> resourceNames,
        List<String> nonResourceURLs) {
    public static final String ALL = "*";

    public PolicyRule {
        verbs = List.copyOf(verbs);
        apiGroups = List.copyOf(apiGroups);
        resources = List.copyOf(resources);
        resourceNames = List.copyOf(resourceNames);
        nonResourceURLs = List.copyOf(nonResourceURLs);
    }

    /** A resource rule without resource names or URLs. */
    public static PolicyRule of(List<String> verbs, List<String> apiGroups, List<String> resources) {
        return new PolicyRule(verbs, apiGroups, resources, List.of(), List.of());
    }

    /** Whether this rule alone allows {@code request} (the namespace is the binding's business). */
    public boolean allows(AccessRequest request) {
        return allows(request, null);
    }

    /** {@link #allows(AccessRequest)} with {@code request.combinedResource()} worked out by the caller (or null). */
    boolean allows(AccessRequest request, String combinedResource) {
        if (!verbMatches(request.verb())) {
            return false;
        }
        if (request.isNonResource()) {
            return nonResourceURLMatches(request.path());
        }
        return apiGroupMatches(request.apiGroup())
                && resourceMatches(
                        combinedResource != null ? combinedResource : request.combinedResource(), request.subresource())
                && resourceNameMatches(request.name());
    }

    /**
     * Whether this rule allows {@code request} for some object name: resourceNames are not
     * consulted. Used to ask what a rule opens, not what one request may do.
     */
    public boolean allowsSomeName(AccessRequest request) {
        // allows() with the name replaced by the rule's first resource name (the request's own
        // when the rule lists none): the name check always passes, the rest is unchanged
        if (!verbMatches(request.verb())) {
            return false;
        }
        if (request.isNonResource()) {
            return nonResourceURLMatches(request.path());
        }
        return apiGroupMatches(request.apiGroup())
                && resourceMatches(request.combinedResource(), request.subresource());
    }

    public boolean verbMatches(String verb) {
        return verbs.contains(ALL) || verbs.contains(verb);
    }

    public boolean apiGroupMatches(String group) {
        return apiGroups.contains(ALL) || apiGroups.contains(group);
    }

    /**
     * @param combined the resource, or {@code resource/subresource} when there is a subresource
     * @param subresource empty when there is none
     */
    public boolean resourceMatches(String combined, String subresource) {
        for (String r : resources) {
            if (r.equals(ALL) || r.equals(combined)) {
                return true;
            }
            if (!subresource.isEmpty() && r.equals("*/" + subresource)) {
                return true;
            }
        }
        return false;
    }

    public boolean resourceNameMatches(String name) {
        return resourceNames.isEmpty() || resourceNames.contains(name);
    }

    public boolean nonResourceURLMatches(String path) {
        for (String u : nonResourceURLs) {
            if (u.equals(ALL) || u.equals(path)) {
                return true;
            }
            if (u.endsWith("*") && path.regionMatches(0, u, 0, withoutTrailingStars(u))) {
                return true;
            }
        }
        return false;
    }

    /** Verbs, apiGroups and resources all {@code *}: the rule of ClusterRole cluster-admin. */
    public boolean isFullWildcard() {
        return verbs.contains(ALL) && apiGroups.contains(ALL) && resources.contains(ALL);
    }

    /** The length of {@code s} without its trailing stars: {@code path} starts with that part when the region matches. */
    private static int withoutTrailingStars(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '*') {
            end--;
        }
        return end;
    }

    /** Compact form in the API server's escalation messages: {@code {APIGroups:["apps"], Verbs:["get"]}}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        part(sb, "APIGroups", apiGroups);
        part(sb, "Resources", resources);
        part(sb, "NonResourceURLs", nonResourceURLs);
        part(sb, "ResourceNames", resourceNames);
        part(sb, "Verbs", verbs);
        return sb.append('}').toString();
    }

    private static void part(StringBuilder sb, String label, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        if (sb.length() > 1) {
            sb.append(", ");
        }
        sb.append(label).append(":[");
        for (int i = 0; i < values.size(); i++) {
            sb.append(i == 0 ? "" : " ").append('"').append(values.get(i)).append('"');
        }
        sb.append(']');
    }
}

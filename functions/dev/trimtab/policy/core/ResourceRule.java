package dev.trimtab.policy.core;

import java.util.List;

/**
 * A {@code NamedRuleWithOperations}: which requests a policy or binding is about. Empty
 * {@code resourceNames} match any name; {@code "*"} matches any operation, group, version or
 * resource; {@code "pods/*"} matches pods and all their subresources, {@code "*"} every resource
 * but no subresource, {@code "*}{@code /scale"} the scale subresource of anything.
 *
 * @param scope {@code Cluster}, {@code Namespaced} or {@code *} (the default)
 */
public record ResourceRule(
        List<String> resourceNames,
        List<String> operations,
        List<String> apiGroups,
        List<String> apiVersions,
        List<String> resources,
        String scope) {
    public ResourceRule {
        resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
        operations = List.copyOf(operations);
        apiGroups = List.copyOf(apiGroups);
        apiVersions = List.copyOf(apiVersions);
        resources = List.copyOf(resources);
        scope = scope == null ? "*" : scope;
    }

    /**
     * Whether the rule covers {@code r}'s operation and scope made on {@code resource}'s
     * {@code subResource} (the request's own resource, or an equivalent one); names aside.
     */
    public boolean matches(AdmissionRequest r, AdmissionRequest.Gvr resource, String subResource) {
        return scopeMatches(r, resource)
                && anyOrExact(operations, r.operation())
                && anyOrExact(apiGroups, resource.group())
                && anyOrExact(apiVersions, resource.version())
                && resourceMatches(resource.resource(), subResource);
    }

    /** Whether the rule covers an object of this name (empty {@code resourceNames}: any). */
    public boolean names(String name) {
        return resourceNames.isEmpty() || resourceNames.contains(name);
    }

    private boolean scopeMatches(AdmissionRequest r, AdmissionRequest.Gvr resource) {
        boolean namespacesResource = resource.group().isEmpty()
                && resource.version().equals("v1")
                && resource.resource().equals("namespaces");
        return switch (scope) {
            case "Namespaced" -> !namespacesResource && !r.namespace().isEmpty();
            case "Cluster" -> namespacesResource || r.namespace().isEmpty();
            default -> true;
        };
    }

    private boolean resourceMatches(String resource, String subResource) {
        for (String entry : resources) {
            int slash = entry.indexOf('/');
            String res = slash < 0 ? entry : entry.substring(0, slash);
            String sub = slash < 0 ? "" : entry.substring(slash + 1);
            if ((res.equals("*") || res.equals(resource)) && (sub.equals("*") || sub.equals(subResource))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyOrExact(List<String> allowed, String value) {
        return allowed.contains("*") || allowed.contains(value);
    }
}

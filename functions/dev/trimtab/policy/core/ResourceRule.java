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
public record ResourceRule(List<String> resourceNames, List<String> operations, List<String> apiGroups,
                           List<String> apiVersions, List<String> resources, String scope) {
    public ResourceRule {
        resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
        operations = List.copyOf(operations);
        apiGroups = List.copyOf(apiGroups);
        apiVersions = List.copyOf(apiVersions);
        resources = List.copyOf(resources);
        scope = scope == null ? "*" : scope;
    }

    public boolean matches(AdmissionRequest r) {
        return scopeMatches(r) && anyOrExact(operations, r.operation()) && anyOrExact(apiGroups, r.resource().group())
                && anyOrExact(apiVersions, r.resource().version()) && resourceMatches(r)
                && (resourceNames.isEmpty() || resourceNames.contains(r.name()));
    }

    private boolean scopeMatches(AdmissionRequest r) {
        boolean namespacesResource = r.resource().group().isEmpty() && r.resource().version().equals("v1")
                && r.resource().resource().equals("namespaces");
        return switch (scope) {
            case "Namespaced" -> !namespacesResource && !r.namespace().isEmpty();
            case "Cluster" -> namespacesResource || r.namespace().isEmpty();
            default -> true;
        };
    }

    private boolean resourceMatches(AdmissionRequest r) {
        for (String entry : resources) {
            int slash = entry.indexOf('/');
            String res = slash < 0 ? entry : entry.substring(0, slash);
            String sub = slash < 0 ? "" : entry.substring(slash + 1);
            if ((res.equals("*") || res.equals(r.resource().resource()))
                    && (sub.equals("*") || sub.equals(r.subResource()))) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyOrExact(List<String> allowed, String value) {
        return allowed.contains("*") || allowed.contains(value);
    }
}

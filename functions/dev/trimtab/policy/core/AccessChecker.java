package dev.trimtab.policy.core;

import java.util.List;

/**
 * What the CEL {@code authorizer} asks: may this user (with these groups) do this verb on this
 * resource or non-resource path? Answered by whoever can: RBAC objects read from a directory or
 * the cluster ({@code dev.trimtab.policy.load.RbacAccess}).
 */
public interface AccessChecker {
    /** The authorizer's answer: {@code allow}, {@code deny} or {@code noOpinion}, why, and an error if it failed. */
    record Decision(String decision, String reason, String error) {
        public boolean allowed() {
            return decision.equals("allow");
        }
    }

    /**
     * @param path a non-resource URL, or null for a resource request
     * @param namespace "" for cluster-wide
     */
    Decision check(
            String user,
            List<String> groups,
            String verb,
            String apiGroup,
            String resource,
            String subresource,
            String namespace,
            String name,
            String path);
}

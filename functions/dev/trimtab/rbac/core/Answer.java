package dev.trimtab.rbac.core;

import java.util.List;

/**
 * The authorizer's answer: allowed iff at least one grant. Unlike the API server, which stops at
 * the first matching rule, every grant is listed, in the API server's visiting order
 * (ClusterRoleBindings, then the namespace's RoleBindings, each in input order, rules in order).
 */
public record Answer(boolean allowed, AccessRequest request, List<Grant> grants) {
    public Answer {
        grants = List.copyOf(grants);
    }
}

package dev.trimtab.rbac.core;

/**
 * One reason a request is allowed: rule {@code ruleIndex} (0-based, in the role's effective rules,
 * i.e. the aggregate for an aggregated ClusterRole) of {@code role}, bound by {@code binding} to
 * {@code subject}.
 */
public record Grant(ObjectRef binding, ObjectRef role, int ruleIndex, PolicyRule rule, Subject subject) {
    @Override
    public String toString() {
        return binding + " of " + role + " rules[" + ruleIndex + "] " + rule + " to " + subject;
    }
}

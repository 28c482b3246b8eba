package dev.trimtab.rbac.core;

import java.util.List;

/**
 * One escalation risk: {@code binding} grants {@code subjects} rule {@code ruleIndex} of
 * {@code role} (the rule itself in {@code rule}), which opens {@code code}. {@code scope} is the
 * namespace where it holds, {@code ""} for cluster-wide. A ClusterAdmin finding on a binding to
 * {@code cluster-admin} whose role is not among the objects has {@code ruleIndex} -1 and no rule.
 */
public record Finding(
        FindingCode code,
        ObjectRef binding,
        ObjectRef role,
        int ruleIndex,
        PolicyRule rule,
        List<Subject> subjects,
        String scope,
        String message) {
    public Finding {
        subjects = List.copyOf(subjects);
    }
}

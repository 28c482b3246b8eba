package dev.trimtab.rbac.core;

import java.util.List;
import java.util.Map;

/**
 * The fixes for a list of violations: {@code fixes} in the order of the violations they first
 * fix, at most one per binding (it drops every offending subject of that binding at once);
 * {@code byViolation} maps each violation to its fix. Violations of one binding share one fix:
 * apply each of {@code fixes} once.
 */
public record RemediationPlan(List<IntentFix> fixes, Map<IntentViolation, IntentFix> byViolation) {
    public RemediationPlan {
        fixes = List.copyOf(fixes);
        byViolation = Map.copyOf(byViolation);
    }

    public IntentFix fixFor(IntentViolation v) {
        IntentFix f = byViolation.get(v);
        if (f == null) {
            throw new IllegalArgumentException("not a violation of this plan: " + v.message());
        }
        return f;
    }
}

package dev.trimtab.network.core.intent;

import java.util.List;

/**
 * What {@link IntentEnforcer#plan} decided: the {@code changes} to apply, and, checked on the
 * objects as they will be after them, whether every Enforce intent {@code holds} and the
 * {@code violations} left. Each left violation is also in {@code unresolvable} with the policies at
 * fault (policies Trimtab does not own, or another intent's), which Trimtab never edits.
 * {@code conflicts}: generated policies not written because a policy Trimtab does not own has their
 * name (the violations they would remove stay).
 */
public record IntentPlan(
        List<PolicyChange> changes,
        boolean holds,
        List<IntentViolation> violations,
        List<Unresolvable> unresolvable,
        List<String> conflicts) {

    /**
     * A violation planning cannot remove. {@code policies}: the policies ({@code ns/name}) that
     * allow the forbidden flow or block the required one; {@code message} says why Trimtab leaves them.
     */
    public record Unresolvable(IntentViolation violation, List<String> policies, String message) {
        public Unresolvable {
            policies = List.copyOf(policies);
        }
    }

    public IntentPlan {
        changes = List.copyOf(changes);
        violations = List.copyOf(violations);
        unresolvable = List.copyOf(unresolvable);
        conflicts = List.copyOf(conflicts);
    }
}

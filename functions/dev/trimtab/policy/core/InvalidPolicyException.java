package dev.trimtab.policy.core;

import java.util.List;

/** A policy that cannot be used: every problem with its field path (and CEL position). */
public final class InvalidPolicyException extends Exception {
    private final String policy;
    private final List<String> problems;

    public InvalidPolicyException(String policy, List<String> problems) {
        this("ValidatingAdmissionPolicy", policy, problems);
    }

    /** @param kind the kind of the invalid object (a policy or a binding) */
    public InvalidPolicyException(String kind, String policy, List<String> problems) {
        super(kind + " '" + policy + "' is invalid: " + String.join("; ", problems));
        this.policy = policy;
        this.problems = List.copyOf(problems);
    }

    public String policy() {
        return policy;
    }

    public List<String> problems() {
        return problems;
    }
}

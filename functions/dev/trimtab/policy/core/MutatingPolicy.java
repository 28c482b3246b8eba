package dev.trimtab.policy.core;

import java.util.List;

/**
 * A {@code MutatingAdmissionPolicy} ({@code admissionregistration.k8s.io/v1beta1}) as written,
 * with the API's defaults ({@code failurePolicy: Fail}, {@code reinvocationPolicy: Never}).
 * Match constraints, match conditions, variables and parameters mean what they mean in a
 * {@link ValidatingPolicy}.
 */
public record MutatingPolicy(
        String name,
        ValidatingPolicy.FailurePolicy failurePolicy,
        ValidatingPolicy.ParamKind paramKind,
        MatchResources matchConstraints,
        List<ValidatingPolicy.Named> matchConditions,
        List<ValidatingPolicy.Named> variables,
        List<Mutation> mutations,
        Reinvocation reinvocationPolicy) {
    public enum PatchType {
        ApplyConfiguration,
        JSONPatch
    }

    public enum Reinvocation {
        Never,
        IfNeeded
    }

    /** One mutation: its patch type and the CEL expression producing the patch. */
    public record Mutation(PatchType patchType, String expression) {}

    public MutatingPolicy {
        failurePolicy = failurePolicy == null ? ValidatingPolicy.FailurePolicy.Fail : failurePolicy;
        reinvocationPolicy = reinvocationPolicy == null ? Reinvocation.Never : reinvocationPolicy;
        matchConditions = List.copyOf(matchConditions);
        variables = List.copyOf(variables);
        mutations = List.copyOf(mutations);
    }
}

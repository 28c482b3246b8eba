package dev.trimtab.policy.core;

import java.util.List;

/**
 * A {@code ValidatingAdmissionPolicy} ({@code admissionregistration.k8s.io/v1}) as written: the
 * spec's fields with the API's defaults applied ({@code failurePolicy: Fail}).
 */
public record ValidatingPolicy(
        String name,
        FailurePolicy failurePolicy,
        ParamKind paramKind,
        MatchResources matchConstraints,
        List<Named> matchConditions,
        List<Named> variables,
        List<Validation> validations,
        List<AuditAnnotation> auditAnnotations) {
    public enum FailurePolicy {
        Fail,
        Ignore
    }

    public record ParamKind(String apiVersion, String kind) {}

    /** A matchCondition or a variable. */
    public record Named(String name, String expression) {}

    /** @param reason Unauthorized, Forbidden, Invalid (the default) or RequestEntityTooLarge */
    public record Validation(String expression, String message, String messageExpression, String reason) {}

    public record AuditAnnotation(String key, String valueExpression) {}

    public ValidatingPolicy {
        failurePolicy = failurePolicy == null ? FailurePolicy.Fail : failurePolicy;
        matchConditions = List.copyOf(matchConditions);
        variables = List.copyOf(variables);
        validations = List.copyOf(validations);
        auditAnnotations = List.copyOf(auditAnnotations);
    }
}

package dev.trimtab.auth.core;

/**
 * A SubjectAccessReview's answer ({@code status}): allowed, or not with the authorizers' reason
 * and evaluation error (either may be empty).
 */
public record Authorization(boolean allowed, String reason, String evaluationError) {
    public Authorization {
        reason = reason == null ? "" : reason;
        evaluationError = evaluationError == null ? "" : evaluationError;
    }

    public static Authorization allow(String reason) {
        return new Authorization(true, reason, "");
    }

    public static Authorization deny(String reason) {
        return new Authorization(false, reason, "");
    }
}

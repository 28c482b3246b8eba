package dev.trimtab.policy.core;

/**
 * A step another function adds to the validating webhook, after the admission policies: the
 * intents' own validation, ScalingPolicy ownership, RBAC intents in Enforce mode. The webhook
 * finds the steps as CDI beans, so the policy function depends on none of the functions that add
 * them. Every {@link Stage#VALIDATE} step runs before any {@link Stage#AUTHORIZE} step, as the API
 * server checks an object's schema before it asks the webhooks.
 */
public interface AdmissionCheck {
    /** When a step runs, and how its refusal is answered. */
    enum Stage {
        /** The object cannot be stored as it is: 422 Invalid. */
        VALIDATE(422, "Invalid"),
        /** The request is not allowed: 403 Forbidden. */
        AUTHORIZE(403, "Forbidden");

        private final int code;
        private final String reason;

        Stage(int code, String reason) {
            this.code = code;
            this.reason = reason;
        }

        public int code() {
            return code;
        }

        public String reason() {
            return reason;
        }
    }

    Stage stage();

    /** Why the request must be refused, naming the field where there is one; null when it passes this step. */
    String refusal(AdmissionRequest request);
}

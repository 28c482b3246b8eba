package dev.trimtab.policy.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;

/**
 * A {@code ValidatingAdmissionPolicyBinding}: which policy, with which parameters, for which
 * requests ({@code matchResources}, null: all the policy matches), and what a failure does. A
 * binding that could not be read beyond its name and policy carries a {@code configurationError}:
 * each request it matches gets {@code failed to configure binding: …} under the policy's
 * failurePolicy (docs/decisions/0017).
 */
public record PolicyBinding(
        String name,
        String policyName,
        ParamRef paramRef,
        MatchResources matchResources,
        List<Action> validationActions,
        String configurationError) {
    public enum Action {
        Deny,
        Warn,
        Audit
    }

    /**
     * @param parameterNotFoundAction {@code Deny} or {@code Allow}
     * @param selector                null when {@code name} is set
     */
    public record ParamRef(String name, String namespace, LabelSelector selector, String parameterNotFoundAction) {}

    public PolicyBinding {
        validationActions = List.copyOf(validationActions);
    }

    public PolicyBinding(
            String name,
            String policyName,
            ParamRef paramRef,
            MatchResources matchResources,
            List<Action> validationActions) {
        this(name, policyName, paramRef, matchResources, validationActions, null);
    }

    /** A binding that cannot be used: it matches {@code matchResources} (null: all its policy matches) and fails. */
    public static PolicyBinding misconfigured(
            String name, String policyName, MatchResources matchResources, String error) {
        return new PolicyBinding(name, policyName, null, matchResources, List.of(Action.Deny), error);
    }
}

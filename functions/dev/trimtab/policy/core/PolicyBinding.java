package dev.trimtab.policy.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;

/**
 * A {@code ValidatingAdmissionPolicyBinding}: which policy, with which parameters, for which
 * requests ({@code matchResources}, null: all the policy matches), and what a failure does.
 */
public record PolicyBinding(String name, String policyName, ParamRef paramRef, MatchResources matchResources,
                            List<Action> validationActions) {
    public enum Action { Deny, Warn, Audit }

    /**
     * @param parameterNotFoundAction {@code Deny} or {@code Allow}
     * @param selector                null when {@code name} is set
     */
    public record ParamRef(String name, String namespace, LabelSelector selector, String parameterNotFoundAction) {}

    public PolicyBinding {
        validationActions = List.copyOf(validationActions);
    }
}

package dev.trimtab.policy.core;

/**
 * A {@code MutatingAdmissionPolicyBinding}: which policy, with which parameters, for which
 * requests ({@code matchResources}, null: all the policy matches).
 *
 * @param remediate Trimtab's extension (annotation {@code trimtab.dev/remediate: "true"}): also
 *                  apply the policy to live objects that fail a validation, not only at admission
 */
public record MutatingBinding(
        String name,
        String policyName,
        PolicyBinding.ParamRef paramRef,
        MatchResources matchResources,
        boolean remediate) {
    public static final String REMEDIATE_ANNOTATION = "trimtab.dev/remediate";
}

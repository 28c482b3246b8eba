/**
 * The policy engine's core: Kubernetes ValidatingAdmissionPolicy and its bindings, matched and
 * evaluated (CEL, through cel-java) with the API server's semantics, with no framework imports.
 * The admission endpoint, the audit of cluster events, the autoscaler's guardrail and the
 * offline {@code policy review} command all call {@link dev.trimtab.policy.core.PolicyEngine}.
 */
package dev.trimtab.policy.core;

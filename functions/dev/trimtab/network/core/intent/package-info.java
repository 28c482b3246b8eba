/**
 * Network intents: what a security team wants to hold of pod traffic, checked against the
 * NetworkPolicy model of {@link dev.trimtab.network.core} and, in Enforce mode, realized by
 * NetworkPolicies Trimtab writes. Resource format and examples: {@code docs/network-intents.md}.
 *
 * <h2>Checking ({@link dev.trimtab.network.core.intent.IntentChecker})</h2>
 * Every probe is a {@link dev.trimtab.network.core.ReachabilityAnalyzer#canReach} question; a pod
 * to itself is never probed (CNIs differ on loopback).
 * <ul>
 *   <li>{@code defaultDeny}: each pod of the selected namespaces must be isolated for each
 *       direction (some policy selects it): {@code NotIsolated} otherwise. What policies then
 *       allow is not judged: other intents and the teams' own policies decide it. With
 *       {@code allowDNS} (default true) and Egress, each such pod must reach every
 *       {@code kube-system} pod labelled {@code k8s-app=kube-dns} on 53/UDP and 53/TCP
 *       ({@code BlockedFlow}); with no such pod in the model there is nothing to probe. A namespace
 *       without pods cannot be violated (Enforce still writes its policy, so new pods are covered).</li>
 *   <li>{@code onlyFrom}: for each target pod, every other pod of the model and one outside address
 *       ({@code 203.0.113.1}, TEST-NET-3) is probed on the rule's port: a listed source that
 *       cannot reach is {@code BlockedFlow}, anything else that can is {@code AllowedFlow}.</li>
 *   <li>{@code deny}: for each pod of the from namespaces and each other pod of the to namespaces,
 *       the destination's declared container ports (number and protocol) and then port 65535 on
 *       TCP, UDP and SCTP are probed; the first that is reachable is one {@code AllowedFlow} for
 *       the pair. A rule allowing only a port range that misses all of these is not seen.</li>
 * </ul>
 *
 * <h2>Enforcing ({@link dev.trimtab.network.core.intent.IntentEnforcer})</h2>
 * Decisions read only the policies Trimtab does not own, plus those it plans: its own (labelled
 * {@code app.kubernetes.io/managed-by=trimtab} and {@code trimtab.dev/intent=<intent>}) are
 * rewritten from scratch each time, so planning is idempotent. Two phases:
 * <ol>
 *   <li>isolate: {@code defaultDeny} writes {@code trimtab-<intent>-<rule>} in every selected
 *       namespace ({@code podSelector: {}}, the rule's policyTypes, no ingress rule, and with
 *       allowDNS one egress rule to kube-system/k8s-app=kube-dns on 53 UDP and TCP).
 *       {@code onlyFrom} writes {@code trimtab-<intent>-<rule>} in every namespace the target
 *       namespaceSelector matches (when absent, every namespace with a target pod): the target
 *       podSelector, Ingress, one rule from the listed sources on the port. This isolates the
 *       targets for ingress; phase 2 reopens their other ports.</li>
 *   <li>open, on the model with phase 1: {@code onlyFrom} writes {@code trimtab-<intent>-<rule>-others}
 *       in each target namespace where some target pod is isolated by nothing but onlyFrom
 *       target-side policies: those pods (target selector and the complement of the other
 *       isolating selectors) accept everyone on every port but the rule's and those of onlyFrom
 *       rules with overlapping targets (port ranges), as before; and
 *       {@code trimtab-<intent>-<rule>-from-<j>}
 *       in each namespace where a pod of source j is isolated for egress and blocked on that side:
 *       the source's podSelector (or {}) may open the port to the targets. {@code deny}: in each
 *       to namespace, if a policy with {@code podSelector: {}} isolates every pod for ingress
 *       nothing is written; otherwise {@code trimtab-<intent>-<rule>} isolates the pods that no
 *       policy isolates (all of them, or the complement of the isolating selectors when each has a
 *       single requirement; else a conflict is reported) and admits everything but the from
 *       namespaces: the from selector negated, one namespaceSelector peer per requirement. No
 *       ipBlock peer: ipBlocks match pod IPs too, so {@code 0.0.0.0/0} would admit the from pods
 *       again; outside addresses are therefore no longer admitted to those pods.</li>
 * </ol>
 * A pod already isolated keeps exactly its allows: Trimtab only adds allows to pods it isolates
 * itself. When a policy Trimtab does not own allows a forbidden flow, adding policies cannot help
 * (allows are additive): the violation stays, named with that policy, in
 * {@link dev.trimtab.network.core.intent.IntentPlan#unresolvable}.
 */
package dev.trimtab.network.core.intent;

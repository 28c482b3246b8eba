/**
 * Kubernetes RBAC, evaluated offline with the API server's semantics: who may do what, why, and
 * which bindings open a path to more privilege. Plain Java over map trees; no cluster, no JSON
 * library.
 *
 * <h2>Objects</h2>
 * {@link dev.trimtab.rbac.core.RbacModel#fromObjects} reads Roles, ClusterRoles, RoleBindings and
 * ClusterRoleBindings and validates them as the API server does on create (a rule needs verbs; a
 * resource rule needs apiGroups and resources; nonResourceURLs only in ClusterRoles and never
 * mixed with resources; a ServiceAccount subject of a ClusterRoleBinding needs a namespace). An
 * invalid object is reported ({@code ClusterRole view: rules[2].verbs: required}) and left out; the
 * others are evaluated. A binding to a missing role is kept and grants nothing (a warning).
 *
 * <h2>Aggregation</h2>
 * A ClusterRole with an {@code aggregationRule} has, instead of its written rules, the union of the
 * rules of the other ClusterRoles matching any of its selectors: selectors in order, matching roles
 * by name, duplicates (equal rules) dropped, as the clusterroleaggregation controller writes them.
 * Nested aggregation is resolved to the fixpoint the controller converges to ({@code Aggregator}).
 *
 * <h2>Authorization</h2>
 * A rule allows a resource request when verb, API group, resource and name match
 * ({@link dev.trimtab.rbac.core.PolicyRule}: {@code *} wildcards, {@code *}/{@code sub} for a
 * subresource of any resource, {@code resource/*} is not a pattern, resourceNames never match the
 * nameless list/create requests), a non-resource request when verb and URL match (a trailing
 * {@code *} is a prefix match). A binding applies to a user when one of its subjects does: a User
 * by name, a Group by membership, a ServiceAccount {@code ns/name} as user
 * {@code system:serviceaccount:ns:name} (a RoleBinding's ServiceAccount without namespace is in the
 * binding's namespace). Service-account users are in {@code system:serviceaccounts} and
 * {@code system:serviceaccounts:<ns>} (when impersonated without groups), every authenticated user in {@code system:authenticated}
 * ({@link dev.trimtab.rbac.core.UserInfo#authenticated}); the authorizer itself takes the groups as
 * given. Cluster-wide requests and non-resource URLs are granted only by ClusterRoleBindings;
 * namespaced requests by ClusterRoleBindings and by the RoleBindings of that namespace.
 *
 * <h2>Escalation</h2>
 * {@link dev.trimtab.rbac.core.EscalationFinder} reports, per binding and rule, the privilege
 * escalation risks listed in the Kubernetes documentation page "Role Based Access Control Good
 * Practices", section "Kubernetes RBAC - privilege escalation risks"
 * (https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks):
 * listing secrets, workload creation, access to the proxy subresource of nodes, the escalate, bind
 * and impersonate verbs, CSR approval, token request, control of admission webhooks; plus wildcard
 * rules and cluster-admin grants, each as a {@link dev.trimtab.rbac.core.FindingCode}. Rules are
 * checked ignoring resourceNames (the finding says which names), and a RoleBinding never opens a
 * risk on a cluster-scoped resource (nodes, CSRs, webhooks, user and group impersonation).
 *
 * <h2>Intents</h2>
 * An {@link dev.trimtab.rbac.core.RbacIntent} ({@code apiVersion: trimtab.dev/v1alpha1},
 * {@code kind: RbacIntent}, cluster-scoped; {@code docs/rbac-intents.md} has examples) states what
 * must hold: {@code spec.mode} {@code Audit} (default: report) or {@code Enforce} (also deny changes
 * that add a violation), and {@code spec.rules[]}, each an optional {@code description} and exactly
 * one of {@code onlySubjects {role, allowed[]}} (only these subjects may be bound to the role, by
 * any binding), {@code forbidAccess {subjects, verbs[], group, resource, subresource |
 * nonResourceURL, scope: Cluster|AnyNamespace|Namespaces, namespaces[] | namespaceSelector}} (no
 * such subject may be granted that access; rules matched as the authorizer matches them, a grant
 * limited to resourceNames included), {@code forbidWildcards {namespaceSelector, in[]}} (no Role in
 * a selected namespace, and no RoleBinding there to a ClusterRole, has {@code *} in verbs,
 * resources or apiGroups) and {@code forbidFindings {codes[], exceptSubjects[]}} (no subject named
 * by an escalation finding of those codes). A subject selector is {@code {kind, name, namespace |
 * namespaces[] | exceptNamespaces[]}}, namespaces for service accounts only; forbidding compares a
 * binding subject with {@link dev.trimtab.rbac.core.SubjectSelector#mayInclude} (a group that may
 * contain a forbidden identity is caught: {@code system:serviceaccounts[:ns]},
 * {@code system:authenticated}), allowing with {@link dev.trimtab.rbac.core.SubjectSelector#covers}.
 * Namespace labels come from Namespace objects, {@code kubernetes.io/metadata.name} always implied.
 * An intent with any problem is left out whole and reported by field path
 * ({@code RbacIntent tenants: spec.rules[1].forbidAccess.verbs: required}); unknown fields are problems.
 * {@link dev.trimtab.rbac.core.IntentChecker#check} lists the violations;
 * {@link dev.trimtab.rbac.core.IntentRemediator#plan} the fixes, which only remove subjects from
 * bindings (one JSON patch per binding, {@code test} then {@code remove}, highest index first) or
 * delete a Trimtab-managed binding left empty, so they never widen access; wildcard rules are
 * reported, never rewritten. {@link dev.trimtab.rbac.core.IntentAdmission#review} judges one
 * proposed object against the Enforce intents: denied when it brings a violation not already there.
 */
package dev.trimtab.rbac.core;

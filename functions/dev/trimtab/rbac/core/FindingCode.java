package dev.trimtab.rbac.core;

/**
 * Why a binding is a privilege-escalation risk; the names are stable codes. Each follows a section
 * of the Kubernetes "RBAC good practices" page (see {@code package-info}).
 */
public enum FindingCode {
    /** {@code escalate} on roles or clusterroles: write roles holding rights one does not hold. */
    Escalate,
    /** {@code bind} on roles or clusterroles: bind roles holding rights one does not hold. */
    Bind,
    /** {@code impersonate} on users, groups, serviceaccounts, uids or userextras. */
    Impersonate,
    /**
     * {@code create} on pods or a workload kind, or {@code update}/{@code patch} on one whose pod
     * template can change (and on pods, whose images can, and {@code pods/ephemeralcontainers}): run
     * code as any service account of the namespace.
     */
    WorkloadCreation,
    /** {@code get}, {@code list} or {@code watch} on secrets, service-account tokens among them. */
    SecretRead,
    /** {@code create} on {@code serviceaccounts/token}: mint tokens for existing service accounts. */
    TokenCreation,
    /** Any verb the kubelet maps HTTP methods to on {@code nodes/proxy}: the kubelet API, exec in pods. */
    NodeProxy,
    /** {@code update} on {@code certificatesigningrequests/approval} together with {@code approve} on signers. */
    CsrApproval,
    /** Writing admission webhook configurations or admission policies and their bindings. */
    WebhookChange,
    /** {@code *} in verbs, apiGroups or resources: grants what exists now and whatever is added later. */
    Wildcard,
    /** A binding to ClusterRole {@code cluster-admin} or to a role with a {@code *}/{@code *}/{@code *} rule. */
    ClusterAdmin
}

package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a rule must allow to open one {@link FindingCode}: any of its probes. A probe on a
 * cluster-scoped resource can only be opened by a ClusterRoleBinding. Probes ignore resourceNames
 * (a rule limited to some names still opens the risk for those names; the message says so).
 */
record EscalationCheck(FindingCode code, String action, List<Probe> probes) {
    static final String RBAC = "rbac.authorization.k8s.io";
    static final String ADMISSION = "admissionregistration.k8s.io";
    static final String CERTIFICATES = "certificates.k8s.io";

    /**
     * One request shape. {@code anySubresource}: the resource's subresources are open-ended
     * ({@code userextras/<key>}), so any subresource form of the resource counts.
     */
    record Probe(
            String verb,
            String group,
            String resource,
            String subresource,
            boolean namespaced,
            boolean anySubresource) {
        boolean openedBy(PolicyRule rule) {
            if (!rule.verbMatches(verb)) {
                return false; // what both forms below check first
            }
            if (!anySubresource) {
                return rule.allowsSomeName(AccessRequest.resource(verb, group, resource, subresource, "", "ns"));
            }
            return rule.verbMatches(verb)
                    && rule.apiGroupMatches(group)
                    && rule.resources().stream()
                            .anyMatch(r ->
                                    r.equals(PolicyRule.ALL) || r.startsWith(resource + "/") || r.startsWith("*/"));
        }

        @Override
        public String toString() {
            String res = group.isEmpty() ? resource : resource + "." + group;
            return verb + " " + res + (subresource.isEmpty() ? "" : "/" + subresource) + (anySubresource ? "/*" : "");
        }
    }

    /** The checks of every code but CsrApproval (two permissions) and the rule-shape codes. */
    static final List<EscalationCheck> ALL = List.of(
            new EscalationCheck(
                    FindingCode.Escalate,
                    "grant permissions it does not hold (escalate)",
                    List.of(
                            probe("escalate", RBAC, "roles", "", true),
                            probe("escalate", RBAC, "clusterroles", "", false))),
            // bind on clusterroles is checked in the RoleBinding's namespace when a RoleBinding refers to one
            new EscalationCheck(
                    FindingCode.Bind,
                    "bind roles with permissions it does not hold (bind)",
                    List.of(probe("bind", RBAC, "roles", "", true), probe("bind", RBAC, "clusterroles", "", true))),
            new EscalationCheck(
                    FindingCode.Impersonate,
                    "impersonate other identities",
                    List.of(
                            probe("impersonate", "", "users", "", false),
                            probe("impersonate", "", "groups", "", false),
                            probe("impersonate", "", "serviceaccounts", "", true),
                            probe("impersonate", "authentication.k8s.io", "uids", "", false),
                            new Probe("impersonate", "authentication.k8s.io", "userextras", "", false, true))),
            new EscalationCheck(
                    FindingCode.WorkloadCreation,
                    "create or change workloads, which run as any service account of the namespace",
                    workloadProbes()),
            new EscalationCheck(
                    FindingCode.SecretRead,
                    "read secrets, service-account tokens included",
                    List.of(
                            probe("get", "", "secrets", "", true),
                            probe("list", "", "secrets", "", true),
                            probe("watch", "", "secrets", "", true))),
            new EscalationCheck(
                    FindingCode.TokenCreation,
                    "create tokens for existing service accounts",
                    List.of(probe("create", "", "serviceaccounts", "token", true))),
            new EscalationCheck(
                    FindingCode.NodeProxy,
                    "use the kubelet API through nodes/proxy",
                    List.of(
                            probe("get", "", "nodes", "proxy", false),
                            probe("create", "", "nodes", "proxy", false),
                            probe("update", "", "nodes", "proxy", false),
                            probe("patch", "", "nodes", "proxy", false),
                            probe("delete", "", "nodes", "proxy", false))),
            new EscalationCheck(
                    FindingCode.WebhookChange, "change admission webhooks or admission policies", webhookProbes()));

    static final Probe CSR_APPROVAL = probe("update", CERTIFICATES, "certificatesigningrequests", "approval", false);
    static final Probe SIGNER_APPROVE = probe("approve", CERTIFICATES, "signers", "", false);

    /** The probes this check's rule opens, in table order; empty when it opens none. */
    List<Probe> openedBy(PolicyRule rule, boolean clusterWide) {
        List<Probe> out = null;
        for (Probe p : probes) {
            if ((clusterWide || p.namespaced()) && p.openedBy(rule)) {
                if (out == null) {
                    out = new ArrayList<>(2);
                }
                out.add(p);
            }
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    private static Probe probe(String verb, String group, String resource, String sub, boolean namespaced) {
        return new Probe(verb, group, resource, sub, namespaced, false);
    }

    /**
     * The "Workload creation" risk of the RBAC good-practices page: {@code create} on pods or any
     * kind that makes pods; and changing one, which is the same path. {@code update}/{@code patch}
     * on a kind with a mutable pod template (Deployments, ReplicaSets, StatefulSets, DaemonSets,
     * ReplicationControllers, CronJobs' job template) rolls out pods of the new template: any image,
     * any service account, any volume of the namespace. On Pods, {@code update}/{@code patch} can
     * change a container's image (the API server allows it on a running pod), and
     * {@code pods/ephemeralcontainers} adds a container of any image to a running pod: new code
     * with that pod's service account and mounts. Jobs are only checked for {@code create}: their
     * {@code spec.template} is immutable once created (a suspended Job's scheduling directives
     * aside), so changing one runs no new code.
     */
    private static List<Probe> workloadProbes() {
        List<Probe> out = new ArrayList<>();
        for (String verb : List.of("create", "update", "patch")) {
            out.add(probe(verb, "", "pods", "", true));
            out.add(probe(verb, "", "replicationcontrollers", "", true));
            for (String r : List.of("deployments", "replicasets", "statefulsets", "daemonsets")) {
                out.add(probe(verb, "apps", r, "", true));
            }
            if (verb.equals("create")) {
                out.add(probe(verb, "batch", "jobs", "", true));
            }
            out.add(probe(verb, "batch", "cronjobs", "", true));
        }
        out.add(probe("update", "", "pods", "ephemeralcontainers", true));
        out.add(probe("patch", "", "pods", "ephemeralcontainers", true));
        return out;
    }

    private static List<Probe> webhookProbes() {
        List<Probe> out = new ArrayList<>();
        for (String r : List.of(
                "validatingwebhookconfigurations",
                "mutatingwebhookconfigurations",
                "validatingadmissionpolicies",
                "validatingadmissionpolicybindings",
                "mutatingadmissionpolicies",
                "mutatingadmissionpolicybindings")) {
            for (String verb : List.of("create", "update", "patch", "delete")) {
                out.add(probe(verb, ADMISSION, r, "", false));
            }
        }
        return out;
    }
}

package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Finds the bindings that open a privilege-escalation path. For each binding (input order) and
 * each rule of its role (rule order): a rule with {@code *} in verbs, apiGroups or resources is a
 * {@link FindingCode#Wildcard}; a {@code *}/{@code *}/{@code *} rule makes the binding a
 * {@link FindingCode#ClusterAdmin} and is not also reported under the narrower codes it implies;
 * any other rule is checked against {@link EscalationCheck#ALL} and the CSR pair. A RoleBinding
 * opens only risks on namespaced resources (its grants never reach cluster-scoped ones).
 */
public final class EscalationFinder {
    public static final String CLUSTER_ADMIN = "cluster-admin";

    private final RbacModel model;

    @SuppressWarnings("unchecked")
    private final Map<PolicyRule, List<EscalationCheck.Probe>[]>[] openedCache =
            new Map[] {new IdentityHashMap<>(), new IdentityHashMap<>()};

    public EscalationFinder(RbacModel model) {
        this.model = model;
    }

    public List<Finding> find() {
        return find(EnumSet.allOf(FindingCode.class));
    }

    /** The findings of {@link #find()} whose code is one of {@code codes}, in the same order; the others are not worked out. */
    public List<Finding> find(Set<FindingCode> codes) {
        List<Finding> out = new ArrayList<>();
        for (Binding b : model.bindings()) {
            findFor(b, codes, out);
        }
        return out;
    }

    /** The findings of {@code codes} of one binding of the model, in {@link #find()} order, added to {@code out}. */
    void findFor(Binding b, Set<FindingCode> codes, List<Finding> out) {
        if (b.subjects().isEmpty()) {
            return; // grants nobody anything
        }
        List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
        if (codes.contains(FindingCode.ClusterAdmin)) {
            clusterAdmin(b, rules, out);
        }
        for (int i = 0; i < rules.size(); i++) {
            PolicyRule rule = rules.get(i);
            if (codes.contains(FindingCode.Wildcard)) {
                wildcard(b, i, rule, out);
            }
            if (rule.isFullWildcard()) {
                continue;
            }
            List<EscalationCheck.Probe>[] openedByCheck = null;
            for (int c = 0; c < EscalationCheck.ALL.size(); c++) {
                EscalationCheck check = EscalationCheck.ALL.get(c);
                if (!codes.contains(check.code())) {
                    continue;
                }
                if (openedByCheck == null) {
                    openedByCheck = opened(rule, b.isClusterWide());
                }
                if (openedByCheck[c] == null) {
                    openedByCheck[c] = check.openedBy(rule, b.isClusterWide());
                }
                List<EscalationCheck.Probe> opened = openedByCheck[c];
                if (!opened.isEmpty()) {
                    out.add(finding(
                            check.code(), b, i, rule, b.subjects(), check.action() + " (" + join(opened) + ")"));
                }
            }
            if (codes.contains(FindingCode.CsrApproval)) {
                csrApproval(b, i, rule, out);
            }
        }
    }

    /**
     * Where {@code EscalationCheck.ALL.get(c).openedBy(rule, clusterWide)} is kept for each check
     * {@code c} (null until asked): it depends on the rule alone, and bindings to one role share
     * its rule objects, so it is worked out once per rule object and scope kind.
     */
    @SuppressWarnings("unchecked")
    private List<EscalationCheck.Probe>[] opened(PolicyRule rule, boolean clusterWide) {
        return openedCache[clusterWide ? 1 : 0].computeIfAbsent(rule, r -> new List[EscalationCheck.ALL.size()]);
    }

    private void clusterAdmin(Binding b, List<PolicyRule> rules, List<Finding> out) {
        int index = -1;
        for (int i = 0; i < rules.size() && index < 0; i++) {
            index = rules.get(i).isFullWildcard() ? i : -1;
        }
        boolean byName = b.role().isClusterScoped() && b.role().name().equals(CLUSTER_ADMIN);
        if (index < 0 && !byName) {
            return;
        }
        String why = index >= 0
                ? "every verb on every resource (rules[" + index + "] is */*/*)"
                : "ClusterRole cluster-admin (not among the objects read: taken as the built-in one)";
        out.add(finding(
                FindingCode.ClusterAdmin, b, index, index >= 0 ? rules.get(index) : null, b.subjects(), "hold " + why));
    }

    private void wildcard(Binding b, int i, PolicyRule rule, List<Finding> out) {
        List<String> fields = new ArrayList<>();
        if (rule.verbs().contains(PolicyRule.ALL)) {
            fields.add("verbs");
        }
        if (rule.apiGroups().contains(PolicyRule.ALL)) {
            fields.add("apiGroups");
        }
        if (rule.resources().contains(PolicyRule.ALL)) {
            fields.add("resources");
        }
        if (!fields.isEmpty()) {
            out.add(finding(
                    FindingCode.Wildcard,
                    b,
                    i,
                    rule,
                    b.subjects(),
                    "hold a rule with * in " + String.join(", ", fields)
                            + ", which also covers what later versions and extensions add"));
        }
    }

    /** Approving a CSR takes both rights; the finding names the subjects of this binding holding both. */
    private void csrApproval(Binding b, int i, PolicyRule rule, List<Finding> out) {
        if (!b.isClusterWide() || !EscalationCheck.CSR_APPROVAL.openedBy(rule)) {
            return;
        }
        List<Subject> both = new ArrayList<>();
        List<String> signerGrants = new ArrayList<>();
        for (Subject s : b.subjects()) {
            List<String> grants = signerApprovals(s.asUser());
            if (!grants.isEmpty()) {
                both.add(s);
                grants.stream().filter(g -> !signerGrants.contains(g)).forEach(signerGrants::add);
            }
        }
        if (!both.isEmpty()) {
            out.add(finding(
                    FindingCode.CsrApproval,
                    b,
                    i,
                    rule,
                    both,
                    "approve certificate signing requests (update certificatesigningrequests/approval here, "
                            + "approve signers through " + String.join(", ", signerGrants) + ")"));
        }
    }

    private List<String> signerApprovals(UserInfo user) {
        List<String> out = new ArrayList<>();
        for (Binding b : model.bindings()) {
            if (!b.isClusterWide() || b.subjects().stream().noneMatch(s -> s.appliesTo(user))) {
                continue;
            }
            List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
            for (int i = 0; i < rules.size(); i++) {
                if (EscalationCheck.SIGNER_APPROVE.openedBy(rules.get(i))) {
                    out.add(b.ref() + " (" + b.role() + " rules[" + i + "])");
                }
            }
        }
        return out;
    }

    private static Finding finding(
            FindingCode code, Binding b, int i, PolicyRule rule, List<Subject> subjects, String what) {
        String where =
                b.isClusterWide() ? "cluster-wide" : "in namespace " + b.ref().namespace();
        String names = rule == null || rule.resourceNames().isEmpty() ? "" : ", only for names " + rule.resourceNames();
        String ruleAt = i >= 0 ? " rules[" + i + "]" : "";
        String message = subjects.stream().map(Subject::toString).collect(Collectors.joining(", ")) + " can " + what
                + names + " " + where + " through " + b.ref() + " (" + b.role() + ruleAt + ")";
        return new Finding(code, b.ref(), b.role(), i, rule, subjects, b.scope(), message);
    }

    private static String join(List<EscalationCheck.Probe> probes) {
        return probes.stream().map(EscalationCheck.Probe::toString).collect(Collectors.joining(", "));
    }
}

package dev.trimtab.rbac.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks RBAC objects against {@link RbacIntent}s. Violations come intent by intent, rule by rule,
 * then in binding (or role) input order; each names what grants and whom. The checker only reads:
 * it never decides a fix ({@link IntentRemediator} does) nor whether to deny ({@link IntentAdmission}).
 */
public final class IntentChecker {
    private final RbacModel model;
    private final NamespaceLabels namespaces;
    private final Set<FindingCode> findingCodes;
    private List<Finding> findings;
    /** Per binding scope, the request each forbidAccess verb is probed with. */
    private final Map<IntentRule.ForbidAccess, Map<String, List<AccessRequest>>> requests = new IdentityHashMap<>();

    private IntentChecker(RbacModel model, NamespaceLabels namespaces, Set<FindingCode> findingCodes) {
        this.model = model;
        this.namespaces = namespaces;
        this.findingCodes = findingCodes;
    }

    /** Every violation of every rule of {@code intents}, Audit and Enforce alike. */
    public static List<IntentViolation> check(RbacModel model, NamespaceLabels namespaces, List<RbacIntent> intents) {
        // the escalation findings are worked out once, for the codes some forbidFindings rule names
        Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
        intents.forEach(i -> i.rules().forEach(r -> {
            if (r instanceof IntentRule.ForbidFindings f) {
                codes.addAll(f.codes());
            }
        }));
        IntentChecker c = new IntentChecker(model, namespaces, codes);
        List<IntentViolation> out = new ArrayList<>();
        for (RbacIntent intent : intents) {
            for (int i = 0; i < intent.rules().size(); i++) {
                At at = new At(intent, i, intent.rules().get(i));
                if (at.rule() instanceof IntentRule.OnlySubjects r) {
                    c.onlySubjects(at, r, out);
                } else if (at.rule() instanceof IntentRule.ForbidAccess r) {
                    c.forbidAccess(at, r, out);
                } else if (at.rule() instanceof IntentRule.ForbidWildcards r) {
                    c.forbidWildcards(at, r, out);
                } else if (at.rule() instanceof IntentRule.ForbidFindings r) {
                    c.forbidFindings(at, r, out);
                }
            }
        }
        return out;
    }

    /** The rule being checked, and how violations of it are stamped. */
    private record At(RbacIntent intent, int index, IntentRule rule) {
        IntentViolation violation(Subject subject, ObjectRef binding, ObjectRef role, int ruleIndex, PolicyRule r,
                                  FindingCode code, String what) {
            String because = rule.description() == null ? "" : " (" + rule.description() + ")";
            String forWhom = rule instanceof IntentRule.ForbidAccess a ? " for " + a.subjects() : "";
            return new IntentViolation(intent.name(), intent.mode(), index, rule.field(), subject, binding, role,
                    ruleIndex, r, code, what + "; forbidden" + forWhom + " by " + RbacIntent.KIND + " " + intent.name()
                    + " spec.rules[" + index + "]." + rule.field() + because);
        }
    }

    private void onlySubjects(At at, IntentRule.OnlySubjects r, List<IntentViolation> out) {
        for (Binding b : model.bindings()) {
            if (!b.role().equals(r.role())) {
                continue;
            }
            for (Subject s : distinct(b.subjects())) {
                if (r.allowed().stream().noneMatch(a -> a.covers(s))) {
                    out.add(at.violation(s, b.ref(), b.role(), -1, null, null, s + " is bound to " + b.role()
                            + " by " + b.ref() + " " + where(b) + ", which " + allowedText(r) + " may hold"));
                }
            }
        }
    }

    private void forbidAccess(At at, IntentRule.ForbidAccess r, List<IntentViolation> out) {
        Set<String> selected = r.scope() == IntentRule.AccessScope.Namespaces ? selectedNamespaces(r) : Set.of();
        for (Binding b : model.bindings()) {
            if (!inScope(r, b, selected)) {
                continue;
            }
            List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
            List<String> verbs = new ArrayList<>();
            int first = -1;
            List<AccessRequest> byVerb = requests.computeIfAbsent(r, k -> new HashMap<>()).computeIfAbsent(b.scope(),
                    scope -> r.verbs().stream().map(verb -> request(r, verb, scope)).toList());
            for (int v = 0; v < r.verbs().size(); v++) {
                String verb = r.verbs().get(v);
                for (int i = 0; i < rules.size(); i++) {
                    if (rules.get(i).allowsSomeName(byVerb.get(v))) {
                        first = first < 0 ? i : Math.min(first, i);
                        verbs.add(verb);
                        break;
                    }
                }
            }
            if (first < 0) {
                continue;
            }
            PolicyRule rule = rules.get(first);
            String names = rule.resourceNames().isEmpty() ? "" : ", only for names " + rule.resourceNames();
            for (Subject s : distinct(b.subjects())) {
                if (r.subjects().mayInclude(s)) {
                    out.add(at.violation(s, b.ref(), b.role(), first, rule, null, s + " may "
                            + String.join(", ", verbs) + " " + r.target() + names
                            + " " + where(b) + " through " + b.ref() + " (" + b.role() + " rules[" + first + "])"));
                }
            }
        }
    }

    private boolean inScope(IntentRule.ForbidAccess r, Binding b, Set<String> selected) {
        return switch (r.scope()) {
            case Cluster -> b.isClusterWide();
            case AnyNamespace -> true;
            case Namespaces -> b.isClusterWide() ? !selected.isEmpty() : selected.contains(b.ref().namespace());
        };
    }

    /** The namespaces listed, or those the selector picks among the described and the bound ones. */
    private Set<String> selectedNamespaces(IntentRule.ForbidAccess r) {
        if (r.namespaceSelector() == null) {
            return r.namespaces();
        }
        Set<String> all = new LinkedHashSet<>(namespaces.known());
        all.addAll(model.bindingNamespaces());
        Set<String> out = new LinkedHashSet<>();
        all.stream().filter(ns -> r.namespaceSelector().matches(namespaces.of(ns))).forEach(out::add);
        return out;
    }

    private static AccessRequest request(IntentRule.ForbidAccess r, String verb, String namespace) {
        return r.nonResourceURL() != null ? AccessRequest.nonResource(verb, r.nonResourceURL())
                : AccessRequest.resource(verb, r.group(), r.resource(), r.subresource(), "", namespace);
    }

    private void forbidWildcards(At at, IntentRule.ForbidWildcards r, List<IntentViolation> out) {
        LabelSelector selector = r.namespaceSelector();
        for (Role role : model.roles()) {
            if (role.ref().isClusterScoped() || !selector.matches(namespaces.of(role.ref().namespace()))) {
                continue;
            }
            List<PolicyRule> rules = model.rulesOf(role.ref()).orElse(List.of());
            for (int i = 0; i < rules.size(); i++) {
                List<String> fields = wildcards(rules.get(i), r.in());
                if (!fields.isEmpty()) {
                    out.add(at.violation(null, null, role.ref(), i, rules.get(i), null, role.ref() + " rules[" + i
                            + "] has * in " + String.join(", ", fields) + " in namespace " + role.ref().namespace()));
                }
            }
        }
        for (Binding b : model.bindings()) {
            if (b.isClusterWide() || !b.role().isClusterScoped()
                    || !selector.matches(namespaces.of(b.ref().namespace()))) {
                continue;
            }
            List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
            for (int i = 0; i < rules.size(); i++) {
                List<String> fields = wildcards(rules.get(i), r.in());
                if (!fields.isEmpty()) {
                    out.add(at.violation(null, b.ref(), b.role(), i, rules.get(i), null, b.ref() + " binds "
                            + b.role() + ", whose rules[" + i + "] has * in " + String.join(", ", fields)
                            + ", in namespace " + b.ref().namespace()));
                }
            }
        }
    }

    private static List<String> wildcards(PolicyRule rule, List<String> in) {
        List<String> out = new ArrayList<>();
        for (String field : in) {
            List<String> values = switch (field) {
                case "verbs" -> rule.verbs();
                case "resources" -> rule.resources();
                default -> rule.apiGroups();
            };
            if (values.contains(PolicyRule.ALL)) {
                out.add(field);
            }
        }
        return out;
    }

    private void forbidFindings(At at, IntentRule.ForbidFindings r, List<IntentViolation> out) {
        if (findings == null) {
            findings = new EscalationFinder(model).find(findingCodes);
        }
        for (Finding f : findings) {
            if (!r.codes().contains(f.code())) {
                continue;
            }
            for (Subject s : distinct(f.subjects())) {
                if (r.exceptSubjects().stream().noneMatch(e -> e.covers(s))) {
                    out.add(at.violation(s, f.binding(), f.role(), f.ruleIndex(), f.rule(), f.code(),
                            s + " is named by escalation finding " + f.code() + ": " + f.message()));
                }
            }
        }
    }

    private static String where(Binding b) {
        return b.isClusterWide() ? "cluster-wide" : "in namespace " + b.ref().namespace();
    }

    private static String allowedText(IntentRule.OnlySubjects r) {
        return r.allowed().isEmpty() ? "nobody"
                : "only " + String.join(" or ", r.allowed().stream().map(SubjectSelector::toString).toList());
    }

    /** A subject listed twice in a binding is one subject at fault (the fix removes every entry). */
    private static List<Subject> distinct(List<Subject> subjects) {
        return List.copyOf(new LinkedHashSet<>(subjects));
    }
}

package dev.trimtab.rbac.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
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
 *
 * <p>Every violation comes from one binding (or, for {@code forbidWildcards}, one Role) and what
 * it grants. {@link #checked} keeps them that way, so that {@link Checked#over} checks a changed
 * model again by looking only at the bindings that changed, when the roles, the namespaces and the
 * list of bindings (the same references in the same order) are the same; any other change is
 * checked in full. A binding's CsrApproval findings also depend on the other ClusterRoleBindings
 * of its subjects, so when that code is asked for, a changed ClusterRoleBinding has its
 * {@code forbidFindings} rules checked in full. Either way the violations are those
 * {@link #check} gives for the new model.
 */
public final class IntentChecker {
    /** More changed bindings than this: a full check is cheaper than the updates. */
    private static final int MAX_CHANGED = 32;

    private final RbacModel model;
    private final NamespaceLabels namespaces;
    private final Set<FindingCode> findingCodes;
    private final EscalationFinder finder;
    private final List<Binding> bindings;
    /** The escalation findings of each binding position, for {@link #findingCodes}; filled on first use. */
    private final List<List<Finding>> findings;
    /** Per binding scope, the request each forbidAccess verb is probed with. */
    private final Map<IntentRule.ForbidAccess, Map<String, List<AccessRequest>>> requests = new IdentityHashMap<>();

    private IntentChecker(RbacModel model, NamespaceLabels namespaces, Set<FindingCode> findingCodes) {
        this.model = model;
        this.namespaces = namespaces;
        this.findingCodes = findingCodes;
        this.finder = new EscalationFinder(model);
        this.bindings = List.copyOf(model.bindings());
        this.findings = new ArrayList<>(Collections.nCopies(bindings.size(), (List<Finding>) null));
    }

    /** Every violation of every rule of {@code intents}, Audit and Enforce alike. */
    public static List<IntentViolation> check(RbacModel model, NamespaceLabels namespaces, List<RbacIntent> intents) {
        return checked(model, namespaces, intents).violations();
    }

    /** {@link #check}, kept so that it can be brought up to date after a change ({@link Checked#over}). */
    public static Checked checked(RbacModel model, NamespaceLabels namespaces, List<RbacIntent> intents) {
        IntentChecker c = new IntentChecker(model, namespaces, findingCodes(intents));
        List<Block> blocks = new ArrayList<>();
        for (RbacIntent intent : intents) {
            for (int i = 0; i < intent.rules().size(); i++) {
                Block b = new Block(new At(intent, i, intent.rules().get(i)));
                b.fill(c);
                blocks.add(b);
            }
        }
        return new Checked(c, List.copyOf(intents), blocks);
    }

    /** The codes some forbidFindings rule names: the findings worked out. */
    private static Set<FindingCode> findingCodes(List<RbacIntent> intents) {
        Set<FindingCode> codes = EnumSet.noneOf(FindingCode.class);
        intents.forEach(i -> i.rules().forEach(r -> {
            if (r instanceof IntentRule.ForbidFindings f) {
                codes.addAll(f.codes());
            }
        }));
        return codes;
    }

    /** The violations of some intents over one model and namespace labels. Immutable. */
    public static final class Checked {
        private final IntentChecker checker;
        private final List<RbacIntent> intents;
        private final List<Block> blocks;
        private final List<IntentViolation> violations;

        private Checked(IntentChecker checker, List<RbacIntent> intents, List<Block> blocks) {
            this.checker = checker;
            this.intents = intents;
            this.blocks = blocks;
            List<IntentViolation> out = new ArrayList<>();
            blocks.forEach(b -> b.collect(out));
            this.violations = List.copyOf(out);
        }

        public List<IntentViolation> violations() {
            return violations;
        }

        public RbacModel model() {
            return checker.model;
        }

        /**
         * The same intents checked over {@code next} and {@code nextNamespaces}:
         * {@code check(next, nextNamespaces, intents)}. When only the content of some bindings
         * differs (same roles, same namespace labels, the same binding references in the same
         * order), only those bindings are looked at again.
         */
        public Checked over(RbacModel next, NamespaceLabels nextNamespaces) {
            int[] changed = changedBindings(checker, next, nextNamespaces);
            if (changed == null) {
                return checked(next, nextNamespaces, intents);
            }
            IntentChecker c = new IntentChecker(next, nextNamespaces, checker.findingCodes);
            boolean clusterWideChanged = false;
            for (int x : changed) {
                clusterWideChanged |= c.bindings.get(x).isClusterWide();
            }
            List<Block> updated = new ArrayList<>(blocks.size());
            for (Block b : blocks) {
                Block copy = b.copy();
                if (clusterWideChanged
                        && b.at.rule() instanceof IntentRule.ForbidFindings f
                        && f.codes().contains(FindingCode.CsrApproval)) {
                    copy.fill(c);
                } else {
                    for (int x : changed) {
                        copy.byBinding.set(x, copy.ofBinding(c, x));
                    }
                }
                updated.add(copy);
            }
            return new Checked(c, intents, updated);
        }
    }

    /**
     * The positions of the bindings whose content differs, when that is the only difference and
     * there are few; null when the change needs a full check.
     */
    private static int[] changedBindings(IntentChecker before, RbacModel next, NamespaceLabels nextNamespaces) {
        if (!before.namespaces.sameLabels(nextNamespaces)) {
            return null;
        }
        if (before.model != next) {
            List<Role> ra = List.copyOf(before.model.roles());
            List<Role> rb = List.copyOf(next.roles());
            if (ra.size() != rb.size()) {
                return null;
            }
            for (int i = 0; i < ra.size(); i++) {
                if (ra.get(i) != rb.get(i) && !ra.get(i).equals(rb.get(i))) {
                    return null;
                }
            }
        }
        List<Binding> a = before.bindings;
        List<Binding> b = List.copyOf(next.bindings());
        if (a.size() != b.size()) {
            return null;
        }
        int[] changed = new int[MAX_CHANGED];
        int n = 0;
        for (int i = 0; i < a.size(); i++) {
            Binding x = a.get(i);
            Binding y = b.get(i);
            if (x == y) {
                continue;
            }
            if (!x.ref().equals(y.ref())) {
                return null;
            }
            if (x.equals(y)) {
                continue;
            }
            if (n == MAX_CHANGED) {
                return null;
            }
            changed[n++] = i;
        }
        return Arrays.copyOf(changed, n);
    }

    /** The rule being checked, and how violations of it are stamped. */
    private record At(RbacIntent intent, int index, IntentRule rule) {
        IntentViolation violation(
                Subject subject,
                ObjectRef binding,
                ObjectRef role,
                int ruleIndex,
                PolicyRule r,
                FindingCode code,
                String what) {
            String because = rule.description() == null ? "" : " (" + rule.description() + ")";
            String forWhom = rule instanceof IntentRule.ForbidAccess a ? " for " + a.subjects() : "";
            return new IntentViolation(
                    intent.name(),
                    intent.mode(),
                    index,
                    rule.field(),
                    subject,
                    binding,
                    role,
                    ruleIndex,
                    r,
                    code,
                    what + "; forbidden" + forWhom + " by " + RbacIntent.KIND + " " + intent.name() + " spec.rules["
                            + index + "]." + rule.field() + because);
        }
    }

    /**
     * The violations of one rule: those of each Role (forbidWildcards only), then those of each
     * binding, in model order.
     */
    private static final class Block {
        final At at;
        List<List<IntentViolation>> byRole = List.of();
        List<List<IntentViolation>> byBinding;
        /** forbidAccess with scope Namespaces: the namespaces it selects. */
        Set<String> selected = Set.of();

        Block(At at) {
            this.at = at;
        }

        void fill(IntentChecker c) {
            if (at.rule() instanceof IntentRule.ForbidAccess r && r.scope() == IntentRule.AccessScope.Namespaces) {
                selected = c.selectedNamespaces(r);
            }
            if (at.rule() instanceof IntentRule.ForbidWildcards r) {
                byRole = new ArrayList<>();
                for (Role role : c.model.roles()) {
                    byRole.add(c.wildcardsOfRole(at, r, role));
                }
            }
            byBinding = new ArrayList<>(c.bindings.size());
            for (int i = 0; i < c.bindings.size(); i++) {
                byBinding.add(ofBinding(c, i));
            }
        }

        List<IntentViolation> ofBinding(IntentChecker c, int i) {
            Binding b = c.bindings.get(i);
            List<IntentViolation> out = new ArrayList<>(0);
            if (at.rule() instanceof IntentRule.OnlySubjects r) {
                c.onlySubjects(at, r, b, out);
            } else if (at.rule() instanceof IntentRule.ForbidAccess r) {
                c.forbidAccess(at, r, b, selected, out);
            } else if (at.rule() instanceof IntentRule.ForbidWildcards r) {
                c.wildcardsOfBinding(at, r, b, out);
            } else if (at.rule() instanceof IntentRule.ForbidFindings r) {
                c.forbidFindings(at, r, i, out);
            }
            return out.isEmpty() ? List.of() : out;
        }

        Block copy() {
            Block b = new Block(at);
            b.byRole = byRole;
            b.byBinding = new ArrayList<>(byBinding);
            b.selected = selected;
            return b;
        }

        void collect(List<IntentViolation> out) {
            for (List<IntentViolation> l : byRole) {
                if (!l.isEmpty()) {
                    out.addAll(l);
                }
            }
            for (List<IntentViolation> l : byBinding) {
                if (!l.isEmpty()) {
                    out.addAll(l);
                }
            }
        }
    }

    private void onlySubjects(At at, IntentRule.OnlySubjects r, Binding b, List<IntentViolation> out) {
        if (!b.role().equals(r.role())) {
            return;
        }
        for (Subject s : distinct(b.subjects())) {
            if (r.allowed().stream().noneMatch(a -> a.covers(s))) {
                out.add(at.violation(
                        s,
                        b.ref(),
                        b.role(),
                        -1,
                        null,
                        null,
                        s + " is bound to " + b.role() + " by " + b.ref() + " " + where(b) + ", which " + allowedText(r)
                                + " may hold"));
            }
        }
    }

    private void forbidAccess(
            At at, IntentRule.ForbidAccess r, Binding b, Set<String> selected, List<IntentViolation> out) {
        if (!inScope(r, b, selected)) {
            return;
        }
        List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
        List<String> verbs = new ArrayList<>();
        int first = -1;
        List<AccessRequest> byVerb = requests.computeIfAbsent(r, k -> new HashMap<>())
                .computeIfAbsent(
                        b.scope(),
                        scope -> r.verbs().stream()
                                .map(verb -> request(r, verb, scope))
                                .toList());
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
            return;
        }
        PolicyRule rule = rules.get(first);
        String names = rule.resourceNames().isEmpty() ? "" : ", only for names " + rule.resourceNames();
        for (Subject s : distinct(b.subjects())) {
            if (r.subjects().mayInclude(s)) {
                out.add(at.violation(
                        s,
                        b.ref(),
                        b.role(),
                        first,
                        rule,
                        null,
                        s + " may "
                                + String.join(", ", verbs) + " " + r.target() + names
                                + " " + where(b) + " through " + b.ref() + " (" + b.role() + " rules[" + first + "])"));
            }
        }
    }

    private boolean inScope(IntentRule.ForbidAccess r, Binding b, Set<String> selected) {
        return switch (r.scope()) {
            case Cluster -> b.isClusterWide();
            case AnyNamespace -> true;
            case Namespaces ->
                b.isClusterWide()
                        ? !selected.isEmpty()
                        : selected.contains(b.ref().namespace());
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
        all.stream()
                .filter(ns -> r.namespaceSelector().matches(namespaces.of(ns)))
                .forEach(out::add);
        return out;
    }

    private static AccessRequest request(IntentRule.ForbidAccess r, String verb, String namespace) {
        return r.nonResourceURL() != null
                ? AccessRequest.nonResource(verb, r.nonResourceURL())
                : AccessRequest.resource(verb, r.group(), r.resource(), r.subresource(), "", namespace);
    }

    private List<IntentViolation> wildcardsOfRole(At at, IntentRule.ForbidWildcards r, Role role) {
        LabelSelector selector = r.namespaceSelector();
        if (role.ref().isClusterScoped()
                || !selector.matches(namespaces.of(role.ref().namespace()))) {
            return List.of();
        }
        List<IntentViolation> out = new ArrayList<>(0);
        List<PolicyRule> rules = model.rulesOf(role.ref()).orElse(List.of());
        for (int i = 0; i < rules.size(); i++) {
            List<String> fields = wildcards(rules.get(i), r.in());
            if (!fields.isEmpty()) {
                out.add(at.violation(
                        null,
                        null,
                        role.ref(),
                        i,
                        rules.get(i),
                        null,
                        role.ref() + " rules[" + i + "] has * in " + String.join(", ", fields) + " in namespace "
                                + role.ref().namespace()));
            }
        }
        return out.isEmpty() ? List.of() : out;
    }

    private void wildcardsOfBinding(At at, IntentRule.ForbidWildcards r, Binding b, List<IntentViolation> out) {
        if (b.isClusterWide()
                || !b.role().isClusterScoped()
                || !r.namespaceSelector().matches(namespaces.of(b.ref().namespace()))) {
            return;
        }
        List<PolicyRule> rules = model.rulesOf(b.role()).orElse(List.of());
        for (int i = 0; i < rules.size(); i++) {
            List<String> fields = wildcards(rules.get(i), r.in());
            if (!fields.isEmpty()) {
                out.add(at.violation(
                        null,
                        b.ref(),
                        b.role(),
                        i,
                        rules.get(i),
                        null,
                        b.ref() + " binds "
                                + b.role() + ", whose rules[" + i + "] has * in " + String.join(", ", fields)
                                + ", in namespace " + b.ref().namespace()));
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

    /** The violations of the findings of the binding at {@code position}. */
    private void forbidFindings(At at, IntentRule.ForbidFindings r, int position, List<IntentViolation> out) {
        List<Finding> own = findings.get(position);
        if (own == null) {
            own = new ArrayList<>(0);
            finder.findFor(bindings.get(position), findingCodes, own);
            findings.set(position, own);
        }
        for (Finding f : own) {
            if (!r.codes().contains(f.code())) {
                continue;
            }
            for (Subject s : distinct(f.subjects())) {
                if (r.exceptSubjects().stream().noneMatch(e -> e.covers(s))) {
                    out.add(at.violation(
                            s,
                            f.binding(),
                            f.role(),
                            f.ruleIndex(),
                            f.rule(),
                            f.code(),
                            s + " is named by escalation finding " + f.code() + ": " + f.message()));
                }
            }
        }
    }

    private static String where(Binding b) {
        return b.isClusterWide() ? "cluster-wide" : "in namespace " + b.ref().namespace();
    }

    private static String allowedText(IntentRule.OnlySubjects r) {
        return r.allowed().isEmpty()
                ? "nobody"
                : "only "
                        + String.join(
                                " or ",
                                r.allowed().stream()
                                        .map(SubjectSelector::toString)
                                        .toList());
    }

    /** A subject listed twice in a binding is one subject at fault (the fix removes every entry). */
    private static List<Subject> distinct(List<Subject> subjects) {
        return List.copyOf(new LinkedHashSet<>(subjects));
    }
}

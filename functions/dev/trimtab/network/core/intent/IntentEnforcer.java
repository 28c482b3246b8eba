package dev.trimtab.network.core.intent;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.NetworkModel;
import dev.trimtab.network.core.NetworkPolicy;
import dev.trimtab.network.core.Pod;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.ReachabilityAnalyzer;
import dev.trimtab.network.core.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Plans the NetworkPolicies that make every Enforce intent hold. The plan is a function of the
 * policies Trimtab does not own, the pods, the namespaces and the intents: Trimtab's own policies
 * (both labels of {@link PolicyWriter#owned}) are left out of every decision and rewritten from
 * scratch, so planning again on the result changes nothing. Policies Trimtab does not own are never
 * created over, changed or deleted. How each rule is realized is in the package documentation.
 */
public final class IntentEnforcer {
    private final List<Map<String, Object>> foreign = new ArrayList<>();
    private final Set<String> foreignPolicies = new LinkedHashSet<>();
    private final Map<String, Map<String, Object>> desired = new LinkedHashMap<>();
    private final List<String> conflicts = new ArrayList<>();
    /** The onlyFrom target-side policies ({@code ns/name}): their isolation is compensated by {@link #otherPorts}. */
    private final Set<String> targetSide = new LinkedHashSet<>();

    private List<NetworkIntent> enforced = List.of();

    private IntentEnforcer(List<Map<String, Object>> objects) {
        for (Map<String, Object> o : objects) {
            boolean policy = "NetworkPolicy".equals(o.get("kind"));
            if (policy && PolicyWriter.owned(o)) {
                continue;
            }
            foreign.add(o);
            if (policy) {
                foreignPolicies.add(key(o));
            }
        }
    }

    /**
     * The changes to {@code objects} (Namespaces, Pods, NetworkPolicies as map trees; other kinds
     * ignored) that realize the Enforce intents of {@code intents}; Audit intents are not planned for,
     * and a Trimtab policy no Enforce intent wants any more is deleted.
     */
    public static IntentPlan plan(List<Map<String, Object>> objects, List<NetworkIntent> intents) {
        List<NetworkIntent> enforced = intents.stream()
                .filter(i -> i.mode() == NetworkIntent.Mode.Enforce)
                .toList();
        IntentEnforcer e = new IntentEnforcer(objects);
        e.enforced = enforced;
        NetworkModel base = NetworkModel.fromObjects(e.foreign);
        for (NetworkIntent intent : enforced) {
            for (int i = 0; i < intent.rules().size(); i++) {
                e.isolate(base, intent, i);
            }
        }
        NetworkModel isolated = e.model();
        for (NetworkIntent intent : enforced) {
            for (int i = 0; i < intent.rules().size(); i++) {
                e.open(isolated, intent, i);
            }
        }
        NetworkModel after = e.model();
        List<IntentViolation> left = IntentChecker.check(after, enforced);
        List<IntentPlan.Unresolvable> unresolvable =
                left.stream().map(v -> e.unresolvable(after, v)).toList();
        return new IntentPlan(e.changes(objects), left.isEmpty(), left, unresolvable, e.conflicts);
    }

    /** Phase 1: the policies that isolate (defaultDeny, the target side of onlyFrom). */
    private void isolate(NetworkModel model, NetworkIntent intent, int index) {
        IntentRule rule = intent.rules().get(index);
        if (rule instanceof IntentRule.DefaultDeny d) {
            Selection.namespaces(model, d.namespaceSelector())
                    .forEach(ns -> add(intent, index, PolicyWriter.defaultDeny(intent, index, d, ns)));
        } else if (rule instanceof IntentRule.OnlyFrom o) {
            Set<String> namespaces = new TreeSet<>();
            if (o.namespaceSelector() != null) {
                namespaces.addAll(Selection.namespaces(model, o.namespaceSelector()));
            }
            Selection.targets(model, o).forEach(p -> namespaces.add(p.namespace()));
            namespaces.forEach(ns -> {
                Map<String, Object> policy = PolicyWriter.onlyFromIngress(intent, index, o, ns);
                targetSide.add(key(policy));
                add(intent, index, policy);
            });
        }
    }

    /**
     * Phase 2, on the model with phase 1 applied: egress for onlyFrom sources isolated for egress,
     * and for deny the ingress isolation of destination pods nothing isolates yet.
     */
    private void open(NetworkModel model, NetworkIntent intent, int index) {
        IntentRule rule = intent.rules().get(index);
        if (rule instanceof IntentRule.OnlyFrom o) {
            sourceEgress(model, intent, index, o);
            otherPorts(model, intent, index, o);
        } else if (rule instanceof IntentRule.Deny d) {
            Selection.namespaces(model, d.toNamespaces()).forEach(ns -> deny(model, intent, index, d, ns));
        }
    }

    private void sourceEgress(NetworkModel model, NetworkIntent intent, int index, IntentRule.OnlyFrom rule) {
        ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
        List<Pod> targets = Selection.targets(model, rule);
        for (int j = 0; j < rule.from().size(); j++) {
            Set<String> namespaces = new TreeSet<>();
            for (Pod target : targets) {
                for (Pod source : model.pods()) {
                    if (!source.equals(target)
                            && Selection.isSource(model, rule.from().get(j), source, target.namespace())) {
                        Verdict v = analyzer.canReach(source, target, rule.port());
                        if (!v.egress().allowed()) {
                            namespaces.add(source.namespace());
                        }
                    }
                }
            }
            int source = j;
            namespaces.forEach(ns -> add(intent, index, PolicyWriter.onlyFromEgress(intent, index, rule, source, ns)));
        }
    }

    /**
     * Phase 2 for onlyFrom: the target pods that nothing but onlyFrom target-side policies isolates
     * were open on every port before; they stay open to everyone on every port but this rule's (and
     * the ports of other onlyFrom rules that target some of the same pods), so the rule closes only
     * what it speaks of. Targets some other policy isolates keep exactly that policy's allows.
     */
    private void otherPorts(NetworkModel model, NetworkIntent intent, int index, IntentRule.OnlyFrom rule) {
        List<Pod> targets = Selection.targets(model, rule);
        Set<Port> closed = new LinkedHashSet<>(List.of(rule.port()));
        for (NetworkIntent other : enforced) {
            for (IntentRule r : other.rules()) {
                if (r instanceof IntentRule.OnlyFrom o
                        && Selection.targets(model, o).stream().anyMatch(targets::contains)) {
                    closed.add(o.port());
                }
            }
        }
        Map<String, List<Pod>> byNamespace = new TreeMap<>();
        targets.forEach(t -> byNamespace
                .computeIfAbsent(t.namespace(), k -> new ArrayList<>())
                .add(t));
        byNamespace.forEach((ns, pods) -> {
            if (!desired.containsKey(key(PolicyWriter.onlyFromIngress(intent, index, rule, ns)))) {
                return; // the target side was not written (a conflict): nothing to compensate
            }
            List<NetworkPolicy> isolating = model.policies().stream()
                    .filter(p -> p.namespace().equals(ns)
                            && p.types().contains(Direction.Ingress)
                            && !targetSide.contains(p.key()))
                    .toList();
            if (pods.stream().allMatch(t -> isolating.stream().anyMatch(p -> p.selects(t, Direction.Ingress)))) {
                return;
            }
            Optional<LabelSelector> rest = Selectors.complementOfAll(isolating.stream()
                    .map(NetworkPolicy::podSelector)
                    .distinct()
                    .toList());
            if (rest.isEmpty()) {
                conflicts.add(NetworkIntent.KIND + " " + intent.name() + " spec.rules[" + index
                        + "] (onlyFrom): namespace "
                        + ns + ": the targets no other policy isolates cannot be selected by one label selector "
                        + "(isolating selectors "
                        + isolating.stream()
                                .map(NetworkPolicy::podSelector)
                                .distinct()
                                .toList()
                        + "); their other ports stay closed");
                return;
            }
            add(
                    intent,
                    index,
                    PolicyWriter.onlyFromOthers(
                            intent, index, ns, Selectors.and(rule.podSelector(), rest.get()), closed));
        });
    }

    private void deny(NetworkModel model, NetworkIntent intent, int index, IntentRule.Deny rule, String namespace) {
        List<LabelSelector> isolating = model.policies().stream()
                .filter(p -> p.namespace().equals(namespace) && p.types().contains(Direction.Ingress))
                .map(NetworkPolicy::podSelector)
                .distinct()
                .toList();
        if (isolating.stream().anyMatch(s -> Selectors.requirements(s).isEmpty())) {
            return; // every pod is isolated already: only allowing rules can break the rule
        }
        Optional<LabelSelector> rest = Selectors.complementOfAll(isolating);
        if (rest.isEmpty()) {
            conflicts.add(NetworkIntent.KIND + " " + intent.name() + " spec.rules[" + index + "] (deny): namespace "
                    + namespace + ": the pods no policy isolates cannot be selected by one label selector "
                    + "(isolating selectors " + isolating + "); nothing written there");
            return;
        }
        add(intent, index, PolicyWriter.deny(intent, index, rule, namespace, rest.get()));
    }

    private void add(NetworkIntent intent, int index, Map<String, Object> policy) {
        String key = key(policy);
        if (foreignPolicies.contains(key)) {
            conflicts.add(NetworkIntent.KIND + " " + intent.name() + " spec.rules[" + index + "]: NetworkPolicy " + key
                    + " exists and is not Trimtab's (no " + PolicyWriter.MANAGED_BY + "=" + PolicyWriter.MANAGER
                    + " and "
                    + PolicyWriter.INTENT_LABEL + " labels); the policy for this rule is not written");
            return;
        }
        desired.put(key, policy);
    }

    private NetworkModel model() {
        List<Map<String, Object>> all = new ArrayList<>(foreign);
        all.addAll(desired.values());
        return NetworkModel.fromObjects(all);
    }

    private List<PolicyChange> changes(List<Map<String, Object>> objects) {
        Map<String, Map<String, Object>> owned = new LinkedHashMap<>();
        objects.stream()
                .filter(o -> "NetworkPolicy".equals(o.get("kind")) && PolicyWriter.owned(o))
                .forEach(o -> owned.put(key(o), o));
        List<PolicyChange> out = new ArrayList<>();
        desired.forEach((key, policy) -> {
            Map<String, Object> now = owned.get(key);
            if (now == null) {
                out.add(new PolicyChange(PolicyChange.Action.create, policy));
            } else if (!same(now, policy)) {
                out.add(new PolicyChange(PolicyChange.Action.update, policy));
            }
        });
        owned.forEach((key, policy) -> {
            if (!desired.containsKey(key)) {
                out.add(new PolicyChange(PolicyChange.Action.delete, policy));
            }
        });
        return out;
    }

    /** Same spec and same Trimtab labels; other metadata (resourceVersion, annotations…) is not compared. */
    private static boolean same(Map<String, Object> now, Map<String, Object> want) {
        Map<?, ?> labels = ((Map<?, ?>) ((Map<?, ?>) now.get("metadata")).get("labels"));
        Map<?, ?> wantLabels = (Map<?, ?>) ((Map<?, ?>) want.get("metadata")).get("labels");
        return Normal.form(now.get("spec")).equals(Normal.form(want.get("spec")))
                && wantLabels.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private IntentPlan.Unresolvable unresolvable(NetworkModel after, IntentViolation v) {
        List<String> policies = new ArrayList<>();
        if (v.code() == IntentViolation.Code.AllowedFlow) {
            v.allowedBy().forEach(r -> {
                if (!policies.contains(r.policy())) {
                    policies.add(r.policy());
                }
            });
        } else {
            policies.addAll(v.blockedBy());
        }
        List<String> theirs =
                policies.stream().filter(foreignPolicies::contains).toList();
        List<String> ours =
                policies.stream().filter(p -> !foreignPolicies.contains(p)).toList();
        String message = v.message() + "; not resolvable by Trimtab: "
                + (theirs.isEmpty()
                        ? ""
                        : "policies it does not own (" + String.join(", ", theirs) + ")"
                                + (v.code() == IntentViolation.Code.AllowedFlow
                                        ? " allow it, and allows are additive"
                                        : " block it"))
                + (!theirs.isEmpty() && !ours.isEmpty() ? "; " : "")
                + (ours.isEmpty() ? "" : "another intent's policies (" + String.join(", ", ours) + ") conflict with it")
                + (policies.isEmpty()
                        ? "no policy at fault"
                                + (v.direction() == null
                                        ? ""
                                        : " (" + v.direction().name().toLowerCase(Locale.ROOT) + " side not isolated)")
                        : "");
        return new IntentPlan.Unresolvable(v, policies, message);
    }

    private static String key(Map<String, Object> o) {
        Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
        Object ns = meta.get("namespace");
        return (ns instanceof String s && !s.isEmpty() ? s : "default") + "/" + meta.get("name");
    }
}

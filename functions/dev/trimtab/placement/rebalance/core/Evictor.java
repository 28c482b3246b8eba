package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.PodInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The DefaultEvictor's checks and the PodEvictor's counting for one run: {@link #filter} (Filter),
 * {@link #preEvictionFilter} (NodeFit), and {@link #evict}, which applies the eviction limits in
 * upstream's order (total, node, namespace) and then the PodDisruptionBudgets as the eviction
 * subresource would, and records a {@link Recommendation} either way. A pod recommended once is
 * not evictable again in the same run.
 */
public final class Evictor {
    /** What {@link #evict} did; strategies follow upstream's reaction to each limit error. */
    public enum Outcome {
        EVICTED,
        TOTAL_LIMIT,
        NODE_LIMIT,
        NAMESPACE_LIMIT,
        BUDGET
    }

    private final ClusterState state;
    private final EvictorRules rules;
    private final EvictionLimits limits;
    private final NodeFit nodeFit;
    private final List<Recommendation> out = new ArrayList<>();
    private final Set<String> evicted = new HashSet<>();
    private final Map<String, Integer> perNode = new HashMap<>();
    private final Map<String, Integer> perNamespace = new HashMap<>();
    private final Map<String, int[]> budgetState = new HashMap<>();
    private int total;

    Evictor(ClusterState state, EvictorRules rules, EvictionLimits limits) {
        this.state = state;
        this.rules = rules;
        this.limits = limits;
        this.nodeFit = new NodeFit(state);
    }

    ClusterState state() {
        return state;
    }

    NodeFit nodeFit() {
        return nodeFit;
    }

    PodFacts facts(PodInfo pod) {
        PodFacts f = state.facts(pod.namespace(), pod.name());
        if (f == null) {
            throw new IllegalStateException(
                    "no pod facts for " + pod.key() + ": feed pods through ClusterState.upsertPod");
        }
        return f;
    }

    /** The DefaultEvictor's Filter: null when the pod may be evicted, else every failed check. */
    String protection(PodInfo pod) {
        PodFacts f = facts(pod);
        if (evicted.contains(f.key())) {
            return "already recommended for eviction";
        }
        if (f.evictAnnotation()) {
            return null;
        }
        List<String> why = new ArrayList<>();
        if (f.mirror()) {
            why.add("pod is a mirror pod");
        }
        if (f.staticPod()) {
            why.add("pod is a static pod");
        }
        if (f.terminating() || pod.terminating()) {
            why.add("pod is terminating");
        }
        if (!rules.evictSystemCriticalPods()) {
            if (critical(f)) {
                why.add("pod has system critical priority and is protected against eviction");
            }
            Integer threshold = rules.priorityThreshold();
            if (threshold != null && f.priority() != null && f.priority() >= threshold) {
                why.add("pod has higher priority than specified priority class threshold");
            }
        }
        if (f.owners().isEmpty() && !(rules.evictFailedBarePods() && "Failed".equals(f.phase()))) {
            why.add("pod does not have any ownerRefs");
        }
        if (!rules.evictLocalStoragePods() && f.localStorage()) {
            why.add("pod has local storage and is protected against eviction");
        }
        if (!rules.evictDaemonSetPods() && f.hasOwnerKind("DaemonSet")) {
            why.add("daemonset pods are protected against eviction");
        }
        if (rules.ignorePvcPods() && f.pvc()) {
            why.add("pod with PVC is protected against eviction");
        }
        if (rules.labelSelector() != null && !rules.labelSelector().matches(pod.labels())) {
            why.add("pod labels do not match the labelSelector filter in the policy parameter");
        }
        return why.isEmpty() ? null : String.join("; ", why);
    }

    /**
     * {@code IsCriticalPriorityPod}: priority at least 2000000000. When the pod carries no resolved
     * priority, the built-in critical class names count too (admission would resolve them so).
     */
    static boolean critical(PodFacts f) {
        if (f.priority() != null) {
            return f.priority() >= EvictorRules.SYSTEM_CRITICAL_PRIORITY;
        }
        return f.priorityClassName().equals("system-cluster-critical")
                || f.priorityClassName().equals("system-node-critical");
    }

    boolean filter(PodInfo pod) {
        return protection(pod) == null;
    }

    /** PreEvictionFilter: with nodeFit, another ready node must fit the pod. */
    boolean preEvictionFilter(PodInfo pod) {
        return !rules.nodeFit() || nodeFit.fitsAnyOther(pod, facts(pod), state.readyNodes());
    }

    /** Asks to evict {@code pod}; records the recommendation, blocked or not. */
    Outcome evict(PodInfo pod, String strategy, String reason) {
        String node = pod.nodeName();
        String ns = pod.namespace();
        if (limits.total() != null && total + 1 > limits.total()) {
            return blocked(
                    pod,
                    strategy,
                    reason,
                    Recommendation.Blocker.TotalLimit,
                    Outcome.TOTAL_LIMIT,
                    "total eviction limit exceeded (" + limits.total() + ")");
        }
        if (limits.perNode() != null && perNode.getOrDefault(node, 0) + 1 > limits.perNode()) {
            return blocked(
                    pod,
                    strategy,
                    reason,
                    Recommendation.Blocker.NodeLimit,
                    Outcome.NODE_LIMIT,
                    "node eviction limit exceeded (" + limits.perNode() + ")");
        }
        if (limits.perNamespace() != null && perNamespace.getOrDefault(ns, 0) + 1 > limits.perNamespace()) {
            return blocked(
                    pod,
                    strategy,
                    reason,
                    Recommendation.Blocker.NamespaceLimit,
                    Outcome.NAMESPACE_LIMIT,
                    "namespace eviction limit exceeded (" + limits.perNamespace() + ")");
        }
        String budget = budgetBlock(pod);
        if (budget != null) {
            return blocked(pod, strategy, reason, Recommendation.Blocker.DisruptionBudget, Outcome.BUDGET, budget);
        }
        perNode.merge(node, 1, Integer::sum);
        perNamespace.merge(ns, 1, Integer::sum);
        total++;
        evicted.add(pod.key());
        out.add(new Recommendation(strategy, ns, pod.name(), node, reason, null, null));
        return Outcome.EVICTED;
    }

    private Outcome blocked(
            PodInfo pod, String strategy, String reason, Recommendation.Blocker blocker, Outcome outcome, String why) {
        out.add(new Recommendation(strategy, pod.namespace(), pod.name(), pod.nodeName(), reason, blocker, why));
        return outcome;
    }

    /**
     * The eviction subresource's budget check: a pod covered by more than one budget cannot be
     * evicted; a ready pod needs a disruption left ({@code healthy - desiredHealthy > 0}, counting
     * the evictions recommended so far); a pod that is not ready may go while the budget is met
     * ({@code IfHealthyBudget}) or always ({@code AlwaysAllow}).
     */
    private String budgetBlock(PodInfo pod) {
        PodFacts f = facts(pod);
        List<DisruptionBudget> covering = new ArrayList<>();
        for (DisruptionBudget b : state.budgets()) {
            if (b.covers(f, pod.labels())) {
                covering.add(b);
            }
        }
        if (covering.isEmpty()) {
            return null;
        }
        if (covering.size() > 1) {
            return "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";
        }
        DisruptionBudget b = covering.get(0);
        int[] s = budgetState.computeIfAbsent(b.key(), k -> count(b));
        int expected = s[0];
        int healthy = s[1];
        int desired = b.desiredHealthy(expected);
        boolean podHealthy = f.ready() && !f.terminating();
        if (!podHealthy) {
            if (b.alwaysAllowUnhealthy() || healthy >= desired) {
                return null;
            }
            return "PodDisruptionBudget " + b.key() + " needs " + desired + " healthy pods and has " + healthy;
        }
        if (healthy - desired <= 0) {
            return "Cannot evict pod as it would violate the pod's disruption budget " + b.key() + " (healthy "
                    + healthy + ", desired " + desired + ", expected " + expected + ")";
        }
        s[1]--;
        return null;
    }

    private int[] count(DisruptionBudget b) {
        int expected = 0;
        int healthy = 0;
        for (PodFacts p : state.allFacts()) {
            PodInfo info = state.snapshot().pod(p.namespace(), p.name());
            Map<String, String> labels = info != null ? info.labels() : p.labels();
            if (b.covers(p, labels)) {
                expected++;
                if (p.ready() && !p.terminating()) {
                    healthy++;
                }
            }
        }
        return new int[] {expected, healthy};
    }

    List<Recommendation> recommendations() {
        return List.copyOf(out);
    }
}

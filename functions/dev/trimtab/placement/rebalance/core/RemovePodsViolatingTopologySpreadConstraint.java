package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.NodeSelector;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.SpreadConstraint;
import dev.trimtab.placement.core.TaintTolerationFilter;
import dev.trimtab.placement.core.Toleration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * RemovePodsViolatingTopologySpreadConstraint: per namespace, every distinct spread constraint of
 * its evictable pods (DoNotSchedule only, unless {@code includeScheduleAnyway}) is checked over
 * the domains of the ready nodes that carry its topology key and pass its node inclusion policies.
 * When the largest and smallest domains differ by more than maxSkew, pods move from the largest
 * towards the smallest (two pointers over domains sorted by size): {@code min(ceil(above - mean),
 * ceil(mean - below), ceil((skew - maxSkew) / 2))} at a time. With {@code topologyBalanceNodeFit}
 * (default) a pod is evicted only if it fits a node in a domain below the mean.
 */
public final class RemovePodsViolatingTopologySpreadConstraint implements Strategy {
    public static final String NAME = "RemovePodsViolatingTopologySpreadConstraint";

    public record Args(
            Namespaces namespaces,
            LabelSelector labelSelector,
            boolean includeScheduleAnyway,
            boolean topologyBalanceNodeFit) {
        public Args {
            namespaces = namespaces == null ? Namespaces.ALL : namespaces;
        }

        public static Args defaults() {
            return new Args(Namespaces.ALL, null, false, true);
        }
    }

    /** A constraint with the defining pod's placement when its inclusion policies honor it ({@code topologySpreadConstraint}). */
    private record Key(
            SpreadConstraint constraint,
            Map<String, String> nodeSelector,
            NodeSelector affinity,
            List<Toleration> tolerations) {}

    private static final class Domain {
        final String value;
        final List<PodInfo> pods = new ArrayList<>();

        Domain(String value) {
            this.value = value;
        }
    }

    private final Args args;

    public RemovePodsViolatingTopologySpreadConstraint(Args args) {
        this.args = args;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean balance() {
        return true;
    }

    private boolean podFilter(Evictor evictor, PodInfo p) {
        return args.namespaces().admits(p.namespace())
                && (args.labelSelector() == null || args.labelSelector().matches(p.labels()))
                && evictor.filter(p);
    }

    @Override
    public void run(Evictor evictor, List<NodeInfo> nodes) {
        Map<String, NodeInfo> nodeMap = new TreeMap<>();
        nodes.forEach(n -> nodeMap.put(n.name(), n));
        Map<String, List<PodInfo>> byNamespace = new TreeMap<>();
        for (NodeInfo n : nodes) {
            for (PodInfo p : n.pods()) {
                if (podFilter(evictor, p)) {
                    byNamespace
                            .computeIfAbsent(p.namespace(), k -> new ArrayList<>())
                            .add(p);
                }
            }
        }
        Map<String, String> forEviction = new TreeMap<>();
        Map<String, PodInfo> podsByKey = new TreeMap<>();
        for (List<PodInfo> pods : byNamespace.values()) {
            pods.sort(Comparator.comparing(PodInfo::name));
            Map<Key, PodInfo> constraints = new LinkedHashMap<>();
            for (PodInfo p : pods) {
                for (SpreadConstraint c : p.spec().spreadConstraints()) {
                    if (c.doNotSchedule() || args.includeScheduleAnyway()) {
                        constraints.putIfAbsent(
                                new Key(
                                        c,
                                        c.honorNodeAffinity() ? p.spec().nodeSelector() : null,
                                        c.honorNodeAffinity() ? p.spec().requiredNodeAffinity() : null,
                                        c.honorNodeTaints() ? p.tolerations() : null),
                                p);
                    }
                }
            }
            for (Map.Entry<Key, PodInfo> e : constraints.entrySet()) {
                SpreadConstraint c = e.getKey().constraint();
                PodInfo owner = e.getValue();
                Map<String, Domain> domains = new TreeMap<>();
                for (NodeInfo n : nodeMap.values()) {
                    String v = n.labels().get(c.topologyKey());
                    if (v != null && included(evictor, c, owner, n)) {
                        domains.computeIfAbsent(v, Domain::new);
                    }
                }
                int sum = 0;
                for (PodInfo p : pods) {
                    if (p.terminating() || c.selector() == null || !c.selector().matches(p.labels())) {
                        continue;
                    }
                    NodeInfo n = nodeMap.get(p.nodeName());
                    String v = n == null ? null : n.labels().get(c.topologyKey());
                    if (v == null) {
                        continue;
                    }
                    domains.computeIfAbsent(v, Domain::new).pods.add(p);
                    sum++;
                }
                if (balanced(domains, c)) {
                    continue;
                }
                String reason = "topology spread constraint maxSkew " + c.maxSkew() + " on " + c.topologyKey() + " ("
                        + (c.doNotSchedule() ? "DoNotSchedule" : "ScheduleAnyway") + ") is violated: " + sizes(domains);
                for (PodInfo p : balanceDomains(evictor, c, owner, domains, sum, nodes)) {
                    forEviction.putIfAbsent(p.key(), reason);
                    podsByKey.put(p.key(), p);
                }
            }
        }
        Set<String> nodeLimitExceeded = new TreeSet<>();
        for (Map.Entry<String, String> e : forEviction.entrySet()) {
            PodInfo pod = podsByKey.get(e.getKey());
            if (nodeLimitExceeded.contains(pod.nodeName())
                    || !podFilter(evictor, pod)
                    || !evictor.preEvictionFilter(pod)) {
                continue;
            }
            Evictor.Outcome o = evictor.evict(pod, NAME, e.getValue());
            if (o == Evictor.Outcome.NODE_LIMIT) {
                nodeLimitExceeded.add(pod.nodeName());
            } else if (o == Evictor.Outcome.TOTAL_LIMIT) {
                return;
            }
        }
    }

    private static String sizes(Map<String, Domain> domains) {
        StringBuilder sb = new StringBuilder();
        domains.values()
                .forEach(d -> sb.append(sb.length() == 0 ? "" : ", ")
                        .append(d.value)
                        .append('=')
                        .append(d.pods.size()));
        return sb.toString();
    }

    /** {@code matchNodeInclusionPolicies} for the constraint's defining pod. */
    private static boolean included(Evictor evictor, SpreadConstraint c, PodInfo owner, NodeInfo n) {
        if (c.honorNodeAffinity() && !evictor.nodeFit().matchesNodeSelector(owner, n)) {
            return false;
        }
        return !c.honorNodeTaints()
                || new TaintTolerationFilter()
                        .prepare(owner, evictor.state().snapshot())
                        .filter(n)
                        .isSuccess();
    }

    private static boolean balanced(Map<String, Domain> domains, SpreadConstraint c) {
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (Domain d : domains.values()) {
            min = Math.min(min, d.pods.size());
            max = Math.max(max, d.pods.size());
            if (max - min > c.maxSkew()) {
                return false;
            }
        }
        return true;
    }

    /** {@code balanceDomains}: the pods to evict so that the domains come within maxSkew. */
    private List<PodInfo> balanceDomains(
            Evictor evictor,
            SpreadConstraint c,
            PodInfo owner,
            Map<String, Domain> domainMap,
            int sum,
            List<NodeInfo> nodes) {
        double idealAvg = sum / (double) domainMap.size();
        List<Domain> sorted = new ArrayList<>(domainMap.values());
        for (Domain d : sorted) {
            d.pods.sort(evictionOrder(evictor));
        }
        sorted.sort(Comparator.comparingInt((Domain d) -> d.pods.size()).thenComparing(d -> d.value));
        List<NodeInfo> belowAvg = new ArrayList<>();
        for (Domain d : sorted) {
            if (d.pods.size() < idealAvg) {
                for (NodeInfo n : nodes) {
                    if (d.value.equals(n.labels().get(c.topologyKey())) && included(evictor, c, owner, n)) {
                        belowAvg.add(n);
                    }
                }
            }
        }
        NodeFit fit = evictor.nodeFit();
        List<PodInfo> out = new ArrayList<>();
        int i = 0;
        int j = sorted.size() - 1;
        while (i < j) {
            if (sorted.get(j).pods.size() <= idealAvg) {
                j--;
            }
            int skew = sorted.get(j).pods.size() - sorted.get(i).pods.size();
            if (skew <= c.maxSkew()) {
                i++;
                continue;
            }
            double aboveAvg = Math.ceil(sorted.get(j).pods.size() - idealAvg);
            double belowAvgCount = Math.ceil(idealAvg - sorted.get(i).pods.size());
            double halfSkew = Math.ceil((skew - c.maxSkew()) / 2.0);
            int movePods = (int) Math.min(Math.min(aboveAvg, belowAvgCount), halfSkew);
            if (movePods <= 0) {
                i++;
                continue;
            }
            List<PodInfo> from = sorted.get(j).pods;
            List<PodInfo> ordered = new ArrayList<>(from);
            ordered.sort(Comparator.comparing((PodInfo p) -> fit.fitsAnyOther(p, evictor.facts(p), belowAvg)));
            from.clear();
            from.addAll(ordered);
            List<PodInfo> move = new ArrayList<>(from.subList(from.size() - movePods, from.size()));
            for (PodInfo p : move) {
                if (args.topologyBalanceNodeFit() && !fit.fitsAnyOther(p, evictor.facts(p), belowAvg)) {
                    continue;
                }
                out.add(p);
            }
            from.subList(from.size() - movePods, from.size()).clear();
            sorted.get(i).pods.addAll(move);
        }
        return out;
    }

    /**
     * {@code sortDomains}' pod order (evicted from the end): pods with a nodeSelector or node
     * affinity first, then by priority descending as upstream's comparator yields; ties by name.
     */
    private static Comparator<PodInfo> evictionOrder(Evictor evictor) {
        return Comparator.<PodInfo, Boolean>comparing(p -> !evictor.facts(p).nodeSelectorOrAffinity())
                .thenComparingLong(p -> {
                    Integer pr = evictor.facts(p).priority();
                    return pr == null ? Long.MIN_VALUE : pr;
                })
                .thenComparing(PodInfo::name);
    }
}

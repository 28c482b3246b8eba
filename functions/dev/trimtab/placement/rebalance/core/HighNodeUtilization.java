package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * HighNodeUtilization: nodes at or below {@code thresholds} for every listed resource are
 * underutilized and are emptied (least used first) onto the schedulable rest, up to their whole
 * allocatable, so that the autoscaler can remove them. Nothing happens when no node, all nodes or
 * at most {@code numberOfNodes} are underutilized, or no other node is schedulable. With
 * {@code onlyThresholdingResources} only pods requesting a thresholded resource move.
 */
public final class HighNodeUtilization implements Strategy {
    public static final String NAME = "HighNodeUtilization";

    public record Args(
            Map<String, Double> thresholds,
            int numberOfNodes,
            boolean onlyThresholdingResources,
            Namespaces evictableNamespaces) {
        public Args {
            thresholds = Map.copyOf(thresholds);
            LowNodeUtilization.Args.check("thresholds", thresholds);
            if (evictableNamespaces == null) {
                evictableNamespaces = Namespaces.ALL;
            }
        }
    }

    private final Args args;

    public HighNodeUtilization(Args args) {
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

    @Override
    public void run(Evictor evictor, List<NodeInfo> nodes) {
        Set<String> names = Utilization.withBasics(args.thresholds().keySet());
        Map<String, Double> full = new LinkedHashMap<>();
        args.thresholds().keySet().forEach(k -> full.put(k, 100.0));
        List<Utilization.Usage> under = new ArrayList<>();
        List<Utilization.Usage> schedulable = new ArrayList<>();
        for (NodeInfo n : nodes) {
            Map<String, Long> used = Utilization.used(n, names);
            Map<String, Double> p = Utilization.percent(n, used);
            Utilization.Usage u = new Utilization.Usage(n, used, Utilization.capped(n, full, names), p);
            if (Utilization.below(p, args.thresholds())) {
                under.add(u);
            } else if (!n.unschedulable()) {
                schedulable.add(u);
            }
        }
        if (under.isEmpty()
                || under.size() <= args.numberOfNodes()
                || under.size() == nodes.size()
                || schedulable.isEmpty()) {
            return;
        }
        Utilization.sortByUsage(under, true);
        Predicate<PodInfo> filter = evictor::filter;
        if (args.onlyThresholdingResources()) {
            filter = filter.and(
                    p -> requestsAny(evictor.facts(p), args.thresholds().keySet()));
        }
        Utilization.Move move = new Utilization.Move(
                NAME,
                new Namespaces(Set.of(), args.evictableNamespaces().exclude()),
                filter,
                names,
                (node, avail) -> avail.values().stream().allMatch(v -> v >= 1),
                null,
                u -> "node " + u.node.name() + " is underutilized (" + Utilization.show(u.percent) + "; thresholds "
                        + Utilization.show(args.thresholds()) + "): packing its pods onto other nodes");
        Utilization.evictFromSources(evictor, under, schedulable, move);
    }

    private static boolean requestsAny(PodFacts f, Set<String> names) {
        for (String n : names) {
            if (f.requestedResources().contains(n)) {
                return true;
            }
        }
        return false;
    }
}

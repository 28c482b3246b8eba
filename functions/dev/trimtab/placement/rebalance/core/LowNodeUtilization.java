package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LowNodeUtilization: nodes whose requested usage is at or below {@code thresholds} for every
 * listed resource (and schedulable) are underutilized; nodes above {@code targetThresholds} for any
 * resource are overutilized. Pods move off overutilized nodes (highest usage first, lowest priority
 * pods first) while the node stays above its target and every underutilized node still has room
 * below the target. Nothing happens when no node, all nodes, or at most {@code numberOfNodes}
 * nodes are underutilized, or none is overutilized. With {@code useDeviationThresholds} both
 * bounds are the mean usage minus / plus the given percentages, clamped to [0, 100].
 */
public final class LowNodeUtilization implements Strategy {
    public static final String NAME = "LowNodeUtilization";

    /** Percentages per resource (cpu, memory, pods, extended names) of allocatable. */
    public record Args(
            Map<String, Double> thresholds,
            Map<String, Double> targetThresholds,
            boolean useDeviationThresholds,
            int numberOfNodes,
            Namespaces evictableNamespaces,
            Integer evictionLimitsNode) {
        public Args {
            thresholds = Map.copyOf(thresholds);
            targetThresholds = Map.copyOf(targetThresholds);
            check("thresholds", thresholds);
            check("targetThresholds", targetThresholds);
            if (!thresholds.keySet().equals(targetThresholds.keySet())) {
                throw new IllegalArgumentException("thresholds and targetThresholds configured different resources");
            }
            for (Map.Entry<String, Double> e : thresholds.entrySet()) {
                if (!useDeviationThresholds && e.getValue() > targetThresholds.get(e.getKey())) {
                    throw new IllegalArgumentException(
                            "thresholds' " + e.getKey() + " percentage is greater than targetThresholds'");
                }
            }
            if (evictableNamespaces == null) {
                evictableNamespaces = Namespaces.ALL;
            }
        }

        static void check(String field, Map<String, Double> t) {
            if (t.isEmpty()) {
                throw new IllegalArgumentException(field + ": no resource threshold is configured");
            }
            t.forEach((k, v) -> {
                if (v < 0 || v > 100) {
                    throw new IllegalArgumentException(field + "." + k + ": got " + v + ", want 0 to 100");
                }
            });
        }
    }

    private final Args args;

    public LowNodeUtilization(Args args) {
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
        Map<String, Map<String, Long>> used = new LinkedHashMap<>();
        Map<String, Map<String, Double>> percent = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            Map<String, Long> u = Utilization.used(n, names);
            used.put(n.name(), u);
            Map<String, Double> p = Utilization.percent(n, u);
            if (args.useDeviationThresholds()) {
                p.keySet().retainAll(args.thresholds().keySet());
            }
            percent.put(n.name(), p);
        }
        Map<String, Double> low = args.thresholds();
        Map<String, Double> high = args.targetThresholds();
        if (args.useDeviationThresholds()) {
            Map<String, Double> mean = mean(percent);
            low = shifted(mean, args.thresholds(), -1);
            high = shifted(mean, args.targetThresholds(), 1);
        }
        List<Utilization.Usage> under = new ArrayList<>();
        List<Utilization.Usage> over = new ArrayList<>();
        for (NodeInfo n : nodes) {
            Map<String, Double> p = percent.get(n.name());
            Utilization.Usage usage = new Utilization.Usage(
                    n, new LinkedHashMap<>(used.get(n.name())), Utilization.capped(n, high, names), p);
            if (!n.unschedulable() && Utilization.below(p, low)) {
                under.add(usage);
            } else if (Utilization.above(p, high)) {
                over.add(usage);
            }
        }
        if (under.isEmpty() || under.size() <= args.numberOfNodes() || under.size() == nodes.size() || over.isEmpty()) {
            return;
        }
        Utilization.sortByUsage(over, false);
        Map<String, Double> target = high;
        List<String> underNames = new ArrayList<>();
        under.forEach(u -> underNames.add(u.node.name()));
        Utilization.Move move = new Utilization.Move(
                NAME,
                args.evictableNamespaces().exclude().isEmpty()
                        ? Namespaces.ALL
                        : new Namespaces(Set.of(), args.evictableNamespaces().exclude()),
                evictor::filter,
                names,
                LowNodeUtilization::continueEviction,
                args.evictionLimitsNode(),
                u -> "node " + u.node.name() + " is overutilized (" + Utilization.show(u.percent)
                        + "; targetThresholds " + Utilization.show(target) + "); underutilized nodes "
                        + String.join(", ", underNames) + " have room");
        Utilization.evictFromSources(evictor, over, under, move);
    }

    /** Still above the target on some resource, and every resource has room left on the underutilized nodes. */
    static boolean continueEviction(Utilization.Usage node, Map<String, Long> totalAvailable) {
        boolean aboveTarget = false;
        for (Map.Entry<String, Long> e : node.used.entrySet()) {
            if (node.available.get(e.getKey()) < e.getValue()) {
                aboveTarget = true;
            }
        }
        if (!aboveTarget) {
            return false;
        }
        for (long v : totalAvailable.values()) {
            if (v < 1) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, Double> mean(Map<String, Map<String, Double>> percent) {
        Map<String, Double> sum = new LinkedHashMap<>();
        Map<String, Integer> count = new LinkedHashMap<>();
        percent.values()
                .forEach(m -> m.forEach((k, v) -> {
                    sum.merge(k, v, Double::sum);
                    count.merge(k, 1, Integer::sum);
                }));
        Map<String, Double> out = new LinkedHashMap<>();
        sum.forEach((k, v) -> out.put(k, v / count.get(k)));
        return out;
    }

    private static Map<String, Double> shifted(Map<String, Double> mean, Map<String, Double> span, int sign) {
        Map<String, Double> out = new LinkedHashMap<>();
        Set<String> keys = new LinkedHashSet<>(mean.keySet());
        keys.addAll(span.keySet());
        for (String k : keys) {
            double v = mean.getOrDefault(k, 0.0) + sign * span.getOrDefault(k, 0.0);
            out.put(k, Math.max(0, Math.min(100, v)));
        }
        return out;
    }
}

package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.ResourceList;
import dev.trimtab.placement.core.Taint;
import dev.trimtab.placement.core.Toleration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What Low- and HighNodeUtilization share (upstream nodeutilization.go): requested usage per node,
 * percentages of allocatable, thresholds, and the eviction loop that moves pods from source nodes
 * while the destination nodes have room left below their target.
 */
final class Utilization {
    private Utilization() {}

    /** A classified node: raw usage (mutated as pods are evicted) and its capacity capped to the upper threshold. */
    static final class Usage {
        final NodeInfo node;
        final Map<String, Long> used;
        final Map<String, Long> available;
        final Map<String, Double> percent;

        Usage(NodeInfo node, Map<String, Long> used, Map<String, Long> available, Map<String, Double> percent) {
            this.node = node;
            this.used = used;
            this.available = available;
            this.percent = percent;
        }

        long total() {
            long t = 0;
            for (long v : used.values()) {
                t += v;
            }
            return t;
        }
    }

    static Set<String> withBasics(Set<String> names) {
        Set<String> out = new LinkedHashSet<>(List.of(ResourceList.CPU, ResourceList.MEMORY, ResourceList.PODS));
        out.addAll(names);
        return out;
    }

    static Map<String, Long> used(NodeInfo node, Set<String> names) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, Resources.requested(node, n));
        }
        return out;
    }

    /** {@code ResourceUsageToResourceThreshold}: used / allocatable * 100, 0 when nothing is allocatable. */
    static Map<String, Double> percent(NodeInfo node, Map<String, Long> used) {
        Map<String, Double> out = new LinkedHashMap<>();
        used.forEach((n, v) -> {
            long cap = Resources.allocatable(node, n);
            out.put(n, cap > 0 ? v / (double) cap * 100 : 0);
        });
        return out;
    }

    /** {@code capNodeCapacitiesToThreshold}: the threshold's share of allocatable, truncated; full allocatable when unset. */
    static Map<String, Long> capped(NodeInfo node, Map<String, Double> thresholds, Set<String> names) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String n : names) {
            long cap = Resources.allocatable(node, n);
            Double t = thresholds.get(n);
            out.put(n, t == null ? cap : (long) (t * 0.01 * cap));
        }
        return out;
    }

    static boolean below(Map<String, Double> usage, Map<String, Double> thresholds) {
        for (Map.Entry<String, Double> t : thresholds.entrySet()) {
            if (t.getValue() < usage.getOrDefault(t.getKey(), 0.0)) {
                return false;
            }
        }
        return true;
    }

    static boolean above(Map<String, Double> usage, Map<String, Double> thresholds) {
        for (Map.Entry<String, Double> t : thresholds.entrySet()) {
            if (t.getValue() < usage.getOrDefault(t.getKey(), 0.0)) {
                return true;
            }
        }
        return false;
    }

    /** Highest total usage first (ascending for HighNodeUtilization); ties by node name. */
    static void sortByUsage(List<Usage> nodes, boolean ascending) {
        Comparator<Usage> c = Comparator.comparingLong(Usage::total);
        if (!ascending) {
            c = c.reversed();
        }
        nodes.sort(c.thenComparing(u -> u.node.name()));
    }

    /** The eviction loop's inputs that stay fixed across source nodes. */
    record Move(
            String strategy,
            Namespaces excluded,
            Predicate<PodInfo> podFilter,
            Set<String> names,
            BiPredicate<Usage, Map<String, Long>> continueEviction,
            Integer nodeLimit,
            Function<Usage, String> reason) {}

    /** {@code evictPodsFromSourceNodes}. */
    static void evictFromSources(Evictor evictor, List<Usage> sources, List<Usage> destinations, Move move) {
        Map<String, Long> available = new LinkedHashMap<>();
        for (String n : move.names()) {
            long sum = 0;
            for (Usage d : destinations) {
                sum += d.available.get(n) - d.used.get(n);
            }
            available.put(n, sum);
        }
        List<List<Taint>> destinationTaints = new ArrayList<>();
        for (Usage d : destinations) {
            destinationTaints.add(d.node.taints());
        }
        for (Usage source : sources) {
            List<PodInfo> removable = new ArrayList<>();
            for (PodInfo p : source.node.pods()) {
                if (move.podFilter().test(p)) {
                    removable.add(p);
                }
            }
            if (removable.isEmpty()) {
                continue;
            }
            PodOrder.lowToHigh(removable, evictor);
            if (evictPods(evictor, removable, source, available, destinationTaints, move)) {
                return;
            }
        }
    }

    /** {@code evictPods}; true when the total limit stops the whole strategy. */
    private static boolean evictPods(
            Evictor evictor,
            List<PodInfo> pods,
            Usage source,
            Map<String, Long> available,
            List<List<Taint>> destinationTaints,
            Move move) {
        if (!move.continueEviction().test(source, available)) {
            return false;
        }
        int counter = 0;
        for (PodInfo pod : pods) {
            if (move.nodeLimit() != null && counter >= move.nodeLimit()) {
                break;
            }
            if (!toleratesAnyDestination(pod, destinationTaints)) {
                continue;
            }
            if (!move.excluded().admits(pod.namespace()) || !evictor.preEvictionFilter(pod)) {
                continue;
            }
            Evictor.Outcome o =
                    evictor.evict(pod, move.strategy(), move.reason().apply(source));
            if (o == Evictor.Outcome.TOTAL_LIMIT) {
                return true;
            }
            if (o == Evictor.Outcome.NODE_LIMIT) {
                return false;
            }
            if (o != Evictor.Outcome.EVICTED) {
                continue;
            }
            counter++;
            for (String n : available.keySet()) {
                long amount = Resources.request(pod, n);
                source.used.merge(n, -amount, Long::sum);
                available.merge(n, -amount, Long::sum);
            }
            if (!move.continueEviction().test(source, available)) {
                break;
            }
        }
        return false;
    }

    /**
     * {@code PodToleratesTaints}: some destination node whose every taint (any effect) the pod
     * tolerates, skipping nodes with more taints than the pod has tolerations, as upstream.
     */
    static boolean toleratesAnyDestination(PodInfo pod, List<List<Taint>> taintsOfNodes) {
        List<Toleration> tolerations = pod.tolerations();
        for (List<Taint> taints : taintsOfNodes) {
            if (tolerations.size() < taints.size()) {
                continue;
            }
            boolean all = true;
            for (Taint t : taints) {
                boolean ok = false;
                for (Toleration tol : tolerations) {
                    ok |= tol.tolerates(t);
                }
                all &= ok;
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    static String show(Map<String, Double> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ", ")
                .append(k)
                .append(' ')
                .append(String.format(Locale.ROOT, "%.1f%%", v)));
        return sb.toString();
    }
}

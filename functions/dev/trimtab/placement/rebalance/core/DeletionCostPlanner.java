package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scale-down victim choice: {@code controller.kubernetes.io/pod-deletion-cost} values for one
 * workload's pods so that the ReplicaSet controller, scaling down, removes first the pods whose
 * removal best keeps the workload spread over zones and nodes and the nodes balanced.
 *
 * <h2>Ordering rule</h2>
 * Pods are ranked by repeatedly taking, among those not yet ranked:
 * <ol>
 * <li>unassigned before assigned, Pending before Unknown before Running, not ready before ready
 *     (the controller's own first tiers, mirrored so the costs agree with them);</li>
 * <li>the pod in the zone ({@value #ZONE}) that still holds the most of the workload's pods;</li>
 * <li>within it, the pod on the node that still holds the most of the workload's pods;</li>
 * <li>then the pod on the most utilized node (the larger of requested cpu and memory over
 *     allocatable);</li>
 * <li>then by name.</li>
 * </ol>
 * Counts are updated after each pick, so the ranking is the order a one-by-one scale-down would
 * follow to keep the spread even. The i-th pod (from 0) gets cost {@code i}: lower is deleted first.
 *
 * <h2>How the cost interacts with the controller</h2>
 * {@code ActivePodsWithRanks.Less} (kubernetes pkg/controller/controller_utils.go) sorts the pods
 * to delete by: unassigned &lt; assigned; Pending &lt; Unknown &lt; Running; not ready &lt; ready;
 * then lower deletion cost; then more pods of the same ReplicaSet on the node ("doubled up");
 * then ready more recently; then more restarts; then newer. The cost therefore decides only among
 * pods equal on the first three tiers; our rule ranks those tiers first too, so costs never
 * contradict the controller. Pods without the annotation count as cost 0, so annotate every pod of
 * the workload. A Deployment scales down its old ReplicaSets before the new one regardless of cost.
 */
public final class DeletionCostPlanner {
    public static final String ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";
    public static final String ZONE = "topology.kubernetes.io/zone";

    /** One pod's cost with the JSON merge patch that sets it. {@code rank} 0 is deleted first. */
    public record DeletionCost(
            String namespace,
            String pod,
            String node,
            String zone,
            int rank,
            int cost,
            String why,
            String mergePatch) {}

    private DeletionCostPlanner() {}

    /** Costs for {@code workloadPods} (Pod object maps of one workload), in deletion order. */
    public static List<DeletionCost> plan(List<Map<String, Object>> workloadPods, ClusterState state) {
        List<PodFacts> pods = new ArrayList<>();
        for (Map<String, Object> p : workloadPods) {
            PodFacts f = PodFacts.fromMap(p);
            if (!f.terminating() && !"Succeeded".equals(f.phase()) && !"Failed".equals(f.phase())) {
                pods.add(f);
            }
        }
        Map<String, Integer> perZone = new HashMap<>();
        Map<String, Integer> perNode = new HashMap<>();
        for (PodFacts f : pods) {
            if (!f.nodeName().isEmpty()) {
                perZone.merge(zone(state, f), 1, Integer::sum);
                perNode.merge(f.nodeName(), 1, Integer::sum);
            }
        }
        List<DeletionCost> out = new ArrayList<>();
        List<PodFacts> left = new ArrayList<>(pods);
        while (!left.isEmpty()) {
            Comparator<PodFacts> order = Comparator.comparingInt(DeletionCostPlanner::tier)
                    .thenComparing(f -> -perZone.getOrDefault(zone(state, f), 0))
                    .thenComparing(f -> -perNode.getOrDefault(f.nodeName(), 0))
                    .thenComparing(f -> -utilization(state, f.nodeName()))
                    .thenComparing(PodFacts::name);
            PodFacts next = left.stream().min(order).orElseThrow();
            left.remove(next);
            int rank = out.size();
            String zone = zone(state, next);
            String why = tier(next) < 3
                    ? tierName(next)
                    : "zone " + (zone.isEmpty() ? "(none)" : zone) + " holds " + perZone.get(zone) + ", node "
                            + next.nodeName() + " holds " + perNode.get(next.nodeName()) + " of the workload's pods";
            out.add(new DeletionCost(
                    next.namespace(),
                    next.name(),
                    next.nodeName(),
                    zone,
                    rank,
                    rank,
                    why,
                    "{\"metadata\":{\"annotations\":{\"" + ANNOTATION + "\":\"" + rank + "\"}}}"));
            if (!next.nodeName().isEmpty()) {
                perZone.merge(zone, -1, Integer::sum);
                perNode.merge(next.nodeName(), -1, Integer::sum);
            }
        }
        return out;
    }

    /** 0 unassigned, 1 Pending, 2 Unknown or not ready, 3 ready and running. */
    static int tier(PodFacts f) {
        if (f.nodeName().isEmpty()) {
            return 0;
        }
        if ("Pending".equals(f.phase())) {
            return 1;
        }
        if ("Unknown".equals(f.phase()) || !f.ready()) {
            return 2;
        }
        return 3;
    }

    private static String tierName(PodFacts f) {
        return switch (tier(f)) {
            case 0 -> "not assigned to a node";
            case 1 -> "pending";
            default -> "not ready";
        };
    }

    private static String zone(ClusterState state, PodFacts f) {
        NodeInfo n = state.snapshot().node(f.nodeName());
        String z = n == null ? null : n.labels().get(ZONE);
        return z == null ? "" : z;
    }

    /** The larger of requested cpu and memory over allocatable, 0 for unknown nodes. */
    static double utilization(ClusterState state, String node) {
        NodeInfo n = state.snapshot().node(node);
        if (n == null) {
            return 0;
        }
        double cpu = n.allocatable().milliCpu > 0 ? n.requestedMilliCpu() / (double) n.allocatable().milliCpu : 0;
        double mem = n.allocatable().memory > 0 ? n.requestedMemory() / (double) n.allocatable().memory : 0;
        return Math.max(cpu, mem);
    }
}

package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.NodeSelector;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.TaintTolerationFilter;
import dev.trimtab.placement.core.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * RemoveDuplicates: a pod is a duplicate when another pod on the same node has the same owners
 * (namespace, ownerReference kind and name) and the same container images. For each owner the pods
 * are spread over the nodes its pods could run on ({@code getTargetNodes}: nodes whose NoSchedule /
 * NoExecute taints are tolerated and whose labels match the pod's node selector and required
 * affinity, counted only when more than one node matches); a node keeps at most
 * {@code ceil(pods of the owner / target nodes)} of them and the surplus duplicates are evicted.
 * Owners of a kind in {@code excludeOwnerKinds} are left alone.
 */
public final class RemoveDuplicates implements Strategy {
    public static final String NAME = "RemoveDuplicates";

    public record Args(Namespaces namespaces, Set<String> excludeOwnerKinds) {
        public Args {
            namespaces = namespaces == null ? Namespaces.ALL : namespaces;
            excludeOwnerKinds = excludeOwnerKinds == null ? Set.of() : Set.copyOf(excludeOwnerKinds);
        }

        public static Args defaults() {
            return new Args(Namespaces.ALL, Set.of());
        }
    }

    private record OwnerKey(String namespace, String kind, String name, String images) implements Comparable<OwnerKey> {
        @Override
        public int compareTo(OwnerKey o) {
            return toString().compareTo(o.toString());
        }
    }

    private final Args args;

    public RemoveDuplicates(Args args) {
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
        Map<OwnerKey, Map<String, List<PodInfo>>> duplicates = new TreeMap<>();
        Map<OwnerKey, Integer> occurrences = new LinkedHashMap<>();
        for (NodeInfo node : nodes) {
            Map<String, List<List<String>>> seen = new LinkedHashMap<>();
            for (PodInfo pod : RemovePodsViolatingNodeTaints.sorted(node)) {
                if (!args.namespaces().admits(pod.namespace())
                        || !evictor.filter(pod)
                        || !evictor.preEvictionFilter(pod)) {
                    continue;
                }
                PodFacts f = evictor.facts(pod);
                if (f.owners().isEmpty() || f.images().isEmpty() || excluded(f)) {
                    continue;
                }
                List<String> images = new ArrayList<>(f.images());
                images.sort(null);
                String hash = String.join("#", images);
                List<String> keys = new ArrayList<>();
                for (PodFacts.Owner o : f.owners()) {
                    occurrences.merge(new OwnerKey(pod.namespace(), o.kind(), o.name(), hash), 1, Integer::sum);
                    for (String image : images) {
                        keys.add(pod.namespace() + "/" + o.kind() + "/" + o.name() + "/" + image);
                    }
                }
                keys.sort(null);
                List<List<String>> existing = seen.computeIfAbsent(keys.get(0), k -> new ArrayList<>());
                if (existing.contains(keys)) {
                    for (PodFacts.Owner o : f.owners()) {
                        duplicates
                                .computeIfAbsent(
                                        new OwnerKey(pod.namespace(), o.kind(), o.name(), hash), k -> new TreeMap<>())
                                .computeIfAbsent(node.name(), k -> new ArrayList<>())
                                .add(pod);
                    }
                } else {
                    existing.add(keys);
                }
            }
        }
        for (Map.Entry<OwnerKey, Map<String, List<PodInfo>>> e : duplicates.entrySet()) {
            int targets = targetNodes(evictor, e.getValue(), nodes);
            if (targets < 2) {
                continue;
            }
            int occurrence = occurrences.get(e.getKey());
            int upperAvg = (int) Math.ceil(occurrence / (double) targets);
            for (Map.Entry<String, List<PodInfo>> onNode : e.getValue().entrySet()) {
                List<PodInfo> pods = onNode.getValue();
                if (pods.size() + 1 <= upperAvg) {
                    continue;
                }
                for (PodInfo pod : pods.subList(upperAvg - 1, pods.size())) {
                    Evictor.Outcome o = evictor.evict(
                            pod,
                            NAME,
                            "node " + onNode.getKey() + " runs " + (pods.size() + 1)
                                    + " pods of " + e.getKey().kind() + " "
                                    + e.getKey().name() + " with the same images; at most "
                                    + upperAvg + " per node over " + targets + " feasible nodes");
                    if (o == Evictor.Outcome.NODE_LIMIT) {
                        break;
                    }
                    if (o == Evictor.Outcome.TOTAL_LIMIT) {
                        return;
                    }
                }
            }
        }
    }

    private boolean excluded(PodFacts f) {
        for (PodFacts.Owner o : f.owners()) {
            if (args.excludeOwnerKinds().contains(o.kind())) {
                return true;
            }
        }
        return false;
    }

    private record Placement(List<Toleration> tolerations, NodeSelector affinity, Map<String, String> nodeSelector) {}

    /** {@code getTargetNodes}: the number of nodes where some distinct placement of the owner's duplicates fits. */
    private static int targetNodes(Evictor evictor, Map<String, List<PodInfo>> podNodes, List<NodeInfo> nodes) {
        Map<Placement, PodInfo> distinct = new LinkedHashMap<>();
        for (List<PodInfo> pods : podNodes.values()) {
            for (PodInfo p : pods) {
                distinct.putIfAbsent(
                        new Placement(
                                p.tolerations(),
                                p.spec().requiredNodeAffinity(),
                                p.spec().nodeSelector()),
                        p);
            }
        }
        Set<String> targets = new TreeSet<>();
        for (PodInfo pod : distinct.values()) {
            List<String> matching = new ArrayList<>();
            for (NodeInfo n : nodes) {
                if (new TaintTolerationFilter()
                                .prepare(pod, evictor.state().snapshot())
                                .filter(n)
                                .isSuccess()
                        && evictor.nodeFit().matchesNodeSelector(pod, n)) {
                    matching.add(n.name());
                }
            }
            if (matching.size() > 1) {
                targets.addAll(matching);
            }
        }
        return targets.size();
    }
}

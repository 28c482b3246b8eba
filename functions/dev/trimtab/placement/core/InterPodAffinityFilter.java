package dev.trimtab.placement.core;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Required inter-pod affinity and anti-affinity. PreFilter counts, per topology pair: existing
 * pods whose required anti-affinity selects the incoming pod; existing pods matching all of the
 * incoming pod's affinity terms; existing pods matched by each of its anti-affinity terms. Filter
 * then checks, in upstream's order, affinity (unresolvable; every term's topology key must be on the
 * node, and a pod matching its own terms may start a group when no pod matches anywhere),
 * the pod's anti-affinity, and existing pods' anti-affinity.
 */
public final class InterPodAffinityFilter implements FilterPlugin {
    public static final String NAME = "InterPodAffinity";
    static final Status AFFINITY = Status.unresolvable("node(s) didn't match pod affinity rules");
    static final Status ANTI_AFFINITY = Status.unschedulable("node(s) didn't match pod anti-affinity rules");
    static final Status EXISTING_ANTI_AFFINITY =
            Status.unschedulable("node(s) didn't satisfy existing pods anti-affinity rules");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        Function<String, Map<String, String>> ns = snapshot::namespaceLabels;
        List<AffinityTerm> affinity = pod.spec().requiredAffinity();
        List<AffinityTerm> anti = pod.spec().requiredAntiAffinity();
        TopologyCounts existing = new TopologyCounts();
        TopologyCounts affinityCounts = new TopologyCounts();
        TopologyCounts antiCounts = new TopologyCounts();
        boolean incoming = !affinity.isEmpty() || !anti.isEmpty();
        Map<PodSpecFacts, boolean[]> bySpec = new IdentityHashMap<>();
        for (NodeInfo node : snapshot.sortedNodes()) {
            if (node.podsWithRequiredAntiAffinity > 0) {
                for (PodInfo p : node.pods) {
                    List<AffinityTerm> terms = p.spec().requiredAntiAffinity();
                    if (terms.isEmpty()) {
                        continue;
                    }
                    boolean[] hits = bySpec.computeIfAbsent(p.spec(), spec -> {
                        boolean[] h = new boolean[terms.size()];
                        for (int i = 0; i < h.length; i++) {
                            h[i] = terms.get(i).matches(pod, ns);
                        }
                        return h;
                    });
                    for (int i = 0; i < hits.length; i++) {
                        if (hits[i]) {
                            existing.update(node, terms.get(i).topologyKey(), 1);
                        }
                    }
                }
            }
            if (incoming) {
                for (PodInfo p : node.pods) {
                    if (matchesAll(affinity, p, ns)) {
                        for (AffinityTerm t : affinity) {
                            affinityCounts.update(node, t.topologyKey(), 1);
                        }
                    }
                    for (AffinityTerm t : anti) {
                        if (t.matches(p, ns)) {
                            antiCounts.update(node, t.topologyKey(), 1);
                        }
                    }
                }
            }
        }
        boolean existingEmpty = existing.isEmpty();
        if (!incoming && existingEmpty) {
            return null;
        }
        long[] existingByNode = existingEmpty ? null : existing.perNode(snapshot);
        boolean noAffinityMatches = affinityCounts.isEmpty();
        boolean selfMatch = matchesAll(affinity, pod, ns);
        boolean antiEmpty = antiCounts.isEmpty();
        return node -> {
            if (!satisfiesAffinity(affinity, affinityCounts, noAffinityMatches, selfMatch, node)) {
                return AFFINITY;
            }
            if (!antiEmpty) {
                for (AffinityTerm t : anti) {
                    String v = node.labels().get(t.topologyKey());
                    if (v != null && antiCounts.get(t.topologyKey(), v) > 0) {
                        return ANTI_AFFINITY;
                    }
                }
            }
            if (existingByNode != null && existingByNode[node.index] > 0) {
                return EXISTING_ANTI_AFFINITY;
            }
            return Status.SUCCESS;
        };
    }

    private static boolean satisfiesAffinity(List<AffinityTerm> terms, TopologyCounts counts, boolean noMatches,
            boolean selfMatch, NodeInfo node) {
        boolean podsExist = true;
        for (AffinityTerm t : terms) {
            String v = node.labels().get(t.topologyKey());
            if (v == null) {
                return false;
            }
            if (counts.get(t.topologyKey(), v) <= 0) {
                podsExist = false;
            }
        }
        return podsExist || (noMatches && selfMatch);
    }

    /** {@code podMatchesAllAffinityTerms}: false for no terms. */
    static boolean matchesAll(List<AffinityTerm> terms, PodInfo pod, Function<String, Map<String, String>> ns) {
        if (terms.isEmpty()) {
            return false;
        }
        for (AffinityTerm t : terms) {
            if (!t.matches(pod, ns)) {
                return false;
            }
        }
        return true;
    }
}

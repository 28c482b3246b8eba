package dev.trimtab.placement.core;

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
        for (Map.Entry<PodSpecFacts, PodGroups.Group> g :
                snapshot.affinitySpecs().all().entrySet()) {
            List<AffinityTerm> terms = g.getKey().requiredAntiAffinity();
            for (AffinityTerm t : terms) {
                if (t.matches(pod, ns)) {
                    addToNodes(g.getValue(), existing, t.topologyKey());
                }
            }
        }
        if (incoming) {
            for (Map.Entry<PodKey, PodGroups.Group> g :
                    snapshot.podsByLabels().all().entrySet()) {
                PodInfo p = g.getKey().asPod();
                if (matchesAll(affinity, p, ns)) {
                    for (AffinityTerm t : affinity) {
                        addToNodes(g.getValue(), affinityCounts, t.topologyKey());
                    }
                }
                for (AffinityTerm t : anti) {
                    if (t.matches(p, ns)) {
                        addToNodes(g.getValue(), antiCounts, t.topologyKey());
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

    private static void addToNodes(PodGroups.Group group, TopologyCounts counts, String key) {
        for (Map.Entry<NodeInfo, int[]> e : group.perNode.entrySet()) {
            counts.update(e.getKey(), key, e.getValue()[0]);
        }
    }

    private static boolean satisfiesAffinity(
            List<AffinityTerm> terms, TopologyCounts counts, boolean noMatches, boolean selfMatch, NodeInfo node) {
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

package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Preferred inter-pod affinity. For each existing pod, adds to its node's topology pairs: the
 * weights of the incoming pod's preferred affinity terms it matches (minus anti-affinity), 1
 * ({@code hardPodAffinityWeight}) for each of its required affinity terms the incoming pod matches,
 * and the weights of its own preferred terms the incoming pod matches (minus anti-affinity). A node
 * scores the sum over its pairs; normalization maps [min, max] onto [0, 100]. Existing pods are
 * visited through the snapshot's groups (by spec for their terms, by namespace and labels for the
 * incoming pod's terms), so each term is matched once per group.
 */
public final class InterPodAffinityScore implements ScorePlugin {
    static final long HARD_POD_AFFINITY_WEIGHT = 1;

    @Override
    public String name() {
        return InterPodAffinityFilter.NAME;
    }

    @Override
    public NodeScorer prepare(PodInfo pod, Snapshot snapshot, List<NodeInfo> feasible) {
        Function<String, Map<String, String>> ns = snapshot::namespaceLabels;
        PodSpecFacts s = pod.spec();
        boolean hasConstraints =
                !s.preferredAffinity().isEmpty() || !s.preferredAntiAffinity().isEmpty();
        TopologyCounts scores = new TopologyCounts();
        if (hasConstraints) {
            for (Map.Entry<PodKey, PodGroups.Group> g :
                    snapshot.podsByLabels().all().entrySet()) {
                incomingTerms(pod, g.getKey().asPod(), g.getValue(), scores, ns);
            }
        }
        for (Map.Entry<PodSpecFacts, PodGroups.Group> g :
                snapshot.affinitySpecs().all().entrySet()) {
            long[] w = existingTerms(pod, g.getKey(), ns);
            List<AffinityTerm> terms = null;
            for (int i = 0; i < w.length; i++) {
                if (w[i] == 0) {
                    continue;
                }
                if (terms == null) {
                    terms = termsOf(g.getKey());
                }
                for (Map.Entry<NodeInfo, int[]> e : g.getValue().perNode.entrySet()) {
                    if (!e.getKey().labels().isEmpty()) {
                        scores.update(e.getKey(), terms.get(i).topologyKey(), w[i] * e.getValue()[0]);
                    }
                }
            }
        }
        if (scores.isEmpty()) {
            return null;
        }
        long[] byNode = scores.perNode(snapshot);
        return new NodeScorer() {
            @Override
            public long score(NodeInfo node) {
                return byNode[node.index];
            }

            @Override
            public void normalize(long[] values, NodeInfo[] nodes, int count) {
                long min = Long.MAX_VALUE;
                long max = Long.MIN_VALUE;
                for (int i = 0; i < count; i++) {
                    min = Math.min(min, values[i]);
                    max = Math.max(max, values[i]);
                }
                long diff = max - min;
                for (int i = 0; i < count; i++) {
                    values[i] = diff > 0 ? (long) (MAX_NODE_SCORE * ((double) (values[i] - min) / diff)) : 0;
                }
            }
        };
    }

    /** The existing pod's required affinity, preferred affinity and preferred anti-affinity terms, in that order. */
    private static List<AffinityTerm> termsOf(PodSpecFacts spec) {
        List<AffinityTerm> all = new ArrayList<>(spec.requiredAffinity());
        all.addAll(spec.preferredAffinity());
        all.addAll(spec.preferredAntiAffinity());
        return all;
    }

    /**
     * What each of an existing pod's terms adds when the incoming pod matches it. Depends only on the
     * (shared) spec, so pods of one template are matched once per decision.
     */
    private static long[] existingTerms(PodInfo pod, PodSpecFacts spec, Function<String, Map<String, String>> ns) {
        List<AffinityTerm> terms = termsOf(spec);
        long[] w = new long[terms.size()];
        int req = spec.requiredAffinity().size();
        int pref = req + spec.preferredAffinity().size();
        for (int i = 0; i < w.length; i++) {
            AffinityTerm t = terms.get(i);
            if (t.matches(pod, ns)) {
                w[i] = i < req ? HARD_POD_AFFINITY_WEIGHT : i < pref ? t.weight() : -t.weight();
            }
        }
        return w;
    }

    /** The incoming pod's preferred terms against one group of existing pods (same namespace and labels). */
    private static void incomingTerms(
            PodInfo pod,
            PodInfo existing,
            PodGroups.Group group,
            TopologyCounts scores,
            Function<String, Map<String, String>> ns) {
        for (AffinityTerm t : pod.spec().preferredAffinity()) {
            if (t.matches(existing, ns)) {
                addToNodes(group, scores, t.topologyKey(), t.weight());
            }
        }
        for (AffinityTerm t : pod.spec().preferredAntiAffinity()) {
            if (t.matches(existing, ns)) {
                addToNodes(group, scores, t.topologyKey(), -t.weight());
            }
        }
    }

    private static void addToNodes(PodGroups.Group group, TopologyCounts scores, String key, long weight) {
        for (Map.Entry<NodeInfo, int[]> e : group.perNode.entrySet()) {
            if (!e.getKey().labels().isEmpty()) {
                scores.update(e.getKey(), key, weight * e.getValue()[0]);
            }
        }
    }
}

package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.placement.core.AffinityTerm;
import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * RemovePodsViolatingInterPodAntiAffinity: on each node, lowest priority first, evicts a pod whose
 * required anti-affinity selects another pod in the same topology domain (same node, or nodes
 * sharing the term's topology value). An evicted pod no longer counts against the others, so of
 * two pods that repel each other only one goes.
 */
public final class RemovePodsViolatingInterPodAntiAffinity implements Strategy {
    public static final String NAME = "RemovePodsViolatingInterPodAntiAffinity";

    public record Args(Namespaces namespaces, LabelSelector labelSelector) {
        public Args {
            namespaces = namespaces == null ? Namespaces.ALL : namespaces;
        }

        public static Args defaults() {
            return new Args(Namespaces.ALL, null);
        }
    }

    private final Args args;

    public RemovePodsViolatingInterPodAntiAffinity(Args args) {
        this.args = args;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean balance() {
        return false;
    }

    @Override
    public void run(Evictor evictor, List<NodeInfo> nodes) {
        List<PodInfo> all = new ArrayList<>();
        for (NodeInfo n : nodes) {
            for (PodInfo p : n.pods()) {
                if (admitted(p)) {
                    all.add(p);
                }
            }
        }
        for (NodeInfo node : nodes) {
            List<PodInfo> pods = new ArrayList<>();
            for (PodInfo p : node.pods()) {
                if (admitted(p)) {
                    pods.add(p);
                }
            }
            PodOrder.lowToHigh(pods, evictor);
            for (PodInfo pod : pods) {
                PodInfo other = conflicting(evictor, pod, node, all);
                if (other == null || !evictor.filter(pod) || !evictor.preEvictionFilter(pod)) {
                    continue;
                }
                Evictor.Outcome o = evictor.evict(
                        pod,
                        NAME,
                        "pod's required anti-affinity selects pod " + other.key() + " on node " + other.nodeName());
                if (o == Evictor.Outcome.EVICTED) {
                    all.remove(pod);
                } else if (o == Evictor.Outcome.NODE_LIMIT) {
                    break;
                } else if (o == Evictor.Outcome.TOTAL_LIMIT) {
                    return;
                }
            }
        }
    }

    private boolean admitted(PodInfo p) {
        return args.namespaces().admits(p.namespace())
                && (args.labelSelector() == null || args.labelSelector().matches(p.labels()));
    }

    /** {@code CheckPodsWithAntiAffinityExist}. */
    private static PodInfo conflicting(Evictor evictor, PodInfo pod, NodeInfo node, List<PodInfo> all) {
        for (AffinityTerm term : pod.spec().requiredAntiAffinity()) {
            for (PodInfo other : all) {
                if (other.name().equals(pod.name()) || !term.matches(other, evictor.state()::namespaceLabels)) {
                    continue;
                }
                NodeInfo otherNode = evictor.state().snapshot().node(other.nodeName());
                if (otherNode == null) {
                    continue;
                }
                if (sameDomain(node, otherNode, term.topologyKey())) {
                    return other;
                }
            }
        }
        return null;
    }

    private static boolean sameDomain(NodeInfo a, NodeInfo b, String key) {
        if (a.name().equals(b.name())) {
            return true;
        }
        String va = a.labels().get(key);
        return va != null && va.equals(b.labels().get(key));
    }
}

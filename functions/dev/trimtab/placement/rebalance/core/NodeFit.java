package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.AffinityTerm;
import dev.trimtab.placement.core.FilterPlugin;
import dev.trimtab.placement.core.NodeAffinityFilter;
import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.ResourceList;
import dev.trimtab.placement.core.Status;
import dev.trimtab.placement.core.TaintTolerationFilter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Descheduler's {@code NodeFit} (pkg/descheduler/node): a node fits a pod when it is
 * schedulable, matches the pod's nodeSelector and required node affinity, has no untolerated
 * NoSchedule/NoExecute taint, holds no pod the pod's required anti-affinity selects (when the node
 * has the term's topology key), and, for a node other than the pod's own, has room for the pod's
 * requests and one more pod. Cheaper and coarser than the scheduler's filters, on purpose: it is what
 * the Descheduler checks.
 */
final class NodeFit {
    private final ClusterState state;

    NodeFit(ClusterState state) {
        this.state = state;
    }

    /** Null when {@code node} fits {@code pod}, else upstream's reason. */
    String misfit(PodInfo pod, PodFacts facts, NodeInfo node) {
        if (node.unschedulable()) {
            return "node is not schedulable";
        }
        if (!matchesNodeSelector(pod, node)) {
            return "pod node selector does not match the node label";
        }
        FilterPlugin.NodeFilter taints = new TaintTolerationFilter().prepare(pod, state.snapshot());
        if (!taints.filter(node).isSuccess()) {
            return "pod does not tolerate taints on the node";
        }
        if (antiAffinityMatches(pod, node)) {
            return "pod matches inter-pod anti-affinity rule of other pod on node";
        }
        if (!pod.nodeName().equals(node.name())) {
            return insufficient(pod, facts, node);
        }
        return null;
    }

    boolean fits(PodInfo pod, PodFacts facts, NodeInfo node) {
        return misfit(pod, facts, node) == null;
    }

    /** {@code PodFitsAnyOtherNode}: some node of {@code nodes} other than the pod's own fits. */
    boolean fitsAnyOther(PodInfo pod, PodFacts facts, List<NodeInfo> nodes) {
        for (NodeInfo n : nodes) {
            if (!n.name().equals(pod.nodeName()) && fits(pod, facts, n)) {
                return true;
            }
        }
        return false;
    }

    /** {@code PodFitsAnyNode}: some node of {@code nodes}, the pod's own included, fits. */
    boolean fitsAny(PodInfo pod, PodFacts facts, List<NodeInfo> nodes) {
        for (NodeInfo n : nodes) {
            if (fits(pod, facts, n)) {
                return true;
            }
        }
        return false;
    }

    /** {@code PodMatchNodeSelector}: nodeSelector and required node affinity. */
    boolean matchesNodeSelector(PodInfo pod, NodeInfo node) {
        FilterPlugin.NodeFilter f = new NodeAffinityFilter().prepare(pod, state.snapshot());
        if (f == null) {
            return true;
        }
        Status s = f.filter(node);
        return s.isSuccess();
    }

    private boolean antiAffinityMatches(PodInfo pod, NodeInfo node) {
        for (AffinityTerm term : pod.spec().requiredAntiAffinity()) {
            if (!node.labels().containsKey(term.topologyKey())) {
                continue;
            }
            for (PodInfo other : node.pods()) {
                if (!other.name().equals(pod.name()) && term.matches(other, state::namespaceLabels)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String insufficient(PodInfo pod, PodFacts facts, NodeInfo node) {
        Set<String> names = new LinkedHashSet<>(List.of(ResourceList.PODS));
        if (facts != null) {
            names.addAll(facts.requestedResources());
        } else {
            names.addAll(List.of(ResourceList.CPU, ResourceList.MEMORY));
        }
        for (String name : names) {
            long want = name.equals(ResourceList.PODS) ? 0 : Resources.request(pod, name);
            long available = Resources.allocatable(node, name) - Resources.requested(node, name);
            if (want > available) {
                return "insufficient " + name;
            }
        }
        if (Resources.allocatable(node, ResourceList.PODS) - node.pods().size() <= 0) {
            return "insufficient pods";
        }
        return null;
    }
}

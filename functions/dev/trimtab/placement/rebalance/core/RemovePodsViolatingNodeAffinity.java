package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import java.util.List;

/**
 * RemovePodsViolatingNodeAffinity ({@code requiredDuringSchedulingIgnoredDuringExecution}): evicts
 * pods with required node affinity whose node no longer matches their nodeSelector / required
 * affinity, when some ready node fits them ({@code PodFitsAnyNode}). The preferred type is not
 * modelled.
 */
public final class RemovePodsViolatingNodeAffinity implements Strategy {
    public static final String NAME = "RemovePodsViolatingNodeAffinity";

    public record Args(Namespaces namespaces, LabelSelector labelSelector) {
        public Args {
            namespaces = namespaces == null ? Namespaces.ALL : namespaces;
        }

        public static Args defaults() {
            return new Args(Namespaces.ALL, null);
        }
    }

    private final Args args;

    public RemovePodsViolatingNodeAffinity(Args args) {
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
        NodeFit fit = evictor.nodeFit();
        for (NodeInfo node : nodes) {
            for (PodInfo pod : RemovePodsViolatingNodeTaints.sorted(node)) {
                if (!args.namespaces().admits(pod.namespace())
                        || (args.labelSelector() != null
                                && !args.labelSelector().matches(pod.labels()))
                        || !evictor.filter(pod)
                        || !evictor.preEvictionFilter(pod)) {
                    continue;
                }
                if (pod.spec().requiredNodeAffinity() == null
                        || fit.matchesNodeSelector(pod, node)
                        || !fit.fitsAny(pod, evictor.facts(pod), nodes)) {
                    continue;
                }
                Evictor.Outcome o = evictor.evict(
                        pod,
                        NAME,
                        "node " + node.name()
                                + " no longer matches the pod's requiredDuringSchedulingIgnoredDuringExecution node affinity"
                                + " and another node fits");
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

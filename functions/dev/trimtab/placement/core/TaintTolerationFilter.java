package dev.trimtab.placement.core;

import java.util.List;

/**
 * Rejects a node with a NoSchedule or NoExecute taint the pod does not tolerate, naming the first
 * such taint in the node's order ({@code FindMatchingUntoleratedTaint}).
 */
public final class TaintTolerationFilter implements FilterPlugin {
    public static final String NAME = "TaintToleration";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        List<Toleration> tolerations = pod.tolerations();
        return node -> {
            Taint t = firstUntolerated(node.taints(), tolerations);
            return t == null ? Status.SUCCESS : Status.unresolvable("node(s) had untolerated taint " + t.shown());
        };
    }

    static Taint firstUntolerated(List<Taint> taints, List<Toleration> tolerations) {
        for (Taint t : taints) {
            if ((t.effect().equals(Taint.NO_SCHEDULE) || t.effect().equals(Taint.NO_EXECUTE))
                    && !Toleration.anyTolerates(tolerations, t)) {
                return t;
            }
        }
        return null;
    }
}

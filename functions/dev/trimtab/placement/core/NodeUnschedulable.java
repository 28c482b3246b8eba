package dev.trimtab.placement.core;

/** Rejects {@code spec.unschedulable} nodes unless the pod tolerates {@code node.kubernetes.io/unschedulable:NoSchedule}. */
public final class NodeUnschedulable implements FilterPlugin {
    public static final String NAME = "NodeUnschedulable";
    static final Taint TAINT = new Taint("node.kubernetes.io/unschedulable", "", Taint.NO_SCHEDULE);
    static final Status REJECT = Status.unresolvable("node(s) were unschedulable");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        boolean tolerated = Toleration.anyTolerates(pod.tolerations(), TAINT);
        return node -> node.unschedulable() && !tolerated ? REJECT : Status.SUCCESS;
    }
}

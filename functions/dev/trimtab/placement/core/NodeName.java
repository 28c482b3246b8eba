package dev.trimtab.placement.core;

/** A pod with {@code spec.nodeName} fits only that node. */
public final class NodeName implements FilterPlugin {
    public static final String NAME = "NodeName";
    static final Status REJECT = Status.unresolvable("node(s) didn't match the requested node name");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        String wanted = pod.nodeName();
        if (wanted.isEmpty()) {
            return null;
        }
        return node -> node.name().equals(wanted) ? Status.SUCCESS : REJECT;
    }
}

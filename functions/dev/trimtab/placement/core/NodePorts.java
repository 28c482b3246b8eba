package dev.trimtab.placement.core;

import java.util.List;

/** Rejects nodes where a requested host port (protocol, ip, port) is already taken. */
public final class NodePorts implements FilterPlugin {
    public static final String NAME = "NodePorts";
    static final Status REJECT = Status.unschedulable("node(s) didn't have free ports for the requested pod ports");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public NodeFilter prepare(PodInfo pod, Snapshot snapshot) {
        List<HostPort> wanted = pod.spec().hostPorts();
        if (wanted.isEmpty()) {
            return null;
        }
        return node -> {
            for (HostPort used : node.usedPorts()) {
                for (HostPort w : wanted) {
                    if (w.conflicts(used)) {
                        return REJECT;
                    }
                }
            }
            return Status.SUCCESS;
        };
    }
}

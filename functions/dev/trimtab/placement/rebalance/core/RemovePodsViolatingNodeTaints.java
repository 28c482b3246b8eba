package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.Taint;
import dev.trimtab.placement.core.Toleration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * RemovePodsViolatingNodeTaints: evicts pods that do not tolerate a NoSchedule taint on their node
 * (PreferNoSchedule too with {@code includePreferNoSchedule}). {@code excludedTaints} entries are
 * {@code key} or {@code key=value}; when {@code includedTaints} is set only those count. NoExecute
 * taints are the taint manager's business and are ignored, as upstream.
 */
public final class RemovePodsViolatingNodeTaints implements Strategy {
    public static final String NAME = "RemovePodsViolatingNodeTaints";

    public record Args(
            Namespaces namespaces,
            LabelSelector labelSelector,
            boolean includePreferNoSchedule,
            Set<String> excludedTaints,
            Set<String> includedTaints) {
        public Args {
            namespaces = namespaces == null ? Namespaces.ALL : namespaces;
            excludedTaints = excludedTaints == null ? Set.of() : Set.copyOf(excludedTaints);
            includedTaints = includedTaints == null ? Set.of() : Set.copyOf(includedTaints);
        }

        public static Args defaults() {
            return new Args(Namespaces.ALL, null, false, Set.of(), Set.of());
        }
    }

    private final Args args;

    public RemovePodsViolatingNodeTaints(Args args) {
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

    boolean counts(Taint t) {
        boolean effect = t.effect().equals(Taint.NO_SCHEDULE)
                || (args.includePreferNoSchedule() && t.effect().equals(Taint.PREFER_NO_SCHEDULE));
        boolean excluded = args.excludedTaints().contains(t.key())
                || (!t.value().isEmpty() && args.excludedTaints().contains(t.key() + "=" + t.value()));
        boolean included = args.includedTaints().isEmpty()
                || args.includedTaints().contains(t.key())
                || (!t.value().isEmpty() && args.includedTaints().contains(t.key() + "=" + t.value()));
        return effect && !excluded && included;
    }

    @Override
    public void run(Evictor evictor, List<NodeInfo> nodes) {
        for (NodeInfo node : nodes) {
            for (PodInfo pod : sorted(node)) {
                if (!args.namespaces().admits(pod.namespace())
                        || (args.labelSelector() != null
                                && !args.labelSelector().matches(pod.labels()))
                        || !evictor.filter(pod)
                        || !evictor.preEvictionFilter(pod)) {
                    continue;
                }
                Taint untolerated = untolerated(pod, node);
                if (untolerated == null) {
                    continue;
                }
                Evictor.Outcome o = evictor.evict(
                        pod,
                        NAME,
                        "pod does not tolerate taint " + untolerated.key()
                                + (untolerated.value().isEmpty() ? "" : "=" + untolerated.value()) + ":"
                                + untolerated.effect() + " on node " + node.name());
                if (o == Evictor.Outcome.NODE_LIMIT) {
                    break;
                }
                if (o == Evictor.Outcome.TOTAL_LIMIT) {
                    return;
                }
            }
        }
    }

    private Taint untolerated(PodInfo pod, NodeInfo node) {
        for (Taint t : node.taints()) {
            if (!counts(t)) {
                continue;
            }
            boolean ok = false;
            for (Toleration tol : pod.tolerations()) {
                ok |= tol.tolerates(t);
            }
            if (!ok) {
                return t;
            }
        }
        return null;
    }

    static List<PodInfo> sorted(NodeInfo node) {
        List<PodInfo> pods = new ArrayList<>(node.pods());
        pods.sort(Comparator.comparing(PodInfo::key));
        return pods;
    }
}

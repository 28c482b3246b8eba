package dev.trimtab.network.core.intent;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Port;
import java.util.List;
import java.util.Set;

/** One entry of {@code spec.rules}: exactly one of three kinds. */
public sealed interface IntentRule {

    /** The field name that introduces this kind in the resource ({@code defaultDeny}…). */
    String kind();

    /**
     * Every pod of the selected namespaces is isolated for each of {@code directions}: it accepts or
     * opens only what some policy allows. With {@code allowDNS} (the default) and Egress, those pods
     * must also be able to reach the cluster DNS ({@link #DNS_NAMESPACE}/{@link #DNS_POD_LABEL}) on
     * 53/UDP and 53/TCP.
     */
    record DefaultDeny(LabelSelector namespaceSelector, Set<Direction> directions, boolean allowDNS)
            implements IntentRule {
        public static final String DNS_NAMESPACE = "kube-system";
        public static final String DNS_POD_LABEL_KEY = "k8s-app";
        public static final String DNS_POD_LABEL = "kube-dns";

        public DefaultDeny {
            directions = Set.copyOf(directions);
        }

        @Override
        public String kind() {
            return "defaultDeny";
        }
    }

    /**
     * Only {@code from} may reach the target pods on {@code port}, and each of them must be able to.
     * Targets: pods matching {@code podSelector} in namespaces matching {@code namespaceSelector}
     * (null: every namespace).
     */
    record OnlyFrom(LabelSelector namespaceSelector, LabelSelector podSelector, Port port, List<Source> from)
            implements IntentRule {
        public OnlyFrom {
            from = List.copyOf(from);
        }

        @Override
        public String kind() {
            return "onlyFrom";
        }
    }

    /**
     * A permitted source, read as a NetworkPolicy peer placed in the target's namespace: null
     * {@code namespaceSelector} means the target's own namespace, null {@code podSelector} every pod
     * of the chosen namespaces; at least one is set.
     */
    record Source(LabelSelector namespaceSelector, LabelSelector podSelector) {}

    /** No pod of the {@code from} namespaces may reach any pod of the {@code to} namespaces, on any port. */
    record Deny(LabelSelector fromNamespaces, LabelSelector toNamespaces) implements IntentRule {
        @Override
        public String kind() {
            return "deny";
        }
    }
}

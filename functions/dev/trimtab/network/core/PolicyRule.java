package dev.trimtab.network.core;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One ingress or egress rule. Empty {@code peers} (the {@code from}/{@code to} field absent or
 * {@code []}) allows every peer, cluster pods and external addresses alike; empty {@code ports}
 * allows every port and protocol. A connection is allowed by the rule when one peer and one port
 * match.
 */
public record PolicyRule(List<PolicyPeer> peers, List<PolicyPort> ports) {
    public PolicyRule {
        peers = List.copyOf(peers);
        ports = List.copyOf(ports);
    }

    /**
     * @param peer        the other end: the source for an ingress rule, the destination for egress
     * @param destination where named ports resolve: the connection's destination
     */
    public boolean allows(Endpoint peer, Endpoint destination, Port port, String policyNamespace,
                          Function<String, Map<String, String>> namespaceLabels) {
        boolean portOk = ports.isEmpty() || ports.stream().anyMatch(p -> p.matches(port, destination));
        return portOk && (peers.isEmpty()
                || peers.stream().anyMatch(p -> p.matches(peer, policyNamespace, namespaceLabels)));
    }
}

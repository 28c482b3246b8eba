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
    public boolean allows(
            Endpoint peer,
            Endpoint destination,
            Port port,
            String policyNamespace,
            Function<String, Map<String, String>> namespaceLabels) {
        return portAllows(port, destination) && peerAllows(peer, policyNamespace, namespaceLabels);
    }

    /** The port half of {@link #allows}: no ports listed, or one matches {@code port} on {@code destination}. */
    public boolean portAllows(Port port, Endpoint destination) {
        if (ports.isEmpty()) {
            return true;
        }
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i).matches(port, destination)) {
                return true;
            }
        }
        return false;
    }

    /** The peer half of {@link #allows}: no peers listed, or one is {@code peer}. */
    public boolean peerAllows(
            Endpoint peer, String policyNamespace, Function<String, Map<String, String>> namespaceLabels) {
        if (peers.isEmpty()) {
            return true;
        }
        for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).matches(peer, policyNamespace, namespaceLabels)) {
                return true;
            }
        }
        return false;
    }
}

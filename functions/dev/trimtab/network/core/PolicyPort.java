package dev.trimtab.network.core;

/**
 * One {@code ports[]} entry of a rule. Exactly one of three shapes: any port of {@code protocol}
 * ({@code number} and {@code name} null), a number with an optional {@code endPort} making the
 * inclusive range {@code number..endPort}, or a named port. A named port is resolved on the
 * destination pod of the connection (for ingress the policy's own pod, for egress the peer):
 * it matches when a container port there has that name, this protocol and the probed number. An
 * external destination has no container ports, so a named port never matches it.
 */
public record PolicyPort(Protocol protocol, Integer number, String name, Integer endPort) {

    public static PolicyPort any(Protocol protocol) {
        return new PolicyPort(protocol, null, null, null);
    }

    public boolean matches(Port port, Endpoint destination) {
        if (protocol != port.protocol()) {
            return false;
        }
        if (name != null) {
            return destination instanceof Endpoint.PodEndpoint p && p.pod().namedPortIs(name, protocol, port.number());
        }
        if (number == null) {
            return true;
        }
        int last = endPort == null ? number : endPort;
        return number <= port.number() && port.number() <= last;
    }

    @Override
    public String toString() {
        String what =
                name != null ? name : number == null ? "*" : endPort == null ? "" + number : number + "-" + endPort;
        return what + "/" + protocol;
    }
}

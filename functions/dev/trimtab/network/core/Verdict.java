package dev.trimtab.network.core;

/**
 * Whether {@code from} can open a connection to {@code to} on {@code port}: only when the source's
 * egress and the destination's ingress both allow it. Each side says why.
 */
public record Verdict(Endpoint from, Endpoint to, Port port, SideVerdict egress, SideVerdict ingress) {

    public boolean reachable() {
        return egress.allowed() && ingress.allowed();
    }
}

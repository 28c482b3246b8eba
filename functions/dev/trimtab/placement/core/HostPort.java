package dev.trimtab.placement.core;

/** A container port bound on the host; ip "0.0.0.0" (the default) conflicts with every ip. */
public record HostPort(String ip, String protocol, int port) {
    public static final String ANY_IP = "0.0.0.0";

    public HostPort {
        ip = ip == null || ip.isEmpty() ? ANY_IP : ip;
        protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
    }

    /** {@code HostPortInfo.CheckConflict}: same protocol and port, and one side is the wildcard or both ips match. */
    boolean conflicts(HostPort other) {
        return port == other.port
                && protocol.equals(other.protocol)
                && (ip.equals(ANY_IP) || other.ip.equals(ANY_IP) || ip.equals(other.ip));
    }
}

package dev.trimtab.network.core;

import java.util.Locale;

/**
 * A destination port of a connection: number in 1..65535 and protocol. Probes ask about one port;
 * a policy's {@link PolicyPort} may stand for many.
 */
public record Port(int number, Protocol protocol) {
    public Port {
        if (number < 1 || number > 65535) {
            throw new IllegalArgumentException("port: got " + number + ", want 1..65535");
        }
        if (protocol == null) {
            throw new IllegalArgumentException("protocol: required");
        }
    }

    /**
     * {@code 80}, {@code 80/TCP}, {@code 53/UDP}, {@code 9000/SCTP}; the protocol defaults to TCP and
     * is accepted in any case here (a command-line convenience, unlike in manifests).
     */
    public static Port parse(String text) {
        int slash = text.indexOf('/');
        String num = slash < 0 ? text : text.substring(0, slash);
        Protocol protocol = slash < 0
                ? Protocol.TCP
                : Protocol.parse(text.substring(slash + 1).toUpperCase(Locale.ROOT), "protocol");
        int n;
        try {
            n = Integer.parseInt(num);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port: got " + Fields.quote(num) + ", want a number in 1..65535");
        }
        return new Port(n, protocol);
    }

    @Override
    public String toString() {
        return number + "/" + protocol;
    }
}

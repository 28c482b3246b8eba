package dev.trimtab.policy.core;

import dev.trimtab.kube.IpAddress;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The values of Kubernetes' CEL {@code ip}, {@code cidr} and {@code url} libraries. Addresses are
 * parsed by {@link IpAddress}, the project's one parser of IP literals (never resolved), with what
 * Kubernetes' {@code ip()} refuses on top: zones and IPv4-mapped IPv6. The errors are worded as
 * Kubernetes words them.
 */
final class NetworkValues {
    private NetworkValues() {}

    /** An IP address as a CEL value. */
    record Ip(IpAddress value) {
        int family() {
            return value.isIpv4() ? 4 : 6;
        }

        BigInteger number() {
            return new BigInteger(1, value.bytes());
        }

        @Override
        public String toString() {
            return value.toString();
        }

        InetAddress address() {
            try {
                return InetAddress.getByAddress(value.bytes());
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * A network as a CEL value: the address as written and a prefix length. Unlike {@link
     * dev.trimtab.kube.Cidr}, the host bits stay ({@code cidr('10.1.2.3/8').ip()} is 10.1.2.3, as
     * in Kubernetes) until {@link #masked()}.
     */
    record Cidr(Ip ip, int prefix) {
        boolean contains(Ip other) {
            return ip.value().samePrefix(other.value(), prefix);
        }

        boolean contains(Cidr other) {
            return other.prefix >= prefix && contains(other.ip);
        }

        Cidr masked() {
            return new Cidr(new Ip(ip.value().masked(prefix)), prefix);
        }

        @Override
        public String toString() {
            return ip + "/" + prefix;
        }
    }

    static Ip ip(String s) {
        if (s.contains("%")) {
            throw new IllegalArgumentException("IP address with zone value is not allowed");
        }
        IpAddress a;
        try {
            a = IpAddress.parse(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("IP Address \"" + s + "\" parse error during conversion from string");
        }
        if (ipv4Mapped(a)) {
            throw new IllegalArgumentException("IPv4-mapped IPv6 address \"" + s + "\" is not allowed");
        }
        return new Ip(a);
    }

    /** {@code ::ffff:a.b.c.d}, in any notation: ten zero bytes, then two 0xff. */
    private static boolean ipv4Mapped(IpAddress a) {
        if (a.isIpv4()) {
            return false;
        }
        byte[] b = a.bytes();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    static Cidr cidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("network address parse error during conversion from string: " + s);
        }
        Ip ip = ip(s.substring(0, slash));
        String digits = s.substring(slash + 1);
        int prefix = digits.matches("0|[1-9][0-9]{0,2}") ? Integer.parseInt(digits) : -1;
        if (prefix < 0 || prefix > ip.value().bits()) {
            throw new IllegalArgumentException("network address parse error during conversion from string: " + s);
        }
        return new Cidr(ip, prefix);
    }

    static boolean valid(Function<String, ?> parse, String s) {
        try {
            parse.apply(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A URL as Kubernetes' {@code url()} accepts it: absolute, or an absolute path. */
    record Url(URI uri) {
        String host() {
            String authority = uri.getRawAuthority();
            if (authority == null) {
                return "";
            }
            int at = authority.lastIndexOf('@');
            return at < 0 ? authority : authority.substring(at + 1);
        }

        String hostname() {
            String h = host();
            if (h.startsWith("[")) {
                return h.substring(1, h.indexOf(']'));
            }
            int colon = h.lastIndexOf(':');
            return colon < 0 ? h : h.substring(0, colon);
        }

        String port() {
            String h = host();
            int close = h.indexOf(']');
            int colon = h.lastIndexOf(':');
            return colon > close ? h.substring(colon + 1) : "";
        }

        Map<String, List<String>> query() {
            Map<String, List<String>> out = new LinkedHashMap<>();
            String q = uri.getRawQuery();
            if (q == null || q.isEmpty()) {
                return out;
            }
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
            }
            return out;
        }
    }

    static Url url(String s) {
        try {
            URI u = new URI(s);
            if (!u.isAbsolute() && !s.startsWith("/")) {
                throw new IllegalArgumentException("URL must be an absolute URI or an absolute path");
            }
            return new Url(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("URL parse error during conversion from string: " + e.getMessage());
        }
    }
}

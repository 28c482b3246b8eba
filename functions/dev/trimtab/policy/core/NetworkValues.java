package dev.trimtab.policy.core;

import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The values of Kubernetes' CEL {@code ip}, {@code cidr} and {@code url} libraries. Addresses are
 * parsed as literals only (never resolved): IPv4 dotted quads without leading zeros, IPv6 without
 * zones, and no IPv4-mapped IPv6, as Kubernetes' {@code ip()} requires.
 */
final class NetworkValues {
    private static final Pattern IPV4 = Pattern.compile("^(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}$");

    private NetworkValues() {}

    /** An IP address: 4 or 16 bytes. */
    record Ip(byte[] bytes) {
        int family() {
            return bytes.length == 4 ? 4 : 6;
        }

        BigInteger number() {
            return new BigInteger(1, bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Ip i && java.util.Arrays.equals(bytes, i.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            try {
                String s = InetAddress.getByAddress(bytes).getHostAddress();
                return bytes.length == 16 ? compress(s) : s;
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        InetAddress address() {
            try {
                return InetAddress.getByAddress(bytes);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A network: an address and a prefix length. */
    record Cidr(Ip ip, int prefix) {
        boolean contains(Ip other) {
            if (other.family() != ip.family()) {
                return false;
            }
            int bits = ip.bytes().length * 8;
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                    .shiftRight(prefix).xor(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
            return ip.number().and(mask).equals(other.number().and(mask));
        }

        boolean contains(Cidr other) {
            return other.prefix >= prefix && contains(other.ip);
        }

        Cidr masked() {
            int bits = ip.bytes().length * 8;
            BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
            BigInteger mask = all.shiftRight(prefix).xor(all);
            byte[] raw = ip.number().and(mask).toByteArray();
            byte[] out = new byte[ip.bytes().length];
            for (int i = 0; i < Math.min(raw.length, out.length); i++) {
                out[out.length - 1 - i] = raw[raw.length - 1 - i];
            }
            return new Cidr(new Ip(out), prefix);
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
        byte[] bytes;
        if (IPV4.matcher(s).matches()) {
            String[] parts = s.split("\\.");
            bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    throw new IllegalArgumentException("IP Address \"" + s + "\" parse error during conversion from string");
                }
                bytes[i] = (byte) v;
            }
        } else if (s.contains(":") && s.matches("^[0-9a-fA-F:.]+$")) {
            try {
                InetAddress a = InetAddress.getByName(s);
                if (!(a instanceof Inet6Address)) {
                    throw new IllegalArgumentException("IPv4-mapped IPv6 address \"" + s + "\" is not allowed");
                }
                bytes = a.getAddress();
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("IP Address \"" + s + "\" parse error during conversion from string");
            }
        } else {
            throw new IllegalArgumentException("IP Address \"" + s + "\" parse error during conversion from string");
        }
        return new Ip(bytes);
    }

    static Cidr cidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("network address parse error during conversion from string: " + s);
        }
        Ip ip = ip(s.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("network address parse error during conversion from string: " + s);
        }
        if (prefix < 0 || prefix > ip.bytes().length * 8 || !s.substring(slash + 1).matches("0|[1-9][0-9]*")) {
            throw new IllegalArgumentException("network address parse error during conversion from string: " + s);
        }
        return new Cidr(ip, prefix);
    }

    static boolean valid(java.util.function.Function<String, ?> parse, String s) {
        try {
            parse.apply(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The canonical text of an IPv6 address: lowercase, the longest run of zero groups as ::. */
    private static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full.toLowerCase(java.util.Locale.ROOT);
        }
        String left = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String right = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        return (left + "::" + right).toLowerCase(java.util.Locale.ROOT);
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
                String k = java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
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

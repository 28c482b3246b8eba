package dev.trimtab.kube;

import java.util.Arrays;

/**
 * An IPv4 (4 bytes) or IPv6 (16 bytes) address parsed from its literal text, without name lookup.
 * IPv6 accepts {@code ::} compression and a trailing dotted IPv4 part; zones ({@code %eth0}) and
 * IPv4 with leading zeros (ambiguous octal, rejected by Kubernetes validation too) are refused.
 * An IPv4-mapped IPv6 address stays IPv6: families never match each other. The one parser of IP
 * literals: NetworkPolicy ipBlocks and endpoints, and CEL's {@code ip()} and {@code cidr()}.
 */
public final class IpAddress {
    private final byte[] bytes;

    private IpAddress(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @throws IllegalArgumentException when {@code text} is not an IP literal */
    public static IpAddress parse(String text) {
        byte[] b = text.indexOf(':') >= 0 ? parse6(text) : parse4(text);
        if (b == null) {
            throw new IllegalArgumentException("got " + IntentFields.quote(text) + ", want an IPv4 or IPv6 address");
        }
        return new IpAddress(b);
    }

    /** Whether {@code text} parses as an address (a command line tells a pod {@code ns/name} from an IP). */
    public static boolean isAddress(String text) {
        return (text.indexOf(':') >= 0 ? parse6(text) : parse4(text)) != null;
    }

    private static byte[] parse4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty()
                    || p.length() > 3
                    || !p.chars().allMatch(IpAddress::asciiDigit)
                    || (p.length() > 1 && p.charAt(0) == '0')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private static byte[] parse6(String text) {
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        byte[] head = gap < 0 ? groups(text) : groups(text.substring(0, gap));
        byte[] tail = gap < 0 ? new byte[0] : groups(text.substring(gap + 2));
        if (head == null || tail == null) {
            return null;
        }
        int len = head.length + tail.length;
        if (gap < 0 ? len != 16 : len > 14) {
            return null;
        }
        byte[] b = new byte[16];
        System.arraycopy(head, 0, b, 0, head.length);
        System.arraycopy(tail, 0, b, 16 - tail.length, tail.length);
        return b;
    }

    /** Colon-separated hex groups, the last of which may be a dotted IPv4 address; "" is no groups. */
    private static byte[] groups(String text) {
        if (text.isEmpty()) {
            return new byte[0];
        }
        String[] parts = text.split(":", -1);
        byte[] b = new byte[parts.length * 2 + 2];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = parse4(p);
                if (v4 == null) {
                    return null;
                }
                System.arraycopy(v4, 0, b, n, 4);
                n += 4;
                continue;
            }
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(IpAddress::hexDigit)) {
                return null;
            }
            int v = Integer.parseInt(p, 16);
            b[n++] = (byte) (v >> 8);
            b[n++] = (byte) v;
        }
        return Arrays.copyOf(b, n);
    }

    /** ASCII only: Java's own digit tests also take other scripts' digits (\u0661, \uff11), Go's parser does not. */
    static boolean asciiDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean hexDigit(int c) {
        return asciiDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    public boolean isIpv4() {
        return bytes.length == 4;
    }

    /** The number of bits: 32 or 128. */
    public int bits() {
        return bytes.length * 8;
    }

    /** The address in network order: 4 or 16 bytes (a copy). */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** Whether the first {@code prefix} bits equal those of {@code other} (same family only). */
    public boolean samePrefix(IpAddress other, int prefix) {
        if (other.bytes.length != bytes.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (bytes[i] != other.bytes[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return ((bytes[full] ^ other.bytes[full]) & mask) == 0;
    }

    /** This address with every bit after {@code prefix} cleared. */
    public IpAddress masked(int prefix) {
        byte[] b = bytes.clone();
        for (int i = prefix; i < b.length * 8; i++) {
            b[i / 8] &= (byte) ~(1 << (7 - i % 8));
        }
        return new IpAddress(b);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Dotted quad, or eight colon-separated hex groups with the longest zero run compressed. */
    @Override
    public String toString() {
        if (isIpv4()) {
            return (bytes[0] & 255) + "." + (bytes[1] & 255) + "." + (bytes[2] & 255) + "." + (bytes[3] & 255);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((bytes[2 * i] & 255) << 8) | (bytes[2 * i + 1] & 255);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}

package dev.trimtab.kube;

/**
 * An address block {@code base/prefix}, IPv4 or IPv6. Host bits set in the text
 * ({@code 10.1.2.3/8}) are cleared, as Go's {@code net.ParseCIDR} does for the API server.
 */
public record Cidr(IpAddress base, int prefix) {

    /** @throws IllegalArgumentException with the bad text and what a CIDR looks like */
    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        String want = "want a CIDR such as 10.0.0.0/8 or fd00::/64";
        if (slash < 0) {
            throw new IllegalArgumentException("got " + IntentFields.quote(text) + ", " + want);
        }
        IpAddress ip;
        int prefix;
        try {
            ip = IpAddress.parse(text.substring(0, slash));
            String p = text.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(IpAddress::asciiDigit)) {
                throw new IllegalArgumentException(p);
            }
            prefix = Integer.parseInt(p);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("got " + IntentFields.quote(text) + ", " + want);
        }
        if (prefix > ip.bits()) {
            throw new IllegalArgumentException(
                    "got " + IntentFields.quote(text) + ", prefix length must be at most " + ip.bits());
        }
        return new Cidr(ip.masked(prefix), prefix);
    }

    public boolean contains(IpAddress ip) {
        return base.samePrefix(ip, prefix);
    }

    /** Whether every address of {@code other} is in this block (same family, longer or equal prefix). */
    public boolean covers(Cidr other) {
        return other.prefix >= prefix && contains(other.base);
    }

    @Override
    public String toString() {
        return base + "/" + prefix;
    }
}

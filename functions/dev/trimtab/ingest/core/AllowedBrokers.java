package dev.trimtab.ingest.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Kafka clusters Kafka-lag metrics may read ({@code trimtab.ingest.kafka-lag.allowed-servers}):
 * a ScalingPolicy names {@code bootstrapServers}, the platform team decides which brokers Trimtab
 * connects to (with its own credentials), so a policy author cannot make it connect elsewhere.
 * A {@code bootstrapServers} value is allowed when every one of its {@code host:port} entries is
 * listed (hosts compared without case). No entries: nothing is allowed.
 */
public final class AllowedBrokers {
    /** More brokers than any bootstrap list needs; a longer one is refused. */
    public static final int MAX_ENTRIES = 32;

    private static final int MAX_LENGTH = 4096;

    private final Set<String> brokers;
    private final List<String> written;

    private AllowedBrokers(Set<String> brokers, List<String> written) {
        this.brokers = brokers;
        this.written = written;
    }

    /**
     * @param property the setting's name, for messages
     * @throws IllegalArgumentException naming the property and the entry that is not {@code host:port}
     */
    public static AllowedBrokers parse(String property, List<String> entries) {
        Set<String> out = new TreeSet<>();
        List<String> written = new ArrayList<>();
        for (String raw : entries) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            String b = broker(s);
            if (b == null) {
                throw new IllegalArgumentException(property + ": \"" + s + "\" is not host:port (port 1-65535)");
            }
            out.add(b);
            written.add(s);
        }
        return new AllowedBrokers(Set.copyOf(out), List.copyOf(written));
    }

    /**
     * {@code bootstrapServers} as one cluster's identity: its {@code host:port} entries, hosts in
     * lower case, sorted, comma-joined, so that two spellings of one list share one reader.
     *
     * @throws IllegalArgumentException naming the entry that is not {@code host:port}
     */
    public static String cluster(String bootstrapServers) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is empty");
        }
        if (bootstrapServers.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("bootstrapServers is longer than " + MAX_LENGTH + " characters");
        }
        Set<String> out = new TreeSet<>();
        String[] parts = bootstrapServers.split(",", -1);
        if (parts.length > MAX_ENTRIES) {
            throw new IllegalArgumentException(
                    "bootstrapServers lists " + parts.length + " brokers, more than " + MAX_ENTRIES);
        }
        for (String p : parts) {
            String b = broker(p.trim());
            if (b == null) {
                throw new IllegalArgumentException(
                        "bootstrapServers entry \"" + p.trim() + "\" is not host:port (port 1-65535)");
            }
            out.add(b);
        }
        return String.join(",", out);
    }

    /** Whether every broker of {@code cluster} (as {@link #cluster} gives it) is listed. */
    public boolean allows(String cluster) {
        for (String b : cluster.split(",")) {
            if (!brokers.contains(b)) {
                return false;
            }
        }
        return !cluster.isEmpty();
    }

    /** The entries as written (for messages). */
    public List<String> servers() {
        return written;
    }

    /** {@code host:port} normalised, or null: a host of letters, digits, '.', '-', '_' or a bracketed IPv6 address. */
    private static String broker(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return null;
        }
        String host = s.substring(0, colon).toLowerCase(Locale.ROOT);
        String port = s.substring(colon + 1);
        if (port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        int p = Integer.parseInt(port);
        if (p < 1 || p > 65535) {
            return null;
        }
        boolean ok = host.startsWith("[") && host.endsWith("]") && host.length() > 2
                ? host.substring(1, host.length() - 1)
                        .chars()
                        .allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')
                : host.length() <= 253
                        && host.chars()
                                .allMatch(c -> (c >= 'a' && c <= 'z')
                                        || (c >= '0' && c <= '9')
                                        || c == '.'
                                        || c == '-'
                                        || c == '_');
        return ok ? host + ":" + p : null;
    }
}

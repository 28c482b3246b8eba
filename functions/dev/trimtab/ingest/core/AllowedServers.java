package dev.trimtab.ingest.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The servers PromQL metrics may query ({@code trimtab.ingest.prometheus.allowed-servers}): a
 * policy author names a server, the platform team decides which exist, so a ScalingPolicy cannot
 * make Trimtab call an arbitrary URL (SSRF). An address is allowed when its scheme, host and port
 * (the scheme's default when absent) equal an entry's, and its path starts with the entry's path
 * at a segment boundary; an address with a dot segment ({@code /../}, also percent-encoded) is
 * never allowed. No entries: nothing is allowed.
 */
public final class AllowedServers {
    private record Entry(String scheme, String host, int port, String path) {}

    private final List<Entry> entries;
    private final List<String> written;

    private AllowedServers(List<Entry> entries, List<String> written) {
        this.entries = entries;
        this.written = written;
    }

    /**
     * @param property the setting's name, for messages
     * @throws IllegalArgumentException naming the property and the entry that is not {@code http(s)://host[:port][/path]}
     */
    public static AllowedServers parse(String property, List<String> servers) {
        List<Entry> out = new ArrayList<>();
        List<String> written = new ArrayList<>();
        for (String raw : servers) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            Entry e = entry(s);
            if (e == null) {
                throw new IllegalArgumentException(property + ": \"" + s + "\" is not an http or https base URL "
                        + "scheme://host[:port][/path] without user:password@, query or fragment");
            }
            out.add(e);
            written.add(s);
        }
        return new AllowedServers(List.copyOf(out), List.copyOf(written));
    }

    /** Whether {@code serverAddress} may be queried. */
    public boolean allows(String serverAddress) {
        Entry a = entry(serverAddress);
        if (a == null) {
            return false;
        }
        for (Entry e : entries) {
            if (e.scheme.equals(a.scheme)
                    && e.host.equals(a.host)
                    && e.port == a.port
                    && (e.path.isEmpty() || a.path.equals(e.path) || a.path.startsWith(e.path + "/"))) {
                return true;
            }
        }
        return false;
    }

    /** The entries as written (for messages). */
    public List<String> servers() {
        return written;
    }

    private static Entry entry(String s) {
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || u.isOpaque()
                || u.getHost() == null
                || u.getRawUserInfo() != null
                || u.getRawQuery() != null
                || u.getRawFragment() != null) {
            return null;
        }
        int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        for (String segment : path.toLowerCase(Locale.ROOT).replace("%2e", ".").split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return null; // a dot segment could climb out of an allowed path prefix
            }
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Entry(scheme, u.getHost().toLowerCase(Locale.ROOT), port, path);
    }
}

package dev.trimtab.rbac.live;

import java.util.ArrayList;
import java.util.List;

/**
 * The query endpoints' words, those of the command line ({@code kubectl auth can-i}'s flags):
 * {@code as}, {@code asGroup} (repeated), {@code resource}, {@code namespace} or
 * {@code allNamespaces=true}. The words of the previous release still work, each with a warning
 * that the endpoint sends as a {@code Warning: 299} header, as the API server does for a deprecated
 * API: {@code group} for {@code asGroup}, {@code target} for {@code resource}, and no namespace
 * for all namespaces. Giving a word together with its old name is a 400 that names both.
 */
final class QueryWords {
    /** What the words say, and the warnings the answer carries. */
    record Resolved(String resource, List<String> groups, String namespace, List<String> warnings) {}

    private QueryWords() {}

    /**
     * @throws IllegalArgumentException naming the parameters that contradict each other
     */
    static Resolved resolve(
            String resource,
            String target,
            List<String> asGroups,
            List<String> groups,
            String namespace,
            boolean allNamespaces) {
        List<String> warnings = new ArrayList<>();
        String what = resource;
        if (present(target)) {
            if (present(resource)) {
                throw new IllegalArgumentException(
                        "resource and target: give one (target is the deprecated name of resource)");
            }
            what = target;
            warnings.add("target is deprecated: use resource=" + target);
        }
        List<String> who = asGroups == null ? List.of() : asGroups;
        if (groups != null && !groups.isEmpty()) {
            if (!who.isEmpty()) {
                throw new IllegalArgumentException(
                        "asGroup and group: give one (group is the deprecated name of asGroup)");
            }
            who = groups;
            warnings.add("group is deprecated: use asGroup (repeated for several groups)");
        }
        String ns;
        if (allNamespaces) {
            if (present(namespace)) {
                throw new IllegalArgumentException(
                        "namespace and allNamespaces: give one (got namespace=" + namespace + ")");
            }
            ns = "";
        } else if (present(namespace)) {
            ns = namespace;
        } else {
            ns = "";
            warnings.add("no namespace: answered for all namespaces, as in the previous release; pass "
                    + "allNamespaces=true for that, or namespace=N (kubectl's default is namespace=default)");
        }
        return new Resolved(what, List.copyOf(who), ns, List.copyOf(warnings));
    }

    /** The longest warning text sent, as the API server bounds one warning (longer ones are cut). */
    static final int MAX_WARNING_CHARS = 256;

    /**
     * A warning as the API server writes it into a {@code Warning} header (RFC 7234, code 299). A
     * warning may echo the caller's words, so anything but printable ASCII (a URL-decoded CR or
     * LF among them) becomes {@code ?} and the text is cut at {@link #MAX_WARNING_CHARS}: a
     * question can neither add a header nor grow the answer.
     */
    static String header(String warning) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < warning.length() && text.length() < MAX_WARNING_CHARS; i++) {
            char c = warning.charAt(i);
            text.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        if (warning.length() > MAX_WARNING_CHARS) {
            text.setLength(MAX_WARNING_CHARS - 3);
            text.append("...");
        }
        return "299 - \"" + text.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean present(String s) {
        return s != null && !s.isEmpty();
    }
}

package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.PromQuery;
import dev.trimtab.kube.LabelSelector;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code metrics[i]: {type: Prometheus, prometheus: {...}}}: KEDA's Prometheus trigger metadata
 * (serverAddress, query, threshold, activationThreshold, ignoreNullValues, namespace,
 * customHeaders, queryParameters, timeout) plus the trigger's {@code metricType} and the
 * ScaledObject's {@code pollingInterval}, as the External metric KEDA gives its HPA:
 * {@code s<i>-prometheus}, here selected by {@code scalingpolicy.trimtab.dev/name: <policy>} so
 * two policies never read each other's answers. Values are typed (a boolean, integers) where
 * KEDA's metadata takes strings; {@code threshold} takes a Kubernetes quantity. KEDA's
 * authentication modes, {@code unsafeSsl} and the cloud identities are not supported (refused as
 * unknown fields).
 */
final class PrometheusMetricParser {
    static final String TYPE = "Prometheus";
    static final int MAX_QUERY = 4096;
    static final int MAX_ADDRESS = 2048;
    static final int MAX_PAIRS_LENGTH = 4096;
    static final int MAX_PAIRS = 16;
    static final int MAX_TIMEOUT_MILLIS = 30_000;
    static final int MAX_POLLING_SECONDS = 3600;
    private static final Set<String> FIELDS = Set.of(
            "serverAddress",
            "query",
            "threshold",
            "activationThreshold",
            "metricType",
            "ignoreNullValues",
            "namespace",
            "customHeaders",
            "queryParameters",
            "timeout",
            "pollingInterval");
    /** RFC 9110 token characters: a header name. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers Java's HTTP client sets itself and refuses (and hop-by-hop ones). */
    private static final Set<String> RESTRICTED_HEADERS = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "te",
            "trailer",
            "transfer-encoding",
            "keep-alive",
            "proxy-connection",
            "date",
            "from",
            "referer",
            "via",
            "warning");
    /** Parameters the puller sets itself. */
    private static final Set<String> OWN_PARAMETERS = Set.of("query", "time");

    private PrometheusMetricParser() {}

    /** The metric's name as KEDA's HPA carries it: {@code s<index>-prometheus}. */
    static String metricName(int index) {
        return "s" + index + "-prometheus";
    }

    /** Parses {@code metrics[index].prometheus} ({@code sp} its path) of the policy {@code policy}. */
    static MetricSpec parse(JsonNode source, String sp, int index, String policy, Fields f) {
        f.checkKnown(source, sp, FIELDS);
        String address =
                serverAddress(f.string(source, "serverAddress", sp + ".serverAddress", true), sp + ".serverAddress", f);
        String query = f.string(source, "query", sp + ".query", true);
        if (query != null && query.length() > MAX_QUERY) {
            f.problem(sp + ".query", "\"" + query + "\"", "must be at most " + MAX_QUERY + " characters");
        } else if (query != null && query.isBlank()) {
            f.problem(sp + ".query", "\"" + query + "\"", "must be a PromQL expression");
        }
        Long threshold = f.quantity(source, "threshold", sp + ".threshold", true);
        if (threshold != null && threshold <= 0) {
            f.problem(sp + ".threshold", source.get("threshold"), "must be positive");
            threshold = null;
        }
        long activation = ScalingPolicyParser.activation(source, sp, f);
        String type = f.string(source, "metricType", sp + ".metricType", false);
        MetricSpec.TargetType targetType = MetricSpec.TargetType.AverageValue;
        if ("Value".equals(type)) {
            targetType = MetricSpec.TargetType.Value;
        } else if (type != null && !type.equals("AverageValue")) {
            f.problem(sp + ".metricType", "\"" + type + "\"", "must be AverageValue (the default) or Value");
        }
        boolean ignoreNull = f.bool(source, "ignoreNullValues", sp + ".ignoreNullValues", true);
        String namespace = f.string(source, "namespace", sp + ".namespace", false);
        if (namespace != null && (namespace.isEmpty() || namespace.length() > 253)) {
            f.problem(sp + ".namespace", "\"" + namespace + "\"", "must be 1 to 253 characters");
        }
        Map<String, String> headers = pairs(source, "customHeaders", sp, f);
        headers.forEach((name, value) -> header(name, value, sp + ".customHeaders", f));
        Map<String, String> parameters = pairs(source, "queryParameters", sp, f);
        for (String name : parameters.keySet()) {
            if (OWN_PARAMETERS.contains(name)) {
                f.problem(sp + ".queryParameters", "\"" + name + "\"", "must not set query or time: Trimtab sets them");
            }
        }
        int timeout = f.integer(source, "timeout", sp + ".timeout", 3000, 1, MAX_TIMEOUT_MILLIS);
        int polling = f.integer(source, "pollingInterval", sp + ".pollingInterval", 30, 1, MAX_POLLING_SECONDS);
        if (address == null || query == null || threshold == null) {
            return null;
        }
        MetricSpec.Target target = targetType == MetricSpec.TargetType.Value
                ? MetricSpec.Target.value(threshold)
                : MetricSpec.Target.averageValue(threshold);
        LabelSelector selector =
                new LabelSelector(Map.of(PromQuery.POLICY_LABEL, policy == null ? "" : policy), List.of());
        return MetricSpec.external(metricName(index), selector, target)
                .withActivation(activation)
                .withPull(new PromQuery(
                        address,
                        query,
                        namespace == null ? "" : namespace,
                        headers,
                        parameters,
                        ignoreNull,
                        timeout,
                        polling));
    }

    /** The address without trailing slashes; null (with a problem) unless http(s), with a host, no userinfo. */
    static String serverAddress(String s, String path, Fields f) {
        if (s == null) {
            return null;
        }
        if (s.length() > MAX_ADDRESS) {
            f.problem(path, "\"" + s + "\"", "must be at most " + MAX_ADDRESS + " characters");
            return null;
        }
        URI u;
        try {
            u = new URI(s);
        } catch (URISyntaxException e) {
            f.problem(path, "\"" + s + "\"", "must be an http or https URL (" + e.getReason() + ")");
            return null;
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            f.problem(
                    path,
                    "\"" + s + "\"",
                    "must be an http or https URL, such as http://prometheus.monitoring.svc:9090");
        } else if (u.isOpaque() || u.getHost() == null) {
            f.problem(path, "\"" + s + "\"", "must name a host, such as http://prometheus.monitoring.svc:9090");
        } else if (u.getRawUserInfo() != null) {
            f.problem(
                    path,
                    "\"" + s.replace(u.getRawUserInfo(), "***") + "\"",
                    "must not carry credentials (user:password@)");
        } else if (u.getRawQuery() != null || u.getRawFragment() != null) {
            f.problem(
                    path,
                    "\"" + s + "\"",
                    "must not have a query or fragment: the query goes to <serverAddress>/api/v1/query");
        } else {
            String out = s;
            while (out.endsWith("/")) {
                out = out.substring(0, out.length() - 1);
            }
            return out;
        }
        return null;
    }

    /** KEDA's map format {@code k=v,k=v} (each element trimmed, exactly one '='); empty when absent. */
    static Map<String, String> pairs(JsonNode source, String name, String sp, Fields f) {
        String path = sp + "." + name;
        String s = f.string(source, name, path, false);
        Map<String, String> out = new LinkedHashMap<>();
        if (s == null) {
            return out;
        }
        if (s.length() > MAX_PAIRS_LENGTH) {
            f.problem(path, "\"" + s + "\"", "must be at most " + MAX_PAIRS_LENGTH + " characters");
            return out;
        }
        String[] elements = s.split(",", -1);
        if (elements.length > MAX_PAIRS) {
            f.problem(path, "\"" + s + "\"", "must have at most " + MAX_PAIRS + " key=value pairs");
            return out;
        }
        for (String e : elements) {
            String[] kv = e.trim().split("=", -1);
            if (kv.length != 2 || kv[0].trim().isEmpty()) {
                f.problem(
                        path,
                        "\"" + e.trim() + "\"",
                        "is not key=value: write key=value pairs separated by " + "commas (KEDA's format)");
                return new LinkedHashMap<>();
            }
            out.put(kv[0].trim(), kv[1].trim());
        }
        return out;
    }

    private static void header(String name, String value, String path, Fields f) {
        if (!TOKEN.matcher(name).matches()) {
            f.problem(
                    path, "\"" + name + "\"", "a header name must be an HTTP token (letters, digits, - and the like)");
        } else if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
            f.problem(path, "\"" + name + "\"", "must not set " + name + ": the HTTP client sets it");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                f.problem(path, "\"" + name + "\"", "a header value must not contain control characters");
                return;
            }
        }
    }
}

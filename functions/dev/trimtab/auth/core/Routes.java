package dev.trimtab.auth.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which surface a request is on and which permissions it needs. Queries are resource attributes
 * of the virtual API group {@value #GROUP} (no such API is served: RBAC rules may name any group),
 * so a RoleBinding can grant questions about one namespace:
 * <ul>
 *   <li>{@code GET /rbac/can-i}, {@code /rbac/who-can}: {@code get rbac/<question>} in the
 *       namespace of the first {@code namespace} parameter (the one the endpoint reads),
 *       cluster-wide when it is missing or empty; {@code /rbac/escalations},
 *       {@code /rbac/intents}: cluster-wide.</li>
 *   <li>{@code GET /network/can-reach}: {@code get network/can-reach} in the namespace of each of
 *       {@code from} and {@code to} given as {@code NS/POD}; an IP address may be any pod, so it needs
 *       the cluster-wide grant. {@code /network/matrix}: in each {@code namespace} parameter's
 *       namespace, cluster-wide without one; {@code /network/intents}: cluster-wide.</li>
 *   <li>{@code POST /placement/extender/filter|prioritize}: {@code create placement/<verb>}, cluster-wide.</li>
 *   <li>{@code POST /api/v1/write} (Prometheus remote write): {@code create metrics/prometheus-remote-write}
 *       cluster-wide; ClusterRole {@value #METRIC_WRITER}. A sender feeds every namespace's
 *       workloads, so there is no narrower grant.</li>
 *   <li>{@code POST /v1/metrics} (OTLP/HTTP metrics): {@code create metrics/otlp}, cluster-wide, the
 *       same ClusterRole.</li>
 *   <li>{@code POST /alertmanager/webhook} (Alertmanager's webhook): {@code create metrics/alertmanager},
 *       cluster-wide, the same ClusterRole.</li>
 *   <li>{@code /q/metrics}: {@code get} on the non-resource URL {@code /metrics}, the permission
 *       Prometheus already holds for the Kubernetes components' {@code /metrics}.</li>
 *   <li>Anything else but {@code /q/health}, {@code /admission/*} and {@code /}: the HTTP verb
 *       (as the API server maps it) on the non-resource URL of the path. So {@code /q/openapi}
 *       needs a signed-in caller allowed {@code get} on the non-resource URL {@code /q/openapi}, as
 *       the API server's own {@code /openapi/v2} needs one (there granted to every authenticated
 *       user by {@code system:discovery}): the description names every surface and its
 *       parameters, which is no secret but no reason to serve anonymous callers either.</li>
 * </ul>
 * A question about more than {@link #MAX_NAMESPACES} namespaces needs the cluster-wide grant (one
 * review instead of many). Paths are taken as the server normalized them ({@code ..} resolved).
 */
public final class Routes {
    public static final String GROUP = "query.trimtab.dev";
    public static final int MAX_NAMESPACES = 8;
    public static final String RBAC_READER = "trimtab:rbac-reader";
    public static final String NETWORK_READER = "trimtab:network-reader";
    public static final String EXTENDER = "trimtab:scheduler-extender";
    public static final String METRICS_READER = "trimtab:metrics-reader";
    public static final String METRIC_WRITER = "trimtab:metric-writer";
    /** Prometheus' remote-write receiver path, as Prometheus' own receiver serves it. */
    public static final String REMOTE_WRITE = "/api/v1/write";
    /** OTLP/HTTP's default metrics path, as the OpenTelemetry exporters send to it. */
    public static final String OTLP_METRICS = "/v1/metrics";
    /** Where Alertmanager's webhook_config sends its notifications. */
    public static final String ALERTMANAGER = "/alertmanager/webhook";

    private final boolean metricsProtected;

    public Routes(boolean metricsProtected) {
        this.metricsProtected = metricsProtected;
    }

    public Route route(String method, String path, Map<String, List<String>> query) {
        String verb = verb(method);
        if (path.equals("/q/health") || path.startsWith("/q/health/")) {
            return Route.of(Surface.Health);
        }
        if (path.equals("/admission") || path.startsWith("/admission/")) {
            return Route.of(Surface.Admission);
        }
        if (path.equals("/")) {
            return Route.of(Surface.Push);
        }
        if (path.equals("/q/metrics") || path.startsWith("/q/metrics/")) {
            return metricsProtected
                    ? new Route(Surface.Metrics, List.of(Permission.nonResource("get", "/metrics")), METRICS_READER)
                    : Route.of(Surface.Health);
        }
        if (path.equals(REMOTE_WRITE)) {
            return new Route(
                    Surface.Ingest,
                    List.of(Permission.resource(verb, GROUP, "metrics", "prometheus-remote-write", "")),
                    METRIC_WRITER);
        }
        if (path.equals(OTLP_METRICS)) {
            return new Route(
                    Surface.Ingest, List.of(Permission.resource(verb, GROUP, "metrics", "otlp", "")), METRIC_WRITER);
        }
        if (path.equals(ALERTMANAGER)) {
            return new Route(
                    Surface.Ingest,
                    List.of(Permission.resource(verb, GROUP, "metrics", "alertmanager", "")),
                    METRIC_WRITER);
        }
        if (path.startsWith("/placement/extender/")) {
            return new Route(
                    Surface.Extender,
                    List.of(Permission.resource(verb, GROUP, "placement", lastSegment(path), "")),
                    EXTENDER);
        }
        if (path.startsWith("/rbac/")) {
            String question = lastSegment(path);
            // exactly what the endpoint reads: the first value, empty or missing meaning cluster-wide
            // (a later value must never narrow the grant the question is checked against)
            Set<String> namespaces = question.equals("can-i") || question.equals("who-can")
                    ? Set.of(Objects.requireNonNullElse(first(query, "namespace"), ""))
                    : Set.of("");
            return query(verb, "rbac", question, namespaces, RBAC_READER);
        }
        if (path.startsWith("/network/")) {
            String question = lastSegment(path);
            Set<String> namespaces = switch (question) {
                case "can-reach" ->
                    namespaces(Arrays.asList(podNamespace(first(query, "from")), podNamespace(first(query, "to"))));
                case "matrix" -> namespaces(query.getOrDefault("namespace", List.of()));
                default -> Set.of("");
            };
            return query(verb, "network", question, namespaces, NETWORK_READER);
        }
        return new Route(Surface.Other, List.of(Permission.nonResource(verb, path)), "");
    }

    private static Route query(String verb, String resource, String question, Set<String> namespaces, String role) {
        List<Permission> permissions = new ArrayList<>();
        for (String ns : namespaces) {
            permissions.add(Permission.resource(verb, GROUP, resource, question, ns));
        }
        return new Route(Surface.Query, permissions, role);
    }

    /**
     * The namespaces a question is about: the non-empty values, or {@code ""} (cluster-wide) when
     * there are none, when one of them is cluster-wide, or when there are too many.
     */
    static Set<String> namespaces(List<String> values) {
        Set<String> out = new LinkedHashSet<>();
        for (String v : values) {
            if (v == null) {
                return Set.of("");
            }
            if (!v.isEmpty()) {
                out.add(v);
            }
        }
        if (out.isEmpty() || out.contains("") || out.size() > MAX_NAMESPACES) {
            return Set.of("");
        }
        return out;
    }

    /** {@code prod} of {@code prod/api}; null (cluster-wide) for an IP address, a missing or odd value. */
    static String podNamespace(String endpoint) {
        if (endpoint == null) {
            return "";
        }
        int slash = endpoint.indexOf('/');
        if (slash <= 0 || slash != endpoint.lastIndexOf('/') || slash == endpoint.length() - 1) {
            return null;
        }
        return endpoint.substring(0, slash);
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static String lastSegment(String path) {
        String p = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    /** The API server's mapping of an HTTP method to a verb for non-resource and create-like requests. */
    static String verb(String method) {
        return switch (method.toUpperCase(Locale.ROOT)) {
            case "GET", "HEAD" -> "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> "delete";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }
}

package dev.trimtab.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class RoutesTest {
    record Case(
            String name,
            String method,
            String path,
            Map<String, List<String>> query,
            Surface surface,
            List<String> permissions) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("health is open", "GET", "/q/health/ready", Map.of(), Surface.Health, List.of()),
                new Case("health root is open", "GET", "/q/health", Map.of(), Surface.Health, List.of()),
                new Case(
                        "a lookalike of health is not",
                        "GET",
                        "/q/healthz",
                        Map.of(),
                        Surface.Other,
                        List.of("get on non-resource URL /q/healthz")),
                new Case("admission", "POST", "/admission/validate", Map.of(), Surface.Admission, List.of()),
                new Case("push", "POST", "/", Map.of(), Surface.Push, List.of()),
                new Case(
                        "metrics: get /metrics like kube components",
                        "GET",
                        "/q/metrics",
                        Map.of(),
                        Surface.Metrics,
                        List.of("get on non-resource URL /metrics")),
                new Case(
                        "openapi: signed in with get on its URL, as the API server's /openapi/v2",
                        "GET",
                        "/q/openapi",
                        Map.of(),
                        Surface.Other,
                        List.of("get on non-resource URL /q/openapi")),
                new Case(
                        "can-i in a namespace",
                        "GET",
                        "/rbac/can-i",
                        Map.of("namespace", List.of("shop")),
                        Surface.Query,
                        List.of("get rbac/can-i (query.trimtab.dev) in namespace shop")),
                new Case(
                        "can-i with an empty first namespace is cluster-wide, whatever follows",
                        "GET",
                        "/rbac/can-i",
                        Map.of("namespace", List.of("", "shop")),
                        Surface.Query,
                        List.of("get rbac/can-i (query.trimtab.dev) cluster-wide")),
                new Case(
                        "who-can is checked in the namespace the endpoint reads, the first",
                        "GET",
                        "/rbac/who-can",
                        Map.of("namespace", List.of("shop", "prod")),
                        Surface.Query,
                        List.of("get rbac/who-can (query.trimtab.dev) in namespace shop")),
                new Case(
                        "can-i without a namespace is cluster-wide",
                        "GET",
                        "/rbac/can-i",
                        Map.of(),
                        Surface.Query,
                        List.of("get rbac/can-i (query.trimtab.dev) cluster-wide")),
                new Case(
                        "escalations are cluster-wide whatever the parameters",
                        "GET",
                        "/rbac/escalations",
                        Map.of("namespace", List.of("shop")),
                        Surface.Query,
                        List.of("get rbac/escalations (query.trimtab.dev) cluster-wide")),
                new Case(
                        "can-reach between two namespaces needs both",
                        "GET",
                        "/network/can-reach",
                        Map.of("from", List.of("dev/tool"), "to", List.of("prod/db")),
                        Surface.Query,
                        List.of(
                                "get network/can-reach (query.trimtab.dev) in namespace dev",
                                "get network/can-reach (query.trimtab.dev) in namespace prod")),
                new Case(
                        "can-reach within one namespace asks once",
                        "GET",
                        "/network/can-reach",
                        Map.of("from", List.of("prod/api"), "to", List.of("prod/db")),
                        Surface.Query,
                        List.of("get network/can-reach (query.trimtab.dev) in namespace prod")),
                new Case(
                        "an IP may be any pod: cluster-wide",
                        "GET",
                        "/network/can-reach",
                        Map.of("from", List.of("10.0.0.1"), "to", List.of("prod/db")),
                        Surface.Query,
                        List.of("get network/can-reach (query.trimtab.dev) cluster-wide")),
                new Case(
                        "matrix per namespace",
                        "GET",
                        "/network/matrix",
                        Map.of("namespace", List.of("a", "b")),
                        Surface.Query,
                        List.of(
                                "get network/matrix (query.trimtab.dev) in namespace a",
                                "get network/matrix (query.trimtab.dev) in namespace b")),
                new Case(
                        "matrix over too many namespaces is cluster-wide",
                        "GET",
                        "/network/matrix",
                        Map.of("namespace", List.of("a", "b", "c", "d", "e", "f", "g", "h", "i")),
                        Surface.Query,
                        List.of("get network/matrix (query.trimtab.dev) cluster-wide")),
                new Case(
                        "extender: create",
                        "POST",
                        "/placement/extender/filter",
                        Map.of(),
                        Surface.Extender,
                        List.of("create placement/filter (query.trimtab.dev) cluster-wide")),
                new Case(
                        "Prometheus remote write: create metrics/prometheus-remote-write",
                        "POST",
                        "/api/v1/write",
                        Map.of(),
                        Surface.Ingest,
                        List.of("create metrics/prometheus-remote-write (query.trimtab.dev) cluster-wide")),
                new Case(
                        "anything else: its own non-resource URL",
                        "DELETE",
                        "/q/dev",
                        Map.of(),
                        Surface.Other,
                        List.of("delete on non-resource URL /q/dev")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void routes(Case c) {
        Route r = new Routes(true).route(c.method(), c.path(), c.query());
        assertThat(r.surface()).isEqualTo(c.surface());
        assertThat(r.permissions()).extracting(Permission::describe).containsExactlyElementsOf(c.permissions());
    }

    @Test
    void unprotectedMetricsAreOpen() {
        assertThat(new Routes(false).route("GET", "/q/metrics", Map.of()).surface())
                .isEqualTo(Surface.Health);
    }
}

package dev.trimtab.auth.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class AccessGateTest {
    static final String AUDIENCE = "serving.knative.dev/service/trimtab/trimtab-autoscaler-push";
    static final String SOURCE =
            "system:serviceaccount:trimtab:trimtab-autoscaler-oidc-sources.knative.dev-kafkasource";
    static final Instant T0 = Instant.parse("2026-12-06T08:00:00Z");
    static final AuthPolicy.CacheTtls TTLS = new AuthPolicy.CacheTtls(
            Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), 100);
    static final AuthPolicy POLICY = new AuthPolicy(true, AUDIENCE, Set.of(SOURCE), true, false, TTLS);
    static final Routes ROUTES = new Routes(true);

    static FakeApiServer api() {
        return new FakeApiServer()
                .token("source-token", UserInfo.of(SOURCE, "system:serviceaccounts"), AUDIENCE)
                .token("source-api-token", UserInfo.of(SOURCE, "system:serviceaccounts"), "api")
                .token("mallory-push-token", UserInfo.of("system:serviceaccount:shop:mallory"), AUDIENCE)
                .token("alice-token", UserInfo.of("alice", "dev"), "api")
                .token("bob-token", UserInfo.of("bob"), "api")
                .token("prom-token", UserInfo.of("system:serviceaccount:monitoring:prometheus"), "api")
                .grant("alice", Permission.resource("get", Routes.GROUP, "rbac", "can-i", "shop"))
                .grant("bob", Permission.resource("get", Routes.GROUP, "network", "matrix", ""))
                .grant("system:serviceaccount:monitoring:prometheus", Permission.nonResource("get", "/metrics"));
    }

    record Case(
            String name,
            String method,
            String path,
            Map<String, List<String>> query,
            String header,
            boolean tls,
            Decision.Reason want,
            String messageHas) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case c(
            String name,
            String method,
            String path,
            Map<String, List<String>> query,
            String header,
            Decision.Reason want,
            String messageHas) {
        return new Case(name, method, path, query, header, false, want, messageHas);
    }

    static Stream<Case> cases() {
        Map<String, List<String>> none = Map.of();
        Map<String, List<String>> shop = Map.of("namespace", List.of("shop"));
        return Stream.of(
                c("health needs nothing", "GET", "/q/health/live", none, null, Decision.Reason.Open, ""),
                c(
                        "push without a token",
                        "POST",
                        "/",
                        none,
                        null,
                        Decision.Reason.NoToken,
                        "bound to audience \"" + AUDIENCE + "\""),
                c(
                        "push with a Basic header",
                        "POST",
                        "/",
                        none,
                        "Basic YWxpY2U6cHc=",
                        Decision.Reason.NoToken,
                        "is not \"Bearer <token>\""),
                c(
                        "push with an unknown token",
                        "POST",
                        "/",
                        none,
                        "Bearer forged",
                        Decision.Reason.InvalidToken,
                        "invalid bearer token"),
                c(
                        "push with the source's token for the API server's audience",
                        "POST",
                        "/",
                        none,
                        "Bearer source-api-token",
                        Decision.Reason.InvalidToken,
                        "for audience \"" + AUDIENCE + "\""),
                c(
                        "push by another identity with the right audience",
                        "POST",
                        "/",
                        none,
                        "Bearer mallory-push-token",
                        Decision.Reason.Forbidden,
                        "\"system:serviceaccount:shop:mallory\" may not push events"),
                c("push by the KafkaSource", "POST", "/", none, "Bearer source-token", Decision.Reason.Allowed, ""),
                c("scheme is case-insensitive", "POST", "/", none, "bearer source-token", Decision.Reason.Allowed, ""),
                c(
                        "query without a token",
                        "GET",
                        "/rbac/can-i",
                        shop,
                        null,
                        Decision.Reason.NoToken,
                        "kubectl create token"),
                c(
                        "query allowed in the namespace granted",
                        "GET",
                        "/rbac/can-i",
                        shop,
                        "Bearer alice-token",
                        Decision.Reason.Allowed,
                        ""),
                c(
                        "query denied cluster-wide when granted in one namespace",
                        "GET",
                        "/rbac/can-i",
                        none,
                        "Bearer alice-token",
                        Decision.Reason.Forbidden,
                        "user \"alice\" (groups dev) may not get rbac/can-i (query.trimtab.dev) cluster-wide; "
                                + "ClusterRole trimtab:rbac-reader grants it (check: kubectl auth can-i get "
                                + "rbac.query.trimtab.dev --subresource=can-i --all-namespaces --as=alice)"),
                c(
                        "the source's push token is no key to queries",
                        "GET",
                        "/rbac/escalations",
                        none,
                        "Bearer source-token",
                        Decision.Reason.InvalidToken,
                        "did not accept"),
                c(
                        "a cluster-wide grant covers a namespace",
                        "GET",
                        "/network/matrix",
                        shop,
                        "Bearer bob-token",
                        Decision.Reason.Allowed,
                        ""),
                c(
                        "metrics need get /metrics",
                        "GET",
                        "/q/metrics",
                        none,
                        "Bearer alice-token",
                        Decision.Reason.Forbidden,
                        "may not get on non-resource URL /metrics"),
                c(
                        "prometheus reads metrics",
                        "GET",
                        "/q/metrics",
                        none,
                        "Bearer prom-token",
                        Decision.Reason.Allowed,
                        ""),
                c(
                        "admission over plain HTTP",
                        "POST",
                        "/admission/validate",
                        none,
                        null,
                        Decision.Reason.TlsRequired,
                        "over TLS only"),
                new Case(
                        "admission over TLS, no token",
                        "POST",
                        "/admission/validate",
                        none,
                        null,
                        true,
                        Decision.Reason.Open,
                        ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(Case c) {
        FakeApiServer api = api();
        AccessGate gate = new AccessGate(POLICY, api, api);
        Decision d = gate.decide(ROUTES.route(c.method(), c.path(), c.query()), c.header(), c.tls(), T0);
        assertThat(d.reason()).as(d.message()).isEqualTo(c.want());
        assertThat(d.message()).contains(c.messageHas());
        assertThat(d.challenge()).isEqualTo(d.status() == 401);
    }

    @Test
    void aSecondRequestIsAnsweredFromTheCacheUntilTheTtlEnds() {
        FakeApiServer api = api();
        AccessGate gate = new AccessGate(POLICY, api, api);
        Route r = ROUTES.route("GET", "/rbac/can-i", Map.of("namespace", List.of("shop")));
        assertThat(gate.decide(r, "Bearer alice-token", false, T0).passes()).isTrue();
        assertThat(api.calls).containsExactly("TokenReview", "SubjectAccessReview");
        assertThat(gate.decide(r, "Bearer alice-token", false, T0.plusSeconds(9))
                        .passes())
                .isTrue();
        assertThat(api.calls).as("cached").hasSize(2);

        api.grants.clear(); // the binding is removed: honoured once the allowed answer expires
        assertThat(gate.decide(r, "Bearer alice-token", false, T0.plusSeconds(10))
                        .reason())
                .isEqualTo(Decision.Reason.Forbidden);
        assertThat(api.calls)
                .containsExactly("TokenReview", "SubjectAccessReview", "TokenReview", "SubjectAccessReview");
    }

    @Test
    void rejectedTokensAndDenialsAreKeptShorter() {
        FakeApiServer api = api();
        AccessGate gate = new AccessGate(POLICY, api, api);
        Route r = ROUTES.route("GET", "/rbac/escalations", Map.of());
        gate.decide(r, "Bearer nobody", false, T0);
        gate.decide(r, "Bearer nobody", false, T0.plusSeconds(4));
        assertThat(api.calls).hasSize(1);
        api.token("nobody", UserInfo.of("carol"), "api");
        assertThat(gate.decide(r, "Bearer nobody", false, T0.plusSeconds(5)).reason())
                .isEqualTo(Decision.Reason.Forbidden);
        assertThat(api.calls).hasSize(3);
    }

    @Test
    void anUnreachableApiServerRefusesAndIsNotCached() {
        FakeApiServer api = api();
        AccessGate gate = new AccessGate(POLICY, api, api);
        api.down = true;
        Route push = ROUTES.route("POST", "/", Map.of());
        Decision d = gate.decide(push, "Bearer source-token", false, T0);
        assertThat(d.status()).isEqualTo(503);
        assertThat(d.message()).contains("TokenReview", "connection refused", "refused");
        api.down = false;
        assertThat(gate.decide(push, "Bearer source-token", false, T0).passes())
                .as("the error was not cached")
                .isTrue();

        Route query = ROUTES.route("GET", "/rbac/can-i", Map.of("namespace", List.of("shop")));
        gate.decide(query, "Bearer alice-token", false, T0); // token cached, SAR cached
        api.down = true;
        assertThat(gate.decide(query, "Bearer alice-token", false, T0.plusSeconds(11))
                        .status())
                .isEqualTo(503);
    }

    @Test
    void aVerifiedClientCertificateAuthenticatesEverywhereButPush() {
        FakeApiServer api = api().grant(
                        "system:kube-scheduler",
                        Permission.resource("create", Routes.GROUP, "placement", "filter", ""));
        AccessGate gate = new AccessGate(POLICY, api, api);
        UserInfo scheduler = UserInfo.of("system:kube-scheduler", "system:authenticated");
        assertThat(gate.decide(ROUTES.route("POST", "/placement/extender/filter", Map.of()), null, true, scheduler, T0)
                        .reason())
                .isEqualTo(Decision.Reason.Allowed);
        assertThat(api.calls).containsExactly("SubjectAccessReview");
        Decision other = gate.decide(ROUTES.route("GET", "/rbac/escalations", Map.of()), null, true, scheduler, T0);
        assertThat(other.reason()).isEqualTo(Decision.Reason.Forbidden);
        assertThat(other.message())
                .contains("\"system:kube-scheduler\" (groups system:authenticated) may not get rbac/escalations");
        assertThat(gate.decide(ROUTES.route("POST", "/", Map.of()), null, true, scheduler, T0)
                        .reason())
                .as("push wants its audience-bound token")
                .isEqualTo(Decision.Reason.NoToken);
    }

    @Test
    void tokensAreCachedOnlyAsTheirHash() {
        assertThat(AccessGate.sha256("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void disabledAuthLetsEverythingButPlainHttpAdmissionThrough() {
        FakeApiServer api = api();
        AccessGate gate = new AccessGate(new AuthPolicy(false, "", Set.of(), true, false, TTLS), api, api);
        assertThat(gate.decide(ROUTES.route("POST", "/", Map.of()), null, false, T0)
                        .reason())
                .isEqualTo(Decision.Reason.AuthDisabled);
        assertThat(gate.decide(ROUTES.route("POST", "/admission/validate", Map.of()), null, false, T0)
                        .status())
                .isEqualTo(403);
        assertThat(api.calls).isEmpty();
    }

    @Test
    void bearerTokensAreReadAsRfc6750Says() {
        assertThat(AccessGate.bearer("Bearer abc.DEF-_~+/==")).isEqualTo("abc.DEF-_~+/==");
        assertThat(AccessGate.bearer("BEARER  x ")).isEqualTo("x");
        assertThat(AccessGate.bearer("Bearer ")).isNull();
        assertThat(AccessGate.bearer("Bearer a b")).isNull();
        assertThat(AccessGate.bearer("Bearerabc")).isNull();
        assertThat(AccessGate.bearer(null)).isNull();
    }

    @Test
    void settingsThatCannotWorkAreNamed() {
        AuthPolicy bad = new AuthPolicy(
                true,
                " ",
                Set.of(),
                true,
                false,
                new AuthPolicy.CacheTtls(
                        Duration.ofSeconds(-1), Duration.ofSeconds(5), Duration.ofHours(1), Duration.ZERO, -1));
        assertThat(bad.problems())
                .containsExactly(
                        "trimtab.auth.push.audience: required when trimtab.auth.enabled=true (the audience the KafkaSource's "
                                + "tokens are bound to, e.g. serving.knative.dev/service/trimtab/trimtab-autoscaler-push)",
                        "trimtab.auth.push.allowed-subjects: required when trimtab.auth.enabled=true (e.g. "
                                + "system:serviceaccount:trimtab:trimtab-autoscaler-oidc-sources.knative.dev-kafkasource)",
                        "trimtab.auth.cache.authenticated-ttl: PT-1S, must be in [0s; 5m] (0s: not cached)",
                        "trimtab.auth.cache.allowed-ttl: PT1H, must be in [0s; 5m] (0s: not cached)",
                        "trimtab.auth.cache.max-entries: -1, must be at least 0");
        assertThat(POLICY.problems()).isEmpty();
    }
}

package dev.trimtab.auth.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.network.live.LiveNetwork;
import dev.trimtab.testing.ApiServerReviews;
import dev.trimtab.testing.AuthOn;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.OtlpBodies;
import dev.trimtab.testing.RemoteWriteBodies;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The query surfaces, metrics and admission over real HTTP with authentication on: tokens and
 * permissions answered by a stateful fake of the API server's TokenReview and SubjectAccessReview
 * on the mock API server ({@link ApiServerReviews}).
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(AuthOn.class)
class HttpAccessTest {
    static final List<String> USERS = List.of("system:authenticated");

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    LiveNetwork network;

    ApiServerReviews api;

    @BeforeEach
    void reviews() {
        api = ApiServerReviews.on(server)
                .reset()
                .token("alice-token", "alice", USERS)
                .token("bob-token", "bob", USERS)
                .token("prom-token", "system:serviceaccount:monitoring:prometheus", USERS)
                .token("scheduler-token", "system:kube-scheduler", USERS)
                .token("collector-token", "system:serviceaccount:observability:otel-collector", USERS)
                .token("alertmanager-token", "system:serviceaccount:monitoring:alertmanager-main", USERS)
                .grant("alice", "get", "rbac", "can-i", "shop")
                .grant("alice", "get", "rbac", "escalations", "")
                .grant("bob", "get", "network", "matrix", "")
                .grant("system:kube-scheduler", "create", "placement", "filter", "")
                .grant(
                        "system:serviceaccount:monitoring:prometheus",
                        "create",
                        "metrics",
                        "prometheus-remote-write",
                        "")
                .grant("system:serviceaccount:observability:otel-collector", "create", "metrics", "otlp", "")
                .grant("system:serviceaccount:monitoring:alertmanager-main", "create", "metrics", "alertmanager", "")
                .grantNonResource("system:serviceaccount:monitoring:prometheus", "get", "/metrics")
                .grantNonResource("bob", "get", "/q/openapi");
    }

    /** /q/openapi: signed in and allowed get on its URL, as the API server's /openapi/v2. */
    @Test
    void theOpenApiDescriptionNeedsASignedInCallerAllowedToGetIt() {
        given().get("/q/openapi").then().statusCode(401);
        given().auth()
                .oauth2("alice-token")
                .get("/q/openapi")
                .then()
                .statusCode(403)
                .body(containsString("may not get on non-resource URL /q/openapi"));
        given().auth()
                .oauth2("bob-token")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body(containsString("/rbac/can-i"));
    }

    @Test
    void aQueryWithoutATokenIs401WithABearerChallenge() {
        given().get("/rbac/escalations")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body(containsString("no bearer token"));
        given().auth()
                .oauth2("forged")
                .get("/rbac/escalations")
                .then()
                .statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body(containsString("did not accept the bearer token: invalid bearer token"));
    }

    @Test
    void aQueryNeedsItsPermissionAndANamespacedGrantCoversItsNamespaceOnly() {
        given().auth()
                .oauth2("bob-token")
                .get("/rbac/escalations")
                .then()
                .statusCode(403)
                .body(containsString("user \"bob\" (groups system:authenticated) may not get rbac/escalations "
                        + "(query.trimtab.dev) cluster-wide; ClusterRole trimtab:rbac-reader grants it"));
        given().auth().oauth2("alice-token").get("/rbac/escalations").then().statusCode(200);

        given().auth()
                .oauth2("alice-token")
                .queryParam("as", "carol")
                .queryParam("verb", "get")
                .queryParam("target", "secrets")
                .queryParam("namespace", "shop")
                .get("/rbac/can-i")
                .then()
                .statusCode(200)
                .body("allowed", equalTo(false));
        given().auth()
                .oauth2("alice-token")
                .queryParam("as", "carol")
                .queryParam("verb", "get")
                .queryParam("target", "secrets")
                .queryParam("namespace", "prod")
                .get("/rbac/can-i")
                .then()
                .statusCode(403)
                .body(
                        containsString("may not get rbac/can-i (query.trimtab.dev) in namespace prod"),
                        containsString(
                                "kubectl auth can-i get rbac.query.trimtab.dev --subresource=can-i -n prod --as=alice"));
    }

    @Test
    void aMatrixOverTheBoundIsRefusedNamingTheLimit() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            client.pods().inNamespace("big").resource(pod("big", name)).create();
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> network.model().pods().stream()
                                .filter(p -> p.namespace().equals("big"))
                                .count()
                        == 3);
        given().auth()
                .oauth2("bob-token")
                .queryParam("port", "80")
                .queryParam("namespace", "big")
                .get("/network/matrix")
                .then()
                .statusCode(422)
                .body(containsString("namespace: the matrix of the 3 pods selected would be 9 pairs, more than "
                        + "trimtab.limits.network.matrix-max-pairs=4"));
        client.pods().inNamespace("small").resource(pod("small", "x")).create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> network.model().pods().stream()
                        .anyMatch(p -> p.namespace().equals("small")));
        given().auth()
                .oauth2("bob-token")
                .queryParam("port", "80")
                .queryParam("namespace", "small")
                .get("/network/matrix")
                .then()
                .statusCode(200)
                .body("size()", equalTo(1));
    }

    @Test
    void anOversizedBodyIs413BeforeAnythingElse() {
        given().auth()
                .oauth2("bob-token")
                .contentType("application/json")
                .body("x".repeat(2048))
                .post("/network/matrix")
                .then()
                .statusCode(413)
                .body(containsString("request body of 2048 bytes is more than the 1024 bytes allowed here "
                        + "(trimtab.limits.query.max-body-size=1024)"));
        assertThat(api.tokenReviews.get()).as("refused before any review").isZero();
    }

    @Test
    void theSecondRequestIsAnsweredFromTheCache() {
        // a token no other test used: its answers are not in the cache yet
        api.token("erin-token", "erin", USERS).grant("erin", "get", "rbac", "escalations", "");
        given().auth().oauth2("erin-token").get("/rbac/escalations").then().statusCode(200);
        int tokens = api.tokenReviews.get();
        int access = api.accessReviews.get();
        assertThat(tokens).isEqualTo(1);
        assertThat(access).isEqualTo(1);
        given().auth().oauth2("erin-token").get("/rbac/escalations").then().statusCode(200);
        assertThat(api.tokenReviews.get()).isEqualTo(tokens);
        assertThat(api.accessReviews.get()).isEqualTo(access);
    }

    @Test
    void anUnreachableReviewApiIs503NeverAllowed() {
        api.token("fresh-token", "dave", USERS).grant("dave", "get", "rbac", "escalations", "");
        api.down = true;
        given().auth()
                .oauth2("fresh-token")
                .get("/rbac/escalations")
                .then()
                .statusCode(503)
                .body(containsString("cannot check the bearer token (TokenReview)"), containsString("refused"));
        api.down = false;
        given().auth().oauth2("fresh-token").get("/rbac/escalations").then().statusCode(200);
    }

    @Test
    void metricsLikeKubeComponentsAndHealthOpen() {
        given().get("/q/metrics").then().statusCode(401);
        given().auth()
                .oauth2("alice-token")
                .get("/q/metrics")
                .then()
                .statusCode(403)
                .body(containsString("may not get on non-resource URL /metrics"));
        given().auth()
                .oauth2("prom-token")
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .body(containsString("trimtab_auth_decisions_total"));
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void theExtenderNeedsItsPermission() {
        String args = "{\"pod\":{\"metadata\":{\"name\":\"p\",\"namespace\":\"place\"},\"spec\":{\"containers\":"
                + "[{\"name\":\"c\"}]}},\"nodenames\":[\"n1\"]}";
        given().auth()
                .oauth2("alice-token")
                .contentType("application/json")
                .body(args)
                .post("/placement/extender/filter")
                .then()
                .statusCode(403)
                .body(containsString("may not create placement/filter (query.trimtab.dev) cluster-wide; "
                        + "ClusterRole trimtab:scheduler-extender grants it"));
        given().auth()
                .oauth2("scheduler-token")
                .contentType("application/json")
                .body(args)
                .post("/placement/extender/filter")
                .then()
                .statusCode(200);
    }

    @Test
    void remoteWriteNeedsItsPermission() {
        byte[] body = RemoteWriteBodies.snappy(List.of(RemoteWriteBodies.TimeSeries.of(
                "up", Map.of("job", "nobody-reads-this"), 1, System.currentTimeMillis())));
        given().header("Content-Encoding", "snappy")
                .contentType("application/x-protobuf")
                .body(body)
                .post("/api/v1/write")
                .then()
                .statusCode(401)
                .body(containsString("no bearer token"));
        given().auth()
                .oauth2("alice-token")
                .header("Content-Encoding", "snappy")
                .contentType("application/x-protobuf")
                .body(body)
                .post("/api/v1/write")
                .then()
                .statusCode(403)
                .body(containsString("may not create metrics/prometheus-remote-write (query.trimtab.dev) cluster-wide; "
                        + "ClusterRole trimtab:metric-writer grants it"));
        given().auth()
                .oauth2("prom-token")
                .header("Content-Encoding", "snappy")
                .contentType("application/x-protobuf")
                .body(body)
                .post("/api/v1/write")
                .then()
                .statusCode(204);
    }

    @Test
    void otlpNeedsItsOwnPermission() {
        byte[] body = OtlpBodies.protobuf(List.of(OtlpBodies.gauge(
                OtlpBodies.resource(Map.of()), "nobody.reads.this", Map.of(), 1, System.currentTimeMillis())));
        given().contentType("application/x-protobuf")
                .body(body)
                .post("/v1/metrics")
                .then()
                .statusCode(401);
        // remote write's grant is not OTLP's
        given().auth()
                .oauth2("prom-token")
                .contentType("application/x-protobuf")
                .body(body)
                .post("/v1/metrics")
                .then()
                .statusCode(403)
                .body(containsString("may not create metrics/otlp (query.trimtab.dev) cluster-wide; "
                        + "ClusterRole trimtab:metric-writer grants it"));
        given().auth()
                .oauth2("collector-token")
                .contentType("application/x-protobuf")
                .body(body)
                .post("/v1/metrics")
                .then()
                .statusCode(200);
    }

    @Test
    void alertmanagersWebhookNeedsItsOwnPermission() {
        String body =
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"alertname\":\"NobodyReadsThis\"}}]}";
        given().contentType("application/json")
                .body(body)
                .post("/alertmanager/webhook")
                .then()
                .statusCode(401);
        // the other receivers' grants are not Alertmanager's
        given().auth()
                .oauth2("collector-token")
                .contentType("application/json")
                .body(body)
                .post("/alertmanager/webhook")
                .then()
                .statusCode(403)
                .body(containsString("may not create metrics/alertmanager (query.trimtab.dev) "
                        + "cluster-wide; ClusterRole trimtab:metric-writer grants it"));
        given().auth()
                .oauth2("alertmanager-token")
                .contentType("application/json")
                .body(body)
                .post("/alertmanager/webhook")
                .then()
                .statusCode(200)
                .body(containsString("1 alerts taken"));
    }

    @Test
    void admissionOverPlainHttpIsRefused() {
        given().contentType("application/json")
                .body("{}")
                .post("/admission/validate")
                .then()
                .statusCode(403)
                .body(containsString("admission reviews are accepted over TLS only"));
    }

    static Pod pod(String ns, String name) throws Exception {
        return CloudEventCodec.JSON.readValue(
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                        + "\",\"namespace\":\"" + ns + "\",\"labels\":{\"app\":\"" + name
                        + "\"}},\"spec\":{\"containers\":"
                        + "[{\"name\":\"c\",\"image\":\"i\"}]},\"status\":{\"podIP\":\"10.9." + ns.length() + "."
                        + (name.charAt(0) % 200)
                        + "\"}}",
                Pod.class);
    }
}

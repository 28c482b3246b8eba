package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.ApiServerReviews;
import dev.trimtab.testing.AuthOn;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The forged-event attack on push mode, end to end over HTTP with authentication on: events that
 * would scale kube-system/coredns to zero (its Deployment, a ScalingPolicy with minReplicas 0 on an
 * External metric, the metric at 0) are refused unless they come from the KafkaSource's
 * audience-bound identity, and nothing of them is applied; the KafkaSource itself still scales.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(AuthOn.class)
class ForgedPushTest extends LiveFixture {
    static final String AUDIENCE = "serving.knative.dev/service/trimtab/trimtab-autoscaler-push";
    static final String SOURCE =
            "system:serviceaccount:trimtab:trimtab-autoscaler-oidc-sources.knative.dev-kafkasource";
    static final List<String> SERVICE_ACCOUNTS = List.of("system:serviceaccounts", "system:authenticated");

    @KubernetesTestServer
    KubernetesServer server;

    ApiServerReviews api;

    @BeforeEach
    void identities() {
        api = ApiServerReviews.on(server)
                .reset()
                // the KafkaSource's OIDC token, bound to the push service's audience
                .token("source-token", SOURCE, SERVICE_ACCOUNTS, AUDIENCE)
                // the same ServiceAccount's ordinary token: for the API server, not for Trimtab
                .token("source-api-token", SOURCE, SERVICE_ACCOUNTS)
                // another workload that obtained a token for the right audience
                .token("mallory-token", "system:serviceaccount:shop:mallory", SERVICE_ACCOUNTS, AUDIENCE)
                // a cluster admin is no push identity either
                .token("admin-token", "kubernetes-admin", List.of("system:masters"));
    }

    @Test
    void forgedEventsAreRefusedAndNothingIsApplied() throws Exception {
        Deployment coredns = client.apps()
                .deployments()
                .inNamespace("kube-system")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("coredns")
                        .withNamespace("kube-system")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(2)
                        .withNewSelector()
                        .addToMatchLabels("k8s-app", "kube-dns")
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .addToLabels("k8s-app", "kube-dns")
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("coredns")
                        .withImage("coredns")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        Instant now = Instant.now();
        List<String> forged = List.of(
                event(ADD, now, CloudEventCodec.JSON.writeValueAsString(coredns)),
                event(
                        ADD,
                        now,
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":"
                                + "{\"name\":\"coredns\",\"namespace\":\"kube-system\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"coredns\"},\"minReplicas\":0,\"maxReplicas\":2,"
                                + "\"metrics\":[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"forged\"},\"target\":"
                                + "{\"type\":\"Value\",\"value\":\"1\"}}}]}}"),
                event(
                        "dev.trimtab.metrics",
                        now,
                        "{\"apiVersion\":\"external.metrics.k8s.io/v1beta1\",\"kind\":"
                                + "\"ExternalMetricValue\",\"metricName\":\"forged\",\"timestamp\":\"" + now
                                + "\",\"value\":\"0\"}"));

        for (String e : forged) {
            push(given(), e)
                    .then()
                    .statusCode(401)
                    .header("WWW-Authenticate", containsString("Bearer"))
                    .body(containsString("no bearer token"));
            push(given().auth().oauth2("not-a-token"), e)
                    .then()
                    .statusCode(401)
                    .body(containsString("did not accept the bearer token for audience \"" + AUDIENCE + "\""));
            push(given().auth().oauth2("source-api-token"), e)
                    .then()
                    .statusCode(401)
                    .body(containsString("is invalid for the target audiences [" + AUDIENCE + "]"));
            push(given().auth().oauth2("admin-token"), e).then().statusCode(401);
            push(given().auth().oauth2("mallory-token"), e)
                    .then()
                    .statusCode(403)
                    .body(
                            containsString("user \"system:serviceaccount:shop:mallory\""),
                            containsString("may not push events to the autoscaler: only " + SOURCE + " may"));
        }

        // a real event after the forged ones, through the same path: once it is decided, the forged
        // ones would have been too
        workload("shop", "after-forgery");
        push(given().auth().oauth2("source-token"), cpu("shop", "after-forgery", 450))
                .then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas("shop", "after-forgery") == 4);

        assertThat(replicas("kube-system", "coredns"))
                .as("the target's replicas in the API")
                .isEqualTo(2);
        assertThat(engine.knows(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "kube-system", "coredns")))
                .as("the forged ScalingPolicy was never taken")
                .isFalse();
        assertThat(readAll("trimtab.decisions", Duration.ofSeconds(3), l -> false))
                .as("no decision about kube-system/coredns")
                .noneMatch(r -> "kube-system/coredns".equals(r.key())
                        || new String(r.value(), StandardCharsets.UTF_8).contains("coredns"));
    }

    @Test
    void theKafkaSourcesIdentityScales() throws Exception {
        workload("shop", "pushed");
        push(given().auth().oauth2("source-token"), cpu("shop", "pushed", 450))
                .then()
                .statusCode(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> replicas("shop", "pushed") == 4);
    }

    @Test
    void anOversizedEventIs413AndNotRead() {
        push(given().auth().oauth2("source-token"), "{\"pad\":\"" + "x".repeat(70_000) + "\"}")
                .then()
                .statusCode(413)
                .body(containsString("trimtab.limits.push.max-body-size=65536"));
    }

    private static Response push(RequestSpecification r, String structuredEvent) {
        return r.contentType("application/cloudevents+json")
                .body(structuredEvent)
                .when()
                .post("/");
    }
}

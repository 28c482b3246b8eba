package dev.trimtab.network.live;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.WatchedCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Reachability over HTTP, answered from the Pods and NetworkPolicies watched in the (mock) cluster. */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(WatchedCluster.class)
class NetworkEndpointTest {
    @Inject
    KubernetesClient client;

    @Inject
    LiveNetwork network;

    static Pod pod(String ns, String name, String app, String ip) throws Exception {
        return CloudEventCodec.JSON.readValue(
                "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                        + "\",\"namespace\":\"" + ns + "\",\"labels\":{\"app\":\"" + app
                        + "\"}},\"spec\":{\"containers\":[{\"name\":"
                        + "\"c\",\"image\":\"i\",\"ports\":[{\"name\":\"pg\",\"containerPort\":5432}]}]},\"status\":{\"podIP\":\""
                        + ip + "\"}}",
                Pod.class);
    }

    @Test
    void canReachAndTheMatrixFollowTheClusterPolicies() throws Exception {
        client.pods()
                .inNamespace("prod")
                .resource(pod("prod", "db", "db", "10.0.0.5"))
                .create();
        client.pods()
                .inNamespace("prod")
                .resource(pod("prod", "api", "api", "10.0.0.6"))
                .create();
        client.pods()
                .inNamespace("dev")
                .resource(pod("dev", "tool", "tool", "10.0.1.7"))
                .create();
        client.network()
                .v1()
                .networkPolicies()
                .inNamespace("prod")
                .resource(CloudEventCodec.JSON.readValue("""
                {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"db-from-api","namespace":"prod"},
                 "spec":{"podSelector":{"matchLabels":{"app":"db"}},
                         "ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"api"}}}],"ports":[{"port":"pg"}]}]}}
                """, NetworkPolicy.class))
                .create();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> network.model().pods().size() == 3
                        && network.model().policies().size() == 1);

        given().queryParam("from", "prod/api")
                .queryParam("to", "prod/db")
                .queryParam("port", "5432")
                .get("/network/can-reach")
                .then()
                .statusCode(200)
                .body("reachable", equalTo(true))
                .body("ingress.allowedBy[0].policy", equalTo("prod/db-from-api"));
        given().queryParam("from", "dev/tool")
                .queryParam("to", "prod/db")
                .queryParam("port", "5432/TCP")
                .get("/network/can-reach")
                .then()
                .statusCode(200)
                .body("reachable", equalTo(false))
                .body("ingress.reason", equalTo("NoRuleAllows"));
        given().queryParam("port", "5432")
                .queryParam("namespace", "prod")
                .get("/network/matrix")
                .then()
                .statusCode(200)
                .body("size()", equalTo(4));
        given().queryParam("from", "prod/api")
                .queryParam("to", "prod/nope")
                .queryParam("port", "80")
                .get("/network/can-reach")
                .then()
                .statusCode(400)
                .body(containsString("prod/nope"));
    }
}

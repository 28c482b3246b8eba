package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.restassured.path.json.JsonPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cluster's policies cannot be listed at first (403, as while RBAC is not granted yet): the
 * app still starts, the readiness check of the {@code admission} group is DOWN naming the kind and
 * its last error, reviews get 503 (the webhook's failurePolicy decides), and the list is retried
 * with backoff until it succeeds; then the policy that was there all along is in force and the
 * check is UP.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@TestProfile(ClusterPolicyWatchTest.Watching.class)
@QuarkusTestResource(EmbeddedKafka.class)
class ClusterPolicyWatchTest {
    static final int FAILURES = 5;
    static final String LIST = "/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies";

    public static class Watching implements QuarkusTestProfile, MockKubernetes.Setup {
        @Override
        public void prepare(KubernetesServer server) {
            new ListFailsFirst().accept(server);
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trimtab.test.await-policies",
                    "false",
                    "trimtab.policy.watch-backoff.initial",
                    "400ms",
                    "trimtab.policy.watch-backoff.max",
                    "1s");
        }
    }

    public static class ListFailsFirst implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            // the informer's first list; expectations answer before the CRUD store does
            server.expect()
                    .get()
                    .withPath(LIST + "?resourceVersion=0")
                    .andReturn(
                            403,
                            Map.of(
                                    "apiVersion",
                                    "v1",
                                    "kind",
                                    "Status",
                                    "status",
                                    "Failure",
                                    "reason",
                                    "Forbidden",
                                    "code",
                                    403,
                                    "message",
                                    "validatingadmissionpolicies.admissionregistration.k8s.io is forbidden"))
                    .times(FAILURES);
            try {
                server.getClient()
                        .genericKubernetesResources("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy")
                        .resource(PolicyDirectory.YAML.readValue(
                                ClusterPoliciesTest.POLICY.replace("EXPR", "object.spec.replicas <= 2"),
                                GenericKubernetesResource.class))
                        .create();
                server.getClient()
                        .genericKubernetesResources(
                                "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding")
                        .resource(PolicyDirectory.YAML.readValue("""
                        apiVersion: admissionregistration.k8s.io/v1
                        kind: ValidatingAdmissionPolicyBinding
                        metadata: {name: cluster-max-two}
                        spec: {policyName: cluster-max-two, validationActions: [Deny]}
                        """, GenericKubernetesResource.class))
                        .create();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static JsonPath readiness() {
        return given().get("/q/health/group/admission").then().extract().jsonPath();
    }

    static String ours(JsonPath health, String field) {
        return health.getString("checks.find { it.name == '" + PolicyHealth.NAME + "' }." + field);
    }

    @Test
    void aFailedListIsRetriedUntilThePoliciesAreInForce() throws Exception {
        String review = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"))
                .get(2);
        JsonPath down = readiness();
        assertThat(ours(down, "status")).isEqualTo("DOWN");
        assertThat(ours(down, "data.ValidatingAdmissionPolicy")).matches("starting|not synced, \\d+ failed attempts?");
        given().contentType("application/json")
                .body(review)
                .post("/admission/validate")
                .then()
                .statusCode(503);

        await().atMost(Duration.ofSeconds(5))
                .until(() -> ours(readiness(), "data.'ValidatingAdmissionPolicy.lastError'") != null);
        assertThat(ours(readiness(), "data.'ValidatingAdmissionPolicy.lastError'"))
                .contains("Forbidden");

        await().atMost(Duration.ofSeconds(30)).until(() -> "UP".equals(ours(readiness(), "status")));
        JsonPath up = readiness();
        assertThat(ours(up, "data.ValidatingAdmissionPolicy")).isEqualTo("synced");
        assertThat(ours(up, "data.'ValidatingAdmissionPolicy.lastError'")).isNull();
        assertThat(given().contentType("application/json")
                        .body(review)
                        .post("/admission/validate")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asString())
                .contains("at most two, from the cluster");
    }
}

package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The readiness of the webhook pods, {@code /q/health/group/admission}, holds the admission check
 * and none of the Kafka or Kubernetes API checks, which stay on {@code /q/health/ready}.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class AdmissionHealthGroupTest {
    @Test
    void theAdmissionGroupAsksNeitherKafkaNorTheApiServer() {
        given().when()
                .get("/q/health/group/admission")
                .then()
                .statusCode(200)
                .body(
                        containsString("admission-webhook"),
                        containsString("validatingPolicies"),
                        not(containsString("Kafka")),
                        not(containsString("kubernetes-api")),
                        not(containsString("smallrye-reactive-messaging")));
        given().when()
                .get("/q/health/ready")
                .then()
                .body(containsString("admission-webhook"), containsString("Kafka connection health check"));
    }
}

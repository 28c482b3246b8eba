package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.trimtab.testing.EmbeddedKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The webhook over HTTP answers exactly what {@code policy review} answers for the shipped
 * policies (the expected file is shared), and a malformed review gets a 400 naming the field.
 */
@QuarkusTest
@WithKubernetesTestServer
@QuarkusTestResource(EmbeddedKafka.class)
class AdmissionEndpointTest {
    @Test
    void theWebhookAnswersWhatPolicyReviewAnswers() throws Exception {
        List<String> reviews = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"));
        List<String> expected = Files.readAllLines(Path.of("src/test/resources/admission/reviews.expected.jsonl"));
        for (int i = 0; i < expected.size(); i++) {
            String answer = given().contentType("application/json").body(reviews.get(i))
                    .post("/admission/validate").then().statusCode(200).extract().asString();
            assertThat(answer).as(reviews.get(i)).isEqualTo(expected.get(i));
        }
    }

    @Test
    void aMalformedReviewIsABadRequestNamingTheField() {
        given().contentType("application/json").body("{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                + "\"request\":{\"uid\":\"x\",\"operation\":\"CREATE\",\"resource\":{\"version\":\"v1\",\"resource\":\"pods\"}}}")
                .post("/admission/validate").then().statusCode(400).body(containsString("request.kind: missing"));
        given().contentType("application/json").body("{nope").post("/admission/validate").then().statusCode(400)
                .body(containsString("not JSON"));
    }
}

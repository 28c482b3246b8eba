package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.JsonPatch;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The webhook over HTTP answers exactly what {@code policy review} answers for the shipped
 * policies (the expected file is shared), and a malformed review gets a 400 naming the field.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class AdmissionEndpointTest {
    @Test
    void theWebhookAnswersWhatPolicyReviewAnswers() throws Exception {
        List<String> reviews = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"));
        List<String> expected = Files.readAllLines(Path.of("src/test/resources/admission/reviews.expected.jsonl"));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(bothWebhooks(reviews.get(i))).as(reviews.get(i)).isEqualTo(expected.get(i));
        }
    }

    /**
     * What the API server gets from the mutating and then the validating webhook, in
     * {@code policy review}'s one-line form: the patch is applied before validation.
     */
    @SuppressWarnings("unchecked")
    private static String bothWebhooks(String review) throws Exception {
        ObjectNode mutated = (ObjectNode) AdmissionReviews.JSON.readTree(post("/admission/mutate", review));
        JsonNode m = mutated.get("response");
        if (!m.path("allowed").asBoolean()) {
            return AdmissionReviews.JSON.writeValueAsString(mutated);
        }
        ObjectNode request = (ObjectNode) AdmissionReviews.JSON.readTree(review);
        if (m.has("patch")) {
            Map<String, Object> object = AdmissionReviews.JSON.convertValue(request.at("/request/object"), Map.class);
            object = JsonPatch.apply(
                    object, AdmissionReviews.JSON.readValue(m.get("patch").binaryValue(), List.class));
            ((ObjectNode) request.get("request")).set("object", AdmissionReviews.JSON.valueToTree(object));
        }
        ObjectNode validated = (ObjectNode) AdmissionReviews.JSON.readTree(
                post("/admission/validate", AdmissionReviews.JSON.writeValueAsString(request)));
        if (m.has("patch") && validated.at("/response/allowed").asBoolean()) {
            ((ObjectNode) validated.get("response")).set("patchType", m.get("patchType"));
            ((ObjectNode) validated.get("response")).set("patch", m.get("patch"));
        }
        return AdmissionReviews.JSON.writeValueAsString(validated);
    }

    private static String post(String path, String body) {
        return given().contentType("application/json")
                .body(body)
                .post(path)
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @Test
    void aMalformedReviewIsABadRequestNamingTheField() {
        given().contentType("application/json")
                .body(
                        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\","
                                + "\"request\":{\"uid\":\"x\",\"operation\":\"CREATE\",\"resource\":{\"version\":\"v1\",\"resource\":\"pods\"}}}")
                .post("/admission/validate")
                .then()
                .statusCode(400)
                .body(containsString("request.kind: missing"));
        given().contentType("application/json")
                .body("{nope")
                .post("/admission/validate")
                .then()
                .statusCode(400)
                .body(containsString("not JSON"));
    }
}

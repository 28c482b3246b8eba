package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.policy.PolicyTests;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.JsonPatch;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The admission webhook gives the verdicts the policies' own test cases expect. For each
 * {@code policies/**}{@code /*.test.yaml}, its policies and bindings are applied to the cluster
 * (the function watches them, as in production) with its fixtures; every case is sent as an
 * AdmissionReview to {@code POST /admission/validate}; then they are deleted before the next file,
 * so each file's cases meet only its own policies, as in {@code policy test}.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(WebhookPolicyCasesTest.ClusterOnly.class)
class WebhookPolicyCasesTest {
    public static class ClusterOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("trimtab.policy.directory", "target/no-policies");
        }
    }

    @Inject
    KubernetesClient client;

    @Inject
    LivePolicies policies;

    @Test
    @SuppressWarnings("unchecked")
    void everyPolicyTestCaseGetsItsExpectedAnswerOverHttp() throws Exception {
        List<PolicyTests.TestFile> files = PolicyTests.load(Path.of("policies"));
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (PolicyTests.TestFile t : files) {
            assertThat(t.problems()).as(t.file().toString()).isEmpty();
            List<GenericKubernetesResource> applied = new ArrayList<>();
            for (Path f : t.policyFiles()) {
                try (MappingIterator<GenericKubernetesResource> docs = PolicyDirectory.YAML
                        .readerFor(GenericKubernetesResource.class)
                        .readValues(f.toFile())) {
                    while (docs.hasNext()) {
                        GenericKubernetesResource r = docs.next();
                        if (r.getKind() != null
                                && r.getKind().matches("(Validating|Mutating)AdmissionPolicy(Binding)?")) {
                            applied.add(client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                                    .resource(r)
                                    .create());
                        }
                    }
                }
            }
            for (Map<String, Object> o : t.objects()) {
                GenericKubernetesResource r = AdmissionReviews.JSON.convertValue(o, GenericKubernetesResource.class);
                if (client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                                .resource(r)
                                .get()
                        == null) {
                    client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                            .resource(r)
                            .create();
                }
            }
            int mutating = t.contents().mutatingPolicies().size()
                    + t.contents().mutatingBindings().size();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> policies.size() == t.policies().size()
                            && policies.bindings() == t.bindings().size()
                            && policies.mutating() == mutating);
            for (JsonNode c : t.cases()) {
                cases++;
                ObjectNode review = (ObjectNode) PolicyTests.review(c);
                // the mutating webhook first; the validating one sees its patch applied, as in the API server
                JsonNode response = post("/admission/mutate", review);
                Map<String, Object> object =
                        AdmissionReviews.JSON.convertValue(review.at("/request/object"), Map.class);
                if (response.has("patch")) {
                    object = JsonPatch.apply(
                            object,
                            AdmissionReviews.JSON.readValue(
                                    Base64.getDecoder()
                                            .decode(response.get("patch").asText()),
                                    List.class));
                    ((ObjectNode) review.get("request")).set("object", AdmissionReviews.JSON.valueToTree(object));
                }
                if (c.at("/expect/patchedObject").isObject()
                        && !JsonPatch.same(
                                object, AdmissionReviews.JSON.convertValue(c.at("/expect/patchedObject"), Map.class))) {
                    failures.add(t.file().getFileName() + ": " + c.path("name").asText() + ": patched to " + object);
                }
                if (response.path("allowed").asBoolean()) {
                    response = post("/admission/validate", review);
                }
                List<String> warnings = new ArrayList<>();
                response.path("warnings").forEach(w -> warnings.add(w.asText()));
                List<String> mismatches = PolicyTests.mismatches(
                        c.path("expect"),
                        response.path("allowed").asBoolean(),
                        response.has("status") ? response.at("/status/code").asInt() : 200,
                        response.has("status") ? response.at("/status/message").asText() : null,
                        warnings);
                if (!mismatches.isEmpty()) {
                    failures.add(t.file().getFileName() + ": " + c.path("name").asText() + ": " + mismatches);
                }
            }
            for (GenericKubernetesResource r : applied) {
                client.genericKubernetesResources(r.getApiVersion(), r.getKind())
                        .withName(r.getMetadata().getName())
                        .delete();
            }
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> policies.size() == 0 && policies.bindings() == 0 && policies.mutating() == 0);
        }
        assertThat(failures).as("%d cases over HTTP", cases).isEmpty();
        assertThat(cases).isGreaterThanOrEqualTo(50);
    }

    private static JsonNode post(String path, JsonNode review) throws Exception {
        String answer = given().contentType("application/json")
                .body(AdmissionReviews.JSON.writeValueAsString(review))
                .post(path)
                .then()
                .statusCode(200)
                .extract()
                .asString();
        return AdmissionReviews.JSON.readTree(answer).path("response");
    }
}

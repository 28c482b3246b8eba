package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.trimtab.policy.PolicyTests;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.testing.EmbeddedKafka;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admission webhook gives the verdicts the policies' own test cases expect. For each
 * {@code policies/**}{@code /*.test.yaml}, its policies and bindings are applied to the cluster
 * (the function watches them, as in production) with its fixtures; every case is sent as an
 * AdmissionReview to {@code POST /admission/validate}; then they are deleted before the next file,
 * so each file's cases meet only its own policies, as in {@code policy test}.
 */
@QuarkusTest
@WithKubernetesTestServer
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
    void everyPolicyTestCaseGetsItsExpectedAnswerOverHttp() throws Exception {
        List<PolicyTests.TestFile> files = PolicyTests.load(Path.of("policies"));
        List<String> failures = new ArrayList<>();
        int cases = 0;
        for (PolicyTests.TestFile t : files) {
            assertThat(t.problems()).as(t.file().toString()).isEmpty();
            List<GenericKubernetesResource> applied = new ArrayList<>();
            for (Path f : t.policyFiles()) {
                try (MappingIterator<GenericKubernetesResource> docs = PolicyDirectory.YAML
                        .readerFor(GenericKubernetesResource.class).readValues(f.toFile())) {
                    while (docs.hasNext()) {
                        GenericKubernetesResource r = docs.next();
                        if (r.getKind() != null && r.getKind().startsWith("ValidatingAdmissionPolicy")) {
                            applied.add(client.genericKubernetesResources(r.getApiVersion(), r.getKind()).resource(r).create());
                        }
                    }
                }
            }
            for (Map<String, Object> o : t.objects()) {
                GenericKubernetesResource r = AdmissionReviews.JSON.convertValue(o, GenericKubernetesResource.class);
                if (client.genericKubernetesResources(r.getApiVersion(), r.getKind()).resource(r).get() == null) {
                    client.genericKubernetesResources(r.getApiVersion(), r.getKind()).resource(r).create();
                }
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> policies.size() == t.policies().size()
                    && policies.bindings() == t.bindings().size());
            for (JsonNode c : t.cases()) {
                cases++;
                String answer = given().contentType("application/json")
                        .body(AdmissionReviews.JSON.writeValueAsString(PolicyTests.review(c)))
                        .post("/admission/validate").then().statusCode(200).extract().asString();
                JsonNode response = AdmissionReviews.JSON.readTree(answer).path("response");
                List<String> warnings = new ArrayList<>();
                response.path("warnings").forEach(w -> warnings.add(w.asText()));
                List<String> mismatches = PolicyTests.mismatches(c.path("expect"), response.path("allowed").asBoolean(),
                        response.has("status") ? response.at("/status/code").asInt() : 200,
                        response.has("status") ? response.at("/status/message").asText() : null, warnings);
                if (!mismatches.isEmpty()) {
                    failures.add(t.file().getFileName() + ": " + c.path("name").asText() + ": " + mismatches);
                }
            }
            for (GenericKubernetesResource r : applied) {
                client.genericKubernetesResources(r.getApiVersion(), r.getKind()).withName(r.getMetadata().getName())
                        .delete();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> policies.size() == 0 && policies.bindings() == 0);
        }
        assertThat(failures).as("%d cases over HTTP", cases).isEmpty();
        assertThat(cases).isGreaterThanOrEqualTo(50);
    }
}

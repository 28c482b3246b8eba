package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Policies and bindings created in the cluster are enforced as soon as they are seen; an update
 * that does not compile fails what it matches (failurePolicy Fail), one whose scope cannot be read
 * leaves the last usable version in force; a deleted policy stops being enforced.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class ClusterPoliciesTest {
    @Inject
    KubernetesClient client;

    static final String POLICY = """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: cluster-max-two}
            spec:
              matchConstraints:
                resourceRules: [{operations: [UPDATE], apiGroups: [apps], apiVersions: ["*"], resources: [deployments/scale]}]
              validations: [{expression: "EXPR", message: "at most two, from the cluster"}]
            """;

    GenericKubernetesResource resource(String yaml) throws Exception {
        return PolicyDirectory.YAML.readValue(yaml, GenericKubernetesResource.class);
    }

    String answer() throws Exception {
        String review = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"))
                .get(2); // scale to 20 in shop
        return given().contentType("application/json")
                .body(review)
                .post("/admission/validate")
                .then()
                .statusCode(200)
                .extract()
                .asString();
    }

    @Test
    void clusterPoliciesAreWatchedAndTheLastGoodVersionStays() throws Exception {
        var policies =
                client.genericKubernetesResources("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy");
        var bindings = client.genericKubernetesResources(
                "admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding");
        policies.resource(resource(POLICY.replace("EXPR", "object.spec.replicas <= 2")))
                .create();
        bindings.resource(resource("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: cluster-max-two}
                spec: {policyName: cluster-max-two, validationActions: [Deny]}
                """)).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer().contains("at most two, from the cluster"));

        // a version that does not compile is in force, as in the API server: failurePolicy Fail denies what it matches
        GenericKubernetesResource broken = resource(POLICY.replace("EXPR", "object.spec.replicas <="));
        broken.getMetadata()
                .setResourceVersion(
                        policies.withName("cluster-max-two").get().getMetadata().getResourceVersion());
        policies.resource(broken).update();
        await().atMost(Duration.ofSeconds(20))
                .until(
                        () -> answer().contains(
                                        "ValidatingAdmissionPolicy 'cluster-max-two' "
                                                + "with binding 'cluster-max-two' denied request: compilation error: compilation failed: ERROR: <input>:1:"));

        // under failurePolicy Ignore the same broken version is skipped
        GenericKubernetesResource ignored = resource(POLICY.replace("EXPR", "object.spec.replicas <=")
                .replace("spec:\n", "spec:\n  failurePolicy: Ignore\n"));
        ignored.getMetadata()
                .setResourceVersion(
                        policies.withName("cluster-max-two").get().getMetadata().getResourceVersion());
        policies.resource(ignored).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer().contains("\"allowed\":true"));

        // one whose scope cannot be read is left out, and the last version that could be used stays
        GenericKubernetesResource good = resource(POLICY.replace("EXPR", "object.spec.replicas <= 2"));
        good.getMetadata()
                .setResourceVersion(
                        policies.withName("cluster-max-two").get().getMetadata().getResourceVersion());
        policies.resource(good).update();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer().contains("at most two, from the cluster"));
        GenericKubernetesResource unscoped = resource(POLICY.replace("EXPR", "object.spec.replicas <= 2")
                .replace("operations: [UPDATE]", "operations: [SOMETIMES]"));
        unscoped.getMetadata()
                .setResourceVersion(
                        policies.withName("cluster-max-two").get().getMetadata().getResourceVersion());
        policies.resource(unscoped).update();
        Thread.sleep(1_000); // the informer has seen it by now; the last usable version must still hold
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> answer().contains("at most two, from the cluster"));

        policies.withName("cluster-max-two").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer().contains("\"allowed\":true"));
    }
}

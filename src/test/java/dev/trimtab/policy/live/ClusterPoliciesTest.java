package dev.trimtab.policy.live;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.trimtab.testing.EmbeddedKafka;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Policies and bindings created in the cluster are enforced as soon as they are seen; a broken
 * update leaves the last good version in force; a deleted policy stops being enforced.
 */
@QuarkusTest
@WithKubernetesTestServer
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
        return dev.trimtab.policy.load.PolicyDirectory.YAML.readValue(yaml, GenericKubernetesResource.class);
    }

    String answer() throws Exception {
        String review = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl")).get(2); // scale to 20 in shop
        return given().contentType("application/json").body(review).post("/admission/validate").then().statusCode(200)
                .extract().asString();
    }

    @Test
    void clusterPoliciesAreWatchedAndTheLastGoodVersionStays() throws Exception {
        var policies = client.genericKubernetesResources("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy");
        var bindings = client.genericKubernetesResources("admissionregistration.k8s.io/v1",
                "ValidatingAdmissionPolicyBinding");
        policies.resource(resource(POLICY.replace("EXPR", "object.spec.replicas <= 2"))).create();
        bindings.resource(resource("""
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: cluster-max-two}
                spec: {policyName: cluster-max-two, validationActions: [Deny]}
                """)).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer().contains("at most two, from the cluster"));

        GenericKubernetesResource broken = resource(POLICY.replace("EXPR", "object.spec.replicas <="));
        broken.getMetadata().setResourceVersion(policies.withName("cluster-max-two").get().getMetadata().getResourceVersion());
        policies.resource(broken).update();
        Thread.sleep(1_000); // the informer has seen the broken version by now; the old one must still hold
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> answer().contains("at most two, from the cluster"));

        policies.withName("cluster-max-two").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> answer().contains("\"allowed\":true"));
    }
}

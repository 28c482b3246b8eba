package dev.trimtab.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.Kinds;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code policy test}: the shipped library passes its own cases; a wrong expectation fails, saying where. */
class PolicyTestsTest {
    @Test
    void theShippedPoliciesPassTheirTestCases() {
        PolicyCommandTest.Run r = PolicyCommandTest.run("test", "policies");
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).contains("0 failed").doesNotContain("FAIL");
        assertThat(r.status()).isZero();
    }

    @Test
    void aMismatchNamesTheCaseTheResourceThePolicyAndTheExpression() throws Exception {
        Path dir = Files.createTempDirectory("policy-test");
        Files.copy(Path.of("policies/replica-guardrails/policy.yaml"), dir.resolve("policy.yaml"));
        Files.copy(Path.of("policies/replica-guardrails/example-params.yaml"), dir.resolve("params.yaml"));
        Files.writeString(dir.resolve("wrong.test.yaml"), """
                apiVersion: trimtab.dev/v1alpha1
                kind: PolicyTest
                metadata: {name: wrong}
                spec:
                  policies: [policy.yaml]
                  resources: [params.yaml]
                  cases:
                    - name: expected to pass but exceeds
                      object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: big, namespace: shop}, spec: {replicas: 50}}
                      expect: {allowed: true}
                """);
        PolicyCommandTest.Run r = PolicyCommandTest.run("test", dir.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err())
                .contains("FAIL wrong.test.yaml: case 'expected to pass but exceeds' on CREATE deployments shop/big")
                .contains("expected allowed=true, got false")
                .contains("fail: policy trimtab.dev-replica-ceiling, binding trimtab.dev-replica-ceiling, "
                        + "spec.validations[0] !has(object.spec) || !has(object.spec.replicas) || object.spec.replicas <= variables.ceiling: "
                        + "replicas 50 exceed the ceiling of 20 for namespace shop");
        assertThat(r.out()).contains("1 cases, 1 failed");
    }

    @Test
    void pluralsFollowKubernetesForCommonKinds() {
        assertThat(Kinds.plural("Deployment")).isEqualTo("deployments");
        assertThat(Kinds.plural("NetworkPolicy")).isEqualTo("networkpolicies");
        assertThat(Kinds.plural("Ingress")).isEqualTo("ingresses");
        assertThat(Kinds.plural("Gateway")).isEqualTo("gateways");
    }
}

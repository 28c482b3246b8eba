package dev.trimtab.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code policy apply}, in the manner of {@code kyverno apply}: failures named, a summary, exit 1 on a failure. */
class PolicyApplyTest {
    @TempDir
    static Path dir;

    static Path policies;
    static Path good;
    static Path bad;

    @BeforeAll
    static void files() throws IOException {
        policies = Files.createDirectories(dir.resolve("policies"));
        Files.writeString(policies.resolve("ceiling.yaml"), """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: ceiling}
                spec:
                  matchConstraints:
                    resourceRules: [{operations: [CREATE, UPDATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}]
                  validations:
                  - expression: "object.spec.replicas <= 5"
                    message: at most 5 replicas
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: ceiling}
                spec: {policyName: ceiling, validationActions: [Deny]}
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: labels}
                spec:
                  matchConstraints:
                    resourceRules: [{operations: [CREATE], apiGroups: [apps], apiVersions: [v1], resources: [deployments]}]
                  validations:
                  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
                    message: a team label
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: labels}
                spec: {policyName: labels, validationActions: [Warn]}
                """);
        good = dir.resolve("good.yaml");
        Files.writeString(good, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop, labels: {team: a}}
                spec: {replicas: 3}
                """);
        bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: batch, namespace: shop}
                spec: {replicas: 9}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: settings, namespace: shop}
                """);
    }

    @Test
    void aCompliantResourcePassesWithExitZero() {
        PolicyCommandTest.Run r =
                PolicyCommandTest.run("apply", "--policies", policies.toString(), "--resource", good.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo("""
                Applying 2 policies to 1 resources...

                pass: 2, fail: 0, warn: 0, error: 0, skip: 0
                """);
    }

    @Test
    void aFailureIsNamedWithItsRuleAndFailsTheCommand() {
        PolicyCommandTest.Run r = PolicyCommandTest.run(
                "apply", "--policies", policies.toString(), "-r", good.toString(), bad.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out()).isEqualTo("""
                Applying 2 policies to 3 resources...

                policy ceiling -> resource shop/Deployment/batch failed:
                1. ceiling/validations[0]: fail: at most 5 replicas

                policy labels -> resource shop/Deployment/batch failed:
                1. labels/validations[0]: warn: a team label

                pass: 2, fail: 1, warn: 1, error: 0, skip: 0
                """);
    }

    @Test
    void outputAsJsonIsTheReportsTheAuditWouldWrite() throws IOException {
        PolicyCommandTest.Run r = PolicyCommandTest.run(
                "apply",
                "--policies",
                policies.toString(),
                "--resource",
                bad.toString(),
                "-o",
                "json",
                "--report-api",
                "wgpolicyk8s");
        assertThat(r.status()).isEqualTo(1);
        JsonNode report =
                new ObjectMapper().readTree(r.out().lines().findFirst().orElseThrow());
        assertThat(report.get("apiVersion").asText()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(report.get("kind").asText()).isEqualTo("PolicyReport");
        assertThat(report.at("/summary/fail").asInt()).isEqualTo(1);
        assertThat(report.at("/summary/warn").asInt()).isEqualTo(1);
        assertThat(r.out().lines()).hasSize(1);
    }

    @Test
    void aMissingResourceFileIsWrongUsage() {
        PolicyCommandTest.Run r = PolicyCommandTest.run(
                "apply",
                "--policies",
                policies.toString(),
                "--resource",
                dir.resolve("nowhere.yaml").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--resource " + dir.resolve("nowhere.yaml") + ": no such file or directory");
    }
}

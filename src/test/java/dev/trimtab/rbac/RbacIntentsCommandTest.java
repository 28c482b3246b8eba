package dev.trimtab.rbac;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rbac intents} as the CLI runs it: one line per violation with its fix. */
class RbacIntentsCommandTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void manifests() throws IOException {
        Files.writeString(dir.resolve("rbac.yaml"), """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: admins}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
                subjects:
                - {kind: Group, name: platform-admins, apiGroup: rbac.authorization.k8s.io}
                - {kind: User, name: bob, apiGroup: rbac.authorization.k8s.io}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: t1, labels: {tenant: "true"}}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: wide, namespace: t1}
                rules:
                - {verbs: ["*"], apiGroups: [""], resources: [pods]}
                """);
        Files.writeString(dir.resolve("intents.yaml"), """
                apiVersion: trimtab.dev/v1alpha1
                kind: RbacIntent
                metadata: {name: platform}
                spec:
                  mode: Enforce
                  rules:
                  - onlySubjects:
                      role: {kind: ClusterRole, name: cluster-admin}
                      allowed: [{kind: Group, name: platform-admins}]
                  - forbidWildcards:
                      namespaceSelector: {matchLabels: {tenant: "true"}}
                ---
                apiVersion: trimtab.dev/v1alpha1
                kind: RbacIntent
                metadata: {name: broken}
                spec:
                  rules:
                  - forbidAccess: {subjects: {kind: ServiceAccount}, resource: secrets}
                """);
    }

    static String[] args(String... rest) {
        return List.of(
                        List.of(rest[0], "--manifests", dir.toString()),
                        List.of(rest).subList(1, rest.length))
                .stream()
                .flatMap(List::stream)
                .toArray(String[]::new);
    }

    @Test
    void oneLinePerViolationWithItsFix() throws IOException {
        RbacCommandTest.Run r = RbacCommandTest.run(args("intents"));
        assertThat(r.code())
                .as("violations fail the command, so a pipeline can gate on it")
                .isEqualTo(1);
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(2);
        JsonNode bob = lines.get(0);
        assertThat(bob.get("intent").asText()).isEqualTo("platform");
        assertThat(bob.get("mode").asText()).isEqualTo("Enforce");
        assertThat(bob.get("intentRule").asInt()).isZero();
        assertThat(bob.get("kind").asText()).isEqualTo("onlySubjects");
        assertThat(bob.get("subject").toString()).isEqualTo("{\"kind\":\"User\",\"name\":\"bob\",\"namespace\":null}");
        assertThat(bob.get("binding").toString())
                .isEqualTo("{\"kind\":\"ClusterRoleBinding\",\"namespace\":null,\"name\":\"admins\"}");
        assertThat(bob.get("role").get("name").asText()).isEqualTo("cluster-admin");
        assertThat(bob.get("ruleIndex").isNull()).isTrue();
        assertThat(bob.get("message").asText())
                .isEqualTo("User bob is bound to ClusterRole cluster-admin by "
                        + "ClusterRoleBinding admins cluster-wide, which only Group platform-admins may hold; forbidden by "
                        + "RbacIntent platform spec.rules[0].onlySubjects");
        assertThat(bob.get("fix").get("action").asText()).isEqualTo("removeSubject");
        assertThat(bob.get("fix").get("patch").toString())
                .isEqualTo("[{\"op\":\"test\",\"path\":\"/subjects/1\","
                        + "\"value\":{\"kind\":\"User\",\"name\":\"bob\",\"apiGroup\":\"rbac.authorization.k8s.io\"}},"
                        + "{\"op\":\"remove\",\"path\":\"/subjects/1\"}]");

        JsonNode wide = lines.get(1);
        assertThat(wide.get("kind").asText()).isEqualTo("forbidWildcards");
        assertThat(wide.get("subject").isNull()).isTrue();
        assertThat(wide.get("role").toString()).isEqualTo("{\"kind\":\"Role\",\"namespace\":\"t1\",\"name\":\"wide\"}");
        assertThat(wide.get("ruleIndex").asInt()).isZero();
        assertThat(wide.get("rule").get("verbs").toString()).isEqualTo("[\"*\"]");
        assertThat(wide.get("fix").get("action").asText()).isEqualTo("none");
        assertThat(wide.get("fix").get("patch")).isEmpty();
        assertThat(wide.get("fix").get("message").asText()).contains("reported only", "never rewrites roles");

        assertThat(r.err()).contains("rbac: RbacIntent broken: spec.rules[0].forbidAccess.verbs: required");
        assertThat(r.err())
                .contains("rbac: warning: ClusterRoleBinding admins: roleRef: ClusterRole cluster-admin not found");
    }

    @Test
    void argumentsAreRefused() {
        RbacCommandTest.Run r = RbacCommandTest.run(args("intents", "extra"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument at index 3: 'extra'").contains("Usage: rbac intents");
        RbacCommandTest.Run none = RbacCommandTest.run("intents");
        assertThat(none.err()).contains("Missing required option: '--manifests=DIR'");
    }

    @Test
    void noIntentIsSaidOnStderrAndStillAnAnswer() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("sub-none"));
        RbacCommandTest.Run r = RbacCommandTest.run("intents", "--manifests", empty.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("no RbacIntent (trimtab.dev/v1alpha1) to check");
    }
}

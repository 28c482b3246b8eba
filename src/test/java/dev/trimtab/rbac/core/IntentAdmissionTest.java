package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cases of {@code rbac/intents/admission.yaml}: what a CREATE or UPDATE would bring. */
class IntentAdmissionTest {
    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() {
        return Fixtures.list(Fixtures.load("intents/admission.yaml")).stream()
                .map(c -> Arguments.of(
                        c.get("name"),
                        Fixtures.list(c.get("objects")),
                        (Map<String, Object>) c.get("proposed"),
                        Fixtures.strings(c.get("want"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void review(String name, List<Map<String, Object>> objects, Map<String, Object> proposed, List<String> want) {
        RbacIntent.Parsed intents = RbacIntent.fromObjects(objects);
        assertThat(intents.errors()).isEmpty();
        IntentAdmission.Verdict v = IntentAdmission.review(
                RbacModel.fromObjects(objects), NamespaceLabels.fromObjects(objects), intents.intents(), proposed);
        assertThat(v.problems()).isEmpty();
        assertThat(v.violations()).extracting(Plans::key).containsExactlyElementsOf(want);
        assertThat(v.allowed()).isEqualTo(want.isEmpty());
        assertThat(v.message())
                .isEqualTo(String.join(
                        "; ",
                        v.violations().stream().map(IntentViolation::message).toList()));
    }

    @Test
    void anObjectTheApiServerWouldRejectIsNotJudged() {
        List<Map<String, Object>> objects = Fixtures.list(
                Fixtures.list(Fixtures.load("intents/admission.yaml")).get(0).get("objects"));
        Map<String, Object> bad = Map.of(
                "apiVersion",
                "rbac.authorization.k8s.io/v1",
                "kind",
                "ClusterRoleBinding",
                "metadata",
                Map.of("name", "x"),
                "roleRef",
                Map.of("kind", "ClusterRole", "name", "cluster-admin"),
                "subjects",
                List.of(Map.of("kind", "ServiceAccount", "name", "sa")));
        IntentAdmission.Verdict v = IntentAdmission.review(
                RbacModel.fromObjects(objects),
                NamespaceLabels.NONE,
                RbacIntent.fromObjects(objects).intents(),
                bad);
        assertThat(v.allowed()).isTrue();
        assertThat(v.problems())
                .containsExactly(
                        "ClusterRoleBinding x: subjects[0].namespace: required for a ServiceAccount in a ClusterRoleBinding");
    }
}

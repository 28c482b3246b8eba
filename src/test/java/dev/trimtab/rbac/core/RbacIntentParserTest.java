package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cases of {@code rbac/intents/errors.yaml}, and what a valid intent reads as. */
class RbacIntentParserTest {
    static Stream<Arguments> cases() {
        return Fixtures.list(Fixtures.load("intents/errors.yaml")).stream().map(c -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("apiVersion", RbacIntent.API_VERSION);
            o.put("kind", RbacIntent.KIND);
            o.put("metadata", c.containsKey("metadata") ? c.get("metadata") : Map.of("name", "tenants"));
            if (c.get("spec") != null) {
                o.put("spec", c.get("spec"));
            }
            return Arguments.of(c.get("name"), o, Fixtures.strings(c.get("errors")));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void leftOutWithEveryProblemNamed(String name, Map<String, Object> intent, List<String> want) {
        RbacIntent.Parsed p = RbacIntent.fromObjects(List.of(intent));
        assertThat(p.intents()).isEmpty();
        assertThat(p.errors()).containsExactlyElementsOf(want);
    }

    @Test
    void readsEveryKindWithItsDefaults() throws Exception {
        List<Map<String, Object>> objects = Fixtures.list(Fixtures.YAML.readValue("""
                - apiVersion: trimtab.dev/v1alpha1
                  kind: RbacIntent
                  metadata: {name: all}
                  spec:
                    rules:
                    - {onlySubjects: {role: {kind: ClusterRole, name: cluster-admin}, allowed: [{kind: Group, name: admins}]}}
                    - {description: tokens, forbidAccess: {subjects: {kind: ServiceAccount, namespace: a}, verbs: [get], resource: secrets}}
                    - {forbidWildcards: {namespaceSelector: {}}}
                    - {forbidFindings: {codes: [Bind]}}
                - {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: other}, rules: []}
                - {apiVersion: trimtab.dev/v1beta9, kind: RbacIntent, metadata: {name: future}, spec: {rules: [{forbidFindings: {codes: [Bind]}}]}}
                """, List.class));
        RbacIntent.Parsed p = RbacIntent.fromObjects(objects);
        assertThat(p.errors())
                .containsExactly(
                        "RbacIntent future: apiVersion: got \"trimtab.dev/v1beta9\", want \"trimtab.dev/v1alpha1\"");
        RbacIntent intent = p.intents().get(0);
        assertThat(intent.mode()).isEqualTo(RbacIntent.Mode.Audit);
        assertThat(intent.rules().get(0))
                .isEqualTo(new IntentRule.OnlySubjects(
                        null,
                        ObjectRef.clusterRole("cluster-admin"),
                        List.of(new SubjectSelector(Subject.Kind.Group, "admins", Set.of(), Set.of()))));
        IntentRule.ForbidAccess access =
                (IntentRule.ForbidAccess) intent.rules().get(1);
        assertThat(access.scope()).isEqualTo(IntentRule.AccessScope.AnyNamespace);
        assertThat(access.group()).isEmpty();
        assertThat(access.description()).isEqualTo("tokens");
        assertThat(access.subjects().namespaces()).containsExactly("a");
        assertThat(((IntentRule.ForbidWildcards) intent.rules().get(2)).in())
                .containsExactly("verbs", "resources", "apiGroups");
        assertThat(((IntentRule.ForbidFindings) intent.rules().get(3)).exceptSubjects())
                .isEmpty();
    }
}

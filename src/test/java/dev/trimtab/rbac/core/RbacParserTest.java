package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation messages name the object and the field; a bad object never hides the good ones. */
class RbacParserTest {
    record Case(String name, Map<String, Object> object, List<String> want) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, Object> GOOD = RbacObjects.rule(List.of("get"), List.of(""), List.of("pods"));

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "rule without verbs",
                        RbacObjects.clusterRole(
                                "view",
                                Map.of(),
                                GOOD,
                                GOOD,
                                Map.of("apiGroups", List.of(""), "resources", List.of("pods"))),
                        List.of("ClusterRole view: rules[2].verbs: required")),
                new Case(
                        "resource rule without apiGroups or resources",
                        RbacObjects.clusterRole("r", Map.of(), Map.of("verbs", List.of("get"))),
                        List.of(
                                "ClusterRole r: rules[0].apiGroups: required (resource rules must supply at least one api group)",
                                "ClusterRole r: rules[0].resources: required (resource rules must supply at least one resource)")),
                new Case(
                        "non-resource URL in a Role",
                        RbacObjects.role(
                                "team-a",
                                "urls",
                                Map.of("verbs", List.of("get"), "nonResourceURLs", List.of("/healthz"))),
                        List.of(
                                "Role team-a/urls: rules[0].nonResourceURLs: namespaced rules cannot apply to non-resource URLs")),
                new Case(
                        "URLs and resources mixed",
                        RbacObjects.clusterRole(
                                "mixed",
                                Map.of(),
                                Map.of(
                                        "verbs",
                                        List.of("get"),
                                        "nonResourceURLs",
                                        List.of("/healthz"),
                                        "resources",
                                        List.of("pods"))),
                        List.of(
                                "ClusterRole mixed: rules[0].nonResourceURLs: rules cannot apply to both regular resources and non-resource URLs")),
                new Case(
                        "verb not a string",
                        RbacObjects.clusterRole(
                                "n",
                                Map.of(),
                                Map.of(
                                        "verbs",
                                        List.of("get", 3L),
                                        "apiGroups",
                                        List.of(""),
                                        "resources",
                                        List.of("pods"))),
                        List.of("ClusterRole n: rules[0].verbs[1]: got 3, want a string")),
                new Case(
                        "rules not a list",
                        RbacObjects.clusterRole("l", Map.of("rules", "all")),
                        List.of("ClusterRole l: rules: got all, want a list")),
                new Case(
                        "no name",
                        RbacObjects.clusterRole("x", Map.of("metadata", Map.of()), GOOD),
                        List.of("ClusterRole ?: metadata.name: required")),
                new Case(
                        "bad aggregation selector",
                        RbacObjects.clusterRole(
                                "agg",
                                Map.of(
                                        "aggregationRule",
                                        Map.of(
                                                "clusterRoleSelectors",
                                                List.of(Map.of(
                                                        "matchExpressions",
                                                        List.of(Map.of("key", "a", "operator", "Maybe"))))))),
                        List.of(
                                "ClusterRole agg: aggregationRule.clusterRoleSelectors[0].matchExpressions[0].operator: "
                                        + "got \"Maybe\", want In, NotIn, Exists or DoesNotExist")),
                new Case(
                        "ClusterRoleBinding to a Role",
                        Map.of(
                                "apiVersion",
                                "rbac.authorization.k8s.io/v1",
                                "kind",
                                "ClusterRoleBinding",
                                "metadata",
                                Map.of("name", "b"),
                                "roleRef",
                                Map.of("kind", "Role", "name", "r"),
                                "subjects",
                                List.of(RbacObjects.user("u"))),
                        List.of("ClusterRoleBinding b: roleRef.kind: got \"Role\", want ClusterRole")),
                new Case(
                        "binding without roleRef",
                        Map.of(
                                "apiVersion",
                                "rbac.authorization.k8s.io/v1",
                                "kind",
                                "RoleBinding",
                                "metadata",
                                Map.of("name", "b", "namespace", "ns")),
                        List.of("RoleBinding ns/b: roleRef: required")),
                new Case(
                        "roleRef without name",
                        RbacObjects.roleBinding("ns", "b", "Role", "", RbacObjects.user("u")),
                        List.of("RoleBinding ns/b: roleRef.name: required")),
                new Case(
                        "unknown subject kind",
                        RbacObjects.clusterRoleBinding("b", "view", Map.of("kind", "Robot", "name", "r2")),
                        List.of(
                                "ClusterRoleBinding b: subjects[0].kind: got \"Robot\", want User, Group or ServiceAccount")),
                new Case(
                        "subject without name",
                        RbacObjects.clusterRoleBinding("b", "view", Map.of("kind", "User")),
                        List.of("ClusterRoleBinding b: subjects[0].name: required")),
                new Case(
                        "service account without namespace in a ClusterRoleBinding",
                        RbacObjects.clusterRoleBinding(
                                "b", "view", RbacObjects.user("u"), RbacObjects.serviceAccount(null, "sa")),
                        List.of(
                                "ClusterRoleBinding b: subjects[1].namespace: required for a ServiceAccount in a ClusterRoleBinding")),
                new Case(
                        "user with the service-account api group",
                        RbacObjects.clusterRoleBinding(
                                "b", "view", Map.of("kind", "User", "name", "u", "apiGroup", "")),
                        List.of(
                                "ClusterRoleBinding b: subjects[0].apiGroup: got \"\", want \"rbac.authorization.k8s.io\" for User")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportsTheObjectAndFieldAndKeepsTheOthers(Case c) {
        Map<String, Object> good = RbacObjects.clusterRole("fine", Map.of(), GOOD);
        RbacModel model = RbacModel.fromObjects(List.of(c.object(), good));
        assertThat(model.errors()).containsExactlyElementsOf(c.want());
        assertThat(model.rulesOf(ObjectRef.clusterRole("fine"))).isPresent();
        assertThat(model.roles()).hasSize(1);
        assertThat(model.bindings()).isEmpty();
    }

    @Test
    void otherKindsAndGroupsAreIgnored() {
        RbacModel model = RbacModel.fromObjects(List.of(
                Map.of("apiVersion", "v1", "kind", "ConfigMap", "metadata", Map.of("name", "c")),
                Map.of("apiVersion", "example.com/v1", "kind", "Role", "metadata", Map.of("name", "c"))));
        assertThat(model.errors()).isEmpty();
        assertThat(model.roles()).isEmpty();
    }

    @Test
    void warnsAboutMissingRolesRedefinitionsAndDefaultedNamespaces() {
        Map<String, Object> unnamespaced = Map.of(
                "apiVersion",
                "rbac.authorization.k8s.io/v1",
                "kind",
                "Role",
                "metadata",
                Map.of("name", "r"),
                "rules",
                List.of(GOOD));
        RbacModel model = RbacModel.fromObjects(List.of(
                unnamespaced,
                RbacObjects.clusterRole("dup", Map.of(), GOOD),
                RbacObjects.clusterRole("dup", Map.of()),
                RbacObjects.clusterRoleBinding("b", "missing", RbacObjects.user("u"))));
        assertThat(model.errors()).isEmpty();
        assertThat(model.warnings())
                .containsExactly(
                        "Role default/r: metadata.namespace: absent, taken as \"default\" (as kubectl apply would)",
                        "ClusterRole dup: defined more than once; the last definition is used",
                        "ClusterRoleBinding b: roleRef: ClusterRole missing not found; the binding grants nothing");
        assertThat(model.rulesOf(ObjectRef.clusterRole("dup"))).contains(List.of());
    }
}

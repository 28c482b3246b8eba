package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ClusterRole aggregation: the upstream controller's cases (data) and nesting, from maps too. */
class AggregationTest {
    private static final Map<String, List<PolicyRule>> SETS = Map.of(
            "hammer", List.of(tool("hammer", "nails"), tool("hammer", "wedges")),
            "chisel", List.of(tool("chisel", "mortises")),
            "saw", List.of(tool("saw", "boards")));

    private static PolicyRule tool(String verb, String resource) {
        return new PolicyRule(List.of(verb), List.of(), List.of(resource), List.of(), List.of());
    }

    @SuppressWarnings("unchecked")
    static Stream<Arguments> upstream() {
        return Fixtures.list(Fixtures.load("aggregation.yaml")).stream().map(c -> {
            List<Role> roles = new ArrayList<>();
            for (Map<String, Object> r : Fixtures.list(c.get("roles"))) {
                roles.add(new Role(
                        ObjectRef.clusterRole((String) r.get("name")),
                        (Map<String, String>) r.get("labels"),
                        SETS.get((String) r.get("rules")),
                        null));
            }
            Map<String, Object> combined = (Map<String, Object>) c.get("combined");
            List<LabelSelector> selectors = Fixtures.list(combined.get("selectors")).stream()
                    .map(s -> new LabelSelector((Map<String, String>) (Map<?, ?>) s, List.of()))
                    .toList();
            List<PolicyRule> written =
                    combined.get("rules") == null ? List.of() : SETS.get((String) combined.get("rules"));
            roles.add(new Role(ObjectRef.clusterRole("combined"), Map.of(), written, selectors));
            List<PolicyRule> want = Fixtures.strings(c.get("want")).stream()
                    .flatMap(s -> SETS.get(s).stream())
                    .toList();
            return Arguments.of("TestSyncClusterRole: " + c.get("name"), roles, want);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("upstream")
    void aggregatesAsTheController(String name, List<Role> roles, List<PolicyRule> want) {
        RbacModel model = RbacModel.of(roles, List.of());
        assertThat(model.rulesOf(ObjectRef.clusterRole("combined"))).contains(want);
    }

    @Test
    void nestedAggregationResolvesThroughAnAggregatedRole() {
        LabelSelector top = new LabelSelector(Map.of("tier", "top"), List.of());
        LabelSelector mid = new LabelSelector(Map.of("tier", "mid"), List.of());
        Role leaf = new Role(ObjectRef.clusterRole("leaf"), Map.of("tier", "mid"), SETS.get("saw"), null);
        Role middle =
                new Role(ObjectRef.clusterRole("a-middle"), Map.of("tier", "top"), SETS.get("hammer"), List.of(mid));
        Role root = new Role(ObjectRef.clusterRole("0-root"), Map.of(), List.of(), List.of(top));
        RbacModel model = RbacModel.of(List.of(root, middle, leaf), List.of());
        assertThat(model.rulesOf(ObjectRef.clusterRole("0-root"))).contains(SETS.get("saw"));
        assertThat(model.rulesOf(ObjectRef.clusterRole("a-middle"))).contains(SETS.get("saw"));
    }

    @Test
    void aCycleSettlesOnTheUnionItReaches() {
        Role a = new Role(
                ObjectRef.clusterRole("a"),
                Map.of("x", "a"),
                SETS.get("hammer"),
                List.of(new LabelSelector(Map.of("x", "b"), List.of())));
        Role b = new Role(
                ObjectRef.clusterRole("b"),
                Map.of("x", "b"),
                SETS.get("chisel"),
                List.of(
                        new LabelSelector(Map.of("x", "a"), List.of()),
                        new LabelSelector(Map.of("x", "c"), List.of())));
        Role c = new Role(ObjectRef.clusterRole("c"), Map.of("x", "c"), SETS.get("saw"), null);
        RbacModel model = RbacModel.of(List.of(a, b, c), List.of());
        assertThat(model.rulesOf(ObjectRef.clusterRole("a"))).contains(SETS.get("saw"));
        assertThat(model.rulesOf(ObjectRef.clusterRole("b"))).contains(SETS.get("saw"));
    }

    @Test
    void aggregatedRoleFromManifestsGrantsTheAggregateNotItsWrittenRules() {
        List<Map<String, Object>> objects = List.of(
                RbacObjects.clusterRole(
                        "monitoring",
                        Map.of(
                                "aggregationRule",
                                Map.of(
                                        "clusterRoleSelectors",
                                        List.of(Map.of(
                                                "matchLabels",
                                                Map.of("rbac.example.com/aggregate-to-monitoring", "true"))))),
                        RbacObjects.rule(List.of("delete"), List.of(""), List.of("pods"))),
                RbacObjects.clusterRole(
                        "monitoring-endpoints",
                        Map.of(
                                "metadata",
                                Map.of(
                                        "name",
                                        "monitoring-endpoints",
                                        "labels",
                                        Map.of("rbac.example.com/aggregate-to-monitoring", "true"))),
                        RbacObjects.rule(List.of("get", "list", "watch"), List.of(""), List.of("endpoints"))),
                RbacObjects.clusterRoleBinding("mon", "monitoring", Map.of("kind", "User", "name", "prom")));
        Authorizer authorizer = new Authorizer(RbacModel.fromObjects(objects));
        UserInfo prom = UserInfo.authenticated("prom", List.of());
        assertThat(authorizer
                        .canI(prom, AccessRequest.resource("list", "", "endpoints", "", "", "ns"))
                        .allowed())
                .isTrue();
        assertThat(authorizer
                        .canI(prom, AccessRequest.resource("delete", "", "pods", "", "", "ns"))
                        .allowed())
                .isFalse();
    }
}

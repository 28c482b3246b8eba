package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The cases of {@code rbac/escalations.yaml}, and that together they cover every code. */
class EscalationFinderTest {
    static Stream<Arguments> cases() {
        return Fixtures.list(Fixtures.load("escalations.yaml")).stream()
                .map(c ->
                        Arguments.of(c.get("name"), Fixtures.list(c.get("objects")), Fixtures.strings(c.get("want"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void finds(String name, List<Map<String, Object>> objects, List<String> want) {
        RbacModel model = RbacModel.fromObjects(objects);
        assertThat(model.errors()).isEmpty();
        assertThat(new EscalationFinder(model).find())
                .extracting(EscalationFinderTest::key)
                .containsExactlyElementsOf(want);
    }

    @Test
    void theCasesCoverEveryCode() {
        Set<FindingCode> seen = cases().flatMap(a -> ((List<String>) a.get()[2]).stream())
                .map(s -> FindingCode.valueOf(s.substring(0, s.indexOf(' '))))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(FindingCode.class)));
        assertThat(seen).containsExactlyInAnyOrder(FindingCode.values());
    }

    @Test
    void aFindingCarriesBindingRoleRuleSubjectsAndAMessage() {
        List<Map<String, Object>> objects = List.of(
                RbacObjects.role(
                        "a",
                        "reader",
                        Map.of(
                                "verbs",
                                List.of("get"),
                                "apiGroups",
                                List.of(""),
                                "resources",
                                List.of("secrets"),
                                "resourceNames",
                                List.of("db"))),
                RbacObjects.roleBinding(
                        "a",
                        "b",
                        "Role",
                        "reader",
                        RbacObjects.user("alice"),
                        RbacObjects.serviceAccount(null, "app")));
        Finding f = new EscalationFinder(RbacModel.fromObjects(objects)).find().get(0);
        assertThat(f.code()).isEqualTo(FindingCode.SecretRead);
        assertThat(f.role()).isEqualTo(ObjectRef.role("a", "reader"));
        assertThat(f.rule().resourceNames()).containsExactly("db");
        assertThat(f.subjects()).containsExactly(Subject.user("alice"), Subject.serviceAccount("a", "app"));
        assertThat(f.scope()).isEqualTo("a");
        assertThat(f.message())
                .isEqualTo(
                        "User alice, ServiceAccount a/app can read secrets, service-account tokens "
                                + "included (get secrets), only for names [db] in namespace a through RoleBinding a/b (Role a/reader rules[0])");
    }

    @Test
    void patchingAWorkloadIsReportedAsWorkloadCreationNamingTheVerbs() {
        List<Map<String, Object>> objects = List.of(
                RbacObjects.role(
                        "a",
                        "remediate",
                        Map.of(
                                "verbs",
                                List.of("get", "create", "patch"),
                                "apiGroups",
                                List.of("apps"),
                                "resources",
                                List.of("deployments", "deployments/scale"))),
                RbacObjects.roleBinding("a", "b", "Role", "remediate", RbacObjects.serviceAccount(null, "fixer")));
        List<Finding> found = new EscalationFinder(RbacModel.fromObjects(objects)).find();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).code()).isEqualTo(FindingCode.WorkloadCreation);
        assertThat(found.get(0).message())
                .isEqualTo("ServiceAccount a/fixer can create or change workloads, which run "
                        + "as any service account of the namespace (create deployments.apps, patch deployments.apps) in namespace a "
                        + "through RoleBinding a/b (Role a/remediate rules[0])");
    }

    @Test
    void csrApprovalNamesOnlyTheSubjectsHoldingBoth() {
        List<Map<String, Object>> objects = Fixtures.list(Fixtures.list(Fixtures.load("escalations.yaml")).stream()
                .filter(c -> c.get("name").equals("CSR approval needs approve on signers too"))
                .findFirst()
                .orElseThrow()
                .get("objects"));
        Finding f = new EscalationFinder(RbacModel.fromObjects(objects)).find().get(0);
        assertThat(f.subjects()).containsExactly(Subject.user("both"));
        assertThat(f.message())
                .contains("approve signers through ClusterRoleBinding sign (ClusterRole signer rules[0])");
    }

    private static String key(Finding f) {
        return f.code() + " " + f.binding() + (f.ruleIndex() < 0 ? "" : " rules[" + f.ruleIndex() + "]");
    }
}

package dev.trimtab.rbac.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of {@code rbac/intents/*.yaml}: the violations wanted, their fixes and patches; and
 * that applying the plan leaves only the violations reported without a fix.
 */
class IntentCasesTest {
    static final List<String> FILES =
            List.of("only-subjects.yaml", "forbid-access.yaml", "forbid-wildcards.yaml", "forbid-findings.yaml");

    static Stream<Arguments> cases() {
        return FILES.stream()
                .flatMap(file -> Fixtures.list(Fixtures.load("intents/" + file)).stream()
                        .map(c -> Arguments.of(
                                file + ": " + c.get("name"),
                                Fixtures.list(c.get("objects")),
                                Fixtures.list(c.get("want")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void violationsAndFixes(String name, List<Map<String, Object>> objects, List<Map<String, Object>> want) {
        RbacModel model = RbacModel.fromObjects(objects);
        RbacIntent.Parsed intents = RbacIntent.fromObjects(objects);
        assertThat(model.errors()).isEmpty();
        assertThat(intents.errors()).isEmpty();
        NamespaceLabels namespaces = NamespaceLabels.fromObjects(objects);
        List<IntentViolation> got = IntentChecker.check(model, namespaces, intents.intents());
        assertThat(got)
                .extracting(Plans::key)
                .containsExactlyElementsOf(
                        want.stream().map(w -> (String) w.get("violation")).toList());

        RemediationPlan plan = IntentRemediator.plan(got, objects);
        for (int i = 0; i < got.size(); i++) {
            IntentFix fix = plan.fixFor(got.get(i));
            assertThat(Plans.key(fix))
                    .as("fix of %s", want.get(i).get("violation"))
                    .isEqualTo(want.get(i).get("fix"));
            if (want.get(i).containsKey("patch")) {
                assertThat(fix.patch())
                        .as("patch of %s", want.get(i).get("violation"))
                        .isEqualTo(want.get(i).get("patch"));
            }
            assertThat(got.get(i).message())
                    .contains(got.get(i).where().replace(" (", ".").replace(")", ""));
        }

        List<Map<String, Object>> after = Plans.apply(objects, plan);
        List<IntentViolation> left = IntentChecker.check(
                RbacModel.fromObjects(after), NamespaceLabels.fromObjects(after), intents.intents());
        assertThat(left)
                .extracting(Plans::key)
                .containsExactlyElementsOf(got.stream()
                        .filter(v -> plan.fixFor(v).action() == IntentFix.Action.None)
                        .map(Plans::key)
                        .toList());
    }
}

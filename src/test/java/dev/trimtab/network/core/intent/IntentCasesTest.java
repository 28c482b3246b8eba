package dev.trimtab.network.core.intent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.network.core.NetworkModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of {@code network/intents/cases.yaml}: the violations IntentChecker finds, the plan
 * IntentEnforcer makes, and for every case the plan's properties: planning again on the result
 * changes nothing and finds the same, and no change touches a policy Trimtab does not own.
 */
class IntentCasesTest {

    static Stream<Arguments> cases() {
        Map<String, Object> file = IntentData.load("cases.yaml");
        List<Map<String, Object>> base = IntentData.list(file.get("base"));
        return IntentData.<Map<String, Object>>list(file.get("cases")).stream().map(c -> {
            List<Map<String, Object>> objects = new ArrayList<>(base);
            objects.addAll(IntentData.list(c.get("objects")));
            return Arguments.of(c.get("name"), objects, c);
        });
    }

    private static List<NetworkIntent> intents(List<Map<String, Object>> objects) {
        NetworkIntent.Parsed parsed = NetworkIntent.fromObjects(objects);
        assertThat(parsed.errors()).isEmpty();
        return parsed.intents();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void violations(String name, List<Map<String, Object>> objects, Map<String, Object> c) {
        NetworkModel model = NetworkModel.fromObjects(objects);
        assertThat(model.errors()).isEmpty();
        List<IntentViolation> got = IntentChecker.check(model, intents(objects));
        assertThat(got).extracting(IntentData::key).containsExactlyElementsOf(IntentData.list(c.get("violations")));
        for (IntentViolation v : got) {
            assertThat(v.message()).startsWith(v.where() + ": ");
            if (v.code() != IntentViolation.Code.NotIsolated) {
                assertThat(v.message()).contains(v.flow());
                (v.code() == IntentViolation.Code.AllowedFlow
                                ? v.allowedBy().stream().map(Object::toString)
                                : v.blockedBy().stream())
                        .forEach(p -> assertThat(v.message()).contains(p));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void plan(String name, List<Map<String, Object>> objects, Map<String, Object> c) {
        Map<String, Object> want = (Map<String, Object>) c.get("plan");
        IntentPlan plan = IntentEnforcer.plan(objects, intents(objects));
        if (want == null) {
            assertThat(plan.changes()).isEmpty(); // Audit only
            return;
        }
        assertThat(plan.changes())
                .extracting(IntentData::key)
                .containsExactlyElementsOf(IntentData.list(want.get("changes")));
        Map<String, Object> specs = want.get("specs") == null ? Map.of() : (Map<String, Object>) want.get("specs");
        specs.forEach((key, spec) -> assertThat(plan.changes().stream()
                        .filter(ch -> ch.key().equals(key))
                        .map(ch -> Normal.form(ch.policy().get("spec")))
                        .findFirst())
                .as(key)
                .contains(Normal.form(spec)));
        assertThat(plan.holds()).isEqualTo(want.get("holds"));
        assertThat(plan.violations())
                .extracting(IntentData::key)
                .containsExactlyElementsOf(IntentData.list(want.get("left")));
        assertThat(plan.unresolvable()).extracting(u -> u.violation()).containsExactlyElementsOf(plan.violations());
        for (String conflict : IntentData.<String>list(want.get("conflicts"))) {
            assertThat(plan.conflicts()).anyMatch(m -> m.contains(conflict));
        }
        if (want.get("conflicts") == null) {
            assertThat(plan.conflicts()).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void planningAgainOnTheResultChangesNothing(String name, List<Map<String, Object>> objects, Map<String, Object> c) {
        List<NetworkIntent> intents = intents(objects);
        IntentPlan first = IntentEnforcer.plan(objects, intents);
        List<Map<String, Object>> after = IntentData.apply(objects, first.changes());
        IntentPlan again = IntentEnforcer.plan(after, intents);
        assertThat(again.changes()).extracting(IntentData::key).isEmpty();
        assertThat(again.holds()).isEqualTo(first.holds());
        assertThat(again.violations()).isEqualTo(first.violations());
        List<NetworkIntent> enforced = intents.stream()
                .filter(i -> i.mode() == NetworkIntent.Mode.Enforce)
                .toList();
        assertThat(IntentChecker.check(NetworkModel.fromObjects(after), enforced))
                .isEqualTo(first.violations());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void neverTouchesForeignPolicies(String name, List<Map<String, Object>> objects, Map<String, Object> c) {
        Set<String> foreign = objects.stream()
                .filter(o -> "NetworkPolicy".equals(o.get("kind")) && !PolicyWriter.owned(o))
                .map(IntentData::key)
                .collect(Collectors.toSet());
        IntentPlan plan = IntentEnforcer.plan(objects, intents(objects));
        for (PolicyChange change : plan.changes()) {
            assertThat(foreign).as("%s %s", change.action(), change.key()).doesNotContain(change.key());
            assertThat(PolicyWriter.owned(change.policy())).as(change.key()).isTrue();
        }
        List<Map<String, Object>> after = IntentData.apply(objects, plan.changes());
        for (Map<String, Object> o : objects) {
            if ("NetworkPolicy".equals(o.get("kind")) && !PolicyWriter.owned(o)) {
                assertThat(after).as(IntentData.key(o)).containsOnlyOnce(o);
            }
        }
    }
}

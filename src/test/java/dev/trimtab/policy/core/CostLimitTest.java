package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Expressions whose work grows with the sizes of their values, not with their number of nodes:
 * counted by nodes alone they would exhaust the heap (a list or string doubled forty times is
 * 2^40 elements) or run for hours, within the cost limit. The runtime cost counts sizes as cel-go's
 * does, so each is stopped with the API server's cost error, under failurePolicy Fail a denial,
 * well within the time bound (which guards against a hang, it does not measure speed).
 */
class CostLimitTest {
    record Case(String name, String variables, String expression) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code v0 = seed}, then {@code vN = step(vN-1)} forty times. */
    static String doubling(String seed, String step) {
        return "  variables:\n" + chain("v", 40, seed, step);
    }

    /** {@code NAME0 = seed}, then {@code NAMEi = step(NAMEi-1)} up to {@code n}, as variable entries. */
    static String chain(String name, int n, String seed, String step) {
        StringBuilder sb = new StringBuilder("  - {name: " + name + "0, expression: \"" + seed + "\"}\n");
        for (int i = 1; i <= n; i++) {
            sb.append("  - {name: ")
                    .append(name)
                    .append(i)
                    .append(", expression: \"")
                    .append(step.replace("PREV", "variables." + name + (i - 1)))
                    .append("\"}\n");
        }
        return sb.toString();
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "a list doubled by concatenation",
                        doubling("[1, 2, 3, 4, 5, 6, 7, 8]", "PREV + PREV"),
                        "size(variables.v40) > 0"),
                new Case(
                        "a string doubled by concatenation",
                        doubling("'abcdefgh'", "PREV + PREV"),
                        "size(variables.v40) > 0"),
                new Case(
                        "a list doubled by a comprehension over it",
                        doubling("[1, 2, 3, 4, 5, 6, 7, 8]", "PREV.map(x, [x, x]).map(p, p[0]) + PREV"),
                        "size(variables.v40) > 0"),
                new Case(
                        "a string doubled by replace",
                        doubling("'abcdefgh'", "PREV.replace('a', 'aa').replace('b', 'ab')"),
                        "size(variables.v40) > 0"),
                new Case(
                        "membership in a big list, for each of its elements",
                        doubling("[1, 2, 3, 4, 5, 6, 7, 8]", "PREV + PREV"),
                        "variables.v14.all(x, x in variables.v14)"),
                new Case(
                        "a search through a megabyte string, for each element of a big list",
                        "  variables:\n"
                                + chain("l", 16, "[1, 2, 3, 4, 5, 6, 7, 8]", "PREV + PREV")
                                + chain("s", 17, "'abcdefgh'", "PREV + PREV"),
                        "variables.l16.all(x, !variables.s17.contains('zzzzzzzzzzzzzzzzzzzz') "
                                + "&& !variables.s17.matches('z{20}'))"),
                new Case(
                        "Kubernetes list functions and regex searches over big values, for each element",
                        "  variables:\n"
                                + chain("l", 16, "[1, 2, 3, 4, 5, 6, 7, 8]", "PREV + PREV")
                                + chain("s", 17, "'abcdefgh'", "PREV + PREV"),
                        "variables.l16.all(x, variables.l16.indexOf(-1) < 0 && variables.l16.sum() > 0 "
                                + "&& variables.s17.findAll('z+').size() == 0)"),
                new Case(
                        "nested comprehensions over a growing list",
                        doubling("[1, 2, 3, 4, 5, 6, 7, 8]", "PREV"),
                        "variables.v1.all(a, variables.v2.all(b, variables.v3.all(c, variables.v4.all(d, "
                                + "variables.v5.all(e, variables.v6.all(f, variables.v7.all(g, a + b + c + d + e + f + g > 0)))))))"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isStoppedByTheCostLimitBeforeItExhaustsMemory(Case c) {
        PolicyEngine.Verdict v = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            PolicyEngineTest.Setup s = PolicyEngineTest.setup(PolicyEngineTest.policy(
                            "bomb",
                            "Fail",
                            "configmaps",
                            c.variables() + "  validations: [{expression: \"" + c.expression() + "\"}]")
                    + PolicyEngineTest.binding("b", "bomb", "Deny", ""));
            assertThat(s.errors()).isEmpty();
            return s.review(PolicyEngineTest.configMap("a"));
        });
        assertThat(v.allowed()).isFalse();
        assertThat(v.message())
                .contains("ValidatingAdmissionPolicy 'bomb' with binding 'b' denied request: ")
                .containsAnyOf("operation cancelled: actual cost limit exceeded", Expressions.OUT_OF_BUDGET);
    }

    /** Sizes are charged, not punished: a comprehension appending to its own result pays per element, not per copy. */
    @Test
    void aLargeComprehensionWithinTheLimitPasses() throws Exception {
        PolicyEngineTest.Setup s = PolicyEngineTest.setup(PolicyEngineTest.policy(
                        "big",
                        "Fail",
                        "configmaps",
                        doubling("[1, 2, 3, 4, 5, 6, 7, 8]", "PREV + PREV") + "  validations: [{expression: "
                                + "\"size(variables.v13.map(x, x * 2)) == 65536 && 8 in variables.v13\"}]")
                + PolicyEngineTest.binding("b", "big", "Deny", ""));
        PolicyEngine.Verdict v = s.review(PolicyEngineTest.configMap("a"));
        assertThat(v.results()).extracting(PolicyEngine.Result::message).containsOnlyNulls();
        assertThat(v.allowed()).isTrue();
    }
}

package dev.trimtab.policy.core;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * Any CEL expression, compiled and evaluated as a policy's is, over a fuzzed {@code object}: the
 * same contract as {@link CelLibraryFuzzTest} (compile problems or an {@link Expressions.Failure},
 * never another exception; within the time and heap bounds, which the cost limit must keep).
 * Input: the first line is the expression, the rest a JSON object bound to {@code object}. Seeds:
 * {@code CelExpressionsFuzzTestInputs/fuzzedExpressions/}.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class CelExpressionsFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_LONG_FOR_INTS);
    private static final FuzzBounds EXPRESSIONS =
            new FuzzBounds("CEL expressions over a fuzzed object", Expressions.Failure.class);

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "quantity(",
        "isQuantity(",
        ".sign()",
        ".asInteger()",
        ".add(",
        ".sub(",
        ".compareTo(",
        "ip(",
        "cidr(",
        ".containsIP(",
        ".containsCIDR(",
        ".masked()",
        "url(",
        ".getHost()",
        ".find(",
        ".findAll(",
        ".matches(",
        ".isSorted()",
        ".sum()",
        ".min()",
        ".max()",
        ".indexOf(",
        ".lastIndexOf(",
        "format.named(",
        ".validate(",
        "authorizer.",
        ".check(",
        "jsonpatch.escapeKey(",
        ".replace(",
        ".split(",
        ".join(",
        ".map(",
        ".filter(",
        ".all(",
        ".exists(",
        "object.",
        "variables",
        "size(",
        " + ",
        "[1, 2, 3]",
        "'abc'",
        "string(",
        "optional.of(",
        ".orValue(",
        "has(",
        "dyn(",
        "int(",
        "double(",
        "sets.contains("
    })
    void fuzzedExpressions(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String expression = newline < 0 ? text : text.substring(0, newline);
        Map<String, Object> object;
        try {
            object = newline < 0 ? Map.of() : JSON.readValue(text.substring(newline + 1), Map.class);
        } catch (Exception e) {
            object = Map.of(); // the expression is what is fuzzed here; the object needs to be one
        }
        Map<String, Object> o = object;
        EXPRESSIONS.check(input, () -> CelLibraryFuzzTest.evaluate(expression, o));
    }

    @AfterAll
    static void figures() {
        System.out.println(EXPRESSIONS.report());
    }
}

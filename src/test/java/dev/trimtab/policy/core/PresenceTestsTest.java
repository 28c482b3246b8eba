package dev.trimtab.policy.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code has()} as the API server (cel-go) answers it: false on null and on any value that is not a
 * map, so {@code has(params.x)} without a paramRef and {@code has(oldObject.x)} on CREATE admit
 * instead of failing with "no such key". Issue 19 item 2.
 */
class PresenceTestsTest {

    private static final String PARAMS = "  paramKind: {apiVersion: v1, kind: ConfigMap}\n";

    @ParameterizedTest(name = "{0} on CREATE: allowed={1}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '"',
            value = {
                // expression                                                          ; allowed ; message ends with
                "!has(params.metadata)                                                   ; true  ; \"\"",
                "!has(params.data) || params.data.prefix == 'x'                          ; true  ; \"\"",
                "has(params.metadata)                                                    ; false ; failed expression: has(params.metadata)",
                "!has(oldObject.metadata)                                                ; true  ; \"\"",
                "!has(oldObject.metadata.name)                                           ; false ; resulted in error: no such key: metadata",
                "has(object.metadata.name)                                               ; true  ; \"\"",
                "!has(object.metadata.missing)                                           ; true  ; \"\"",
                "!has(object.metadata.name.length)                                       ; true  ; \"\"",
                "!has(object.metadata.labels.app)                                        ; false ; resulted in error: no such key: labels",
                "object.metadata.all(k, !has(object.metadata.name.x))                    ; true  ; \"\"",
                "!has(object.spec.items.x)                                               ; false ; resulted in error: unsupported index type 'string' in list",
            })
    void presenceTestsAsCelGo(String expression, boolean allowed, String messageEnd) throws Exception {
        PolicyEngineTest.Setup s = PolicyEngineTest.setup(PolicyEngineTest.policy(
                        "p",
                        "Fail",
                        "namespaces",
                        PARAMS + "  validations: [{expression: \"" + expression.replace("\"", "\\\"") + "\"}]")
                + PolicyEngineTest.binding("b", "p", "Deny", ""));
        assertThat(s.errors()).isEmpty();
        PolicyEngine.Verdict v = s.review(PolicyEngineTest.create(
                "namespaces",
                "Namespace",
                "shop",
                "",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"},"
                        + "\"spec\":{\"items\":[1,2]}}"));
        assertThat(v.allowed()).as(v.message()).isEqualTo(allowed);
        if (!allowed) {
            assertThat(v.message()).endsWith(messageEnd);
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(
            delimiter = ';',
            quoteCharacter = '"',
            value = {
                // a presence test on a type that cannot hold fields is still a compilation error
                "has(1.x)                    ; compilation failed",
                "has(request.name)           ; \"\"",
            })
    void compilationErrorsStayTheApiServers(String expression, String error) throws Exception {
        PolicyEngineTest.Setup s = PolicyEngineTest.setup(PolicyEngineTest.policy(
                        "p", "Fail", "namespaces", "  validations: [{expression: \"" + expression + "\"}]")
                + PolicyEngineTest.binding("b", "p", "Deny", ""));
        if (error.isEmpty()) {
            assertThat(s.errors()).isEmpty();
        } else {
            assertThat(String.join("\n", s.errors())).contains(error);
        }
    }
}

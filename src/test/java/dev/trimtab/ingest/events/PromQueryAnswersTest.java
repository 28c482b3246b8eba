package dev.trimtab.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.ingest.events.PromQueryAnswers.Answer;
import dev.trimtab.ingest.events.PromQueryAnswers.Result;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Prometheus' instant-query answers read by KEDA's rules (prometheus_scaler.go ExecutePromQuery,
 * kedacore/keda at 8b4f083), with the deviations {@link PromQueryAnswers} lists.
 */
class PromQueryAnswersTest {
    record Case(String name, int status, String body, boolean ignoreNull, Result result, long milli, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String vector(String... values) {
        StringBuilder s = new StringBuilder("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
        for (int i = 0; i < values.length; i++) {
            s.append(i == 0 ? "" : ",")
                    .append("{\"metric\":{\"job\":\"j")
                    .append(i)
                    .append("\"},\"value\":[1733540000.123,\"")
                    .append(values[i])
                    .append("\"]}");
        }
        return s.append("]}}").toString();
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("one element", 200, vector("42.5"), true, Result.ok, 42_500, ""),
                new Case("one element, exponent", 200, vector("1.5e3"), true, Result.ok, 1_500_000, ""),
                new Case("empty, ignoreNullValues (KEDA: 0)", 200, vector(), true, Result.null_as_zero, 0, ""),
                new Case(
                        "empty, not ignored (KEDA: error)",
                        200,
                        vector(),
                        false,
                        Result.empty_result,
                        0,
                        "the result is empty"),
                new Case(
                        "empty value list, ignored (KEDA: 0)",
                        200,
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
                                + "\"result\":[{\"metric\":{},\"value\":[]}]}}",
                        true,
                        Result.null_as_zero,
                        0,
                        ""),
                new Case(
                        "multiple elements (KEDA: error)",
                        200,
                        vector("1", "2"),
                        true,
                        Result.multiple_elements,
                        0,
                        "returned 2 elements"),
                new Case("+Inf, ignored (KEDA: 0)", 200, vector("+Inf"), true, Result.null_as_zero, 0, ""),
                new Case(
                        "-Inf, not ignored (KEDA: error)",
                        200,
                        vector("-Inf"),
                        false,
                        Result.not_finite,
                        0,
                        "returned -Inf"),
                new Case("NaN, ignored (KEDA: 0)", 200, vector("NaN"), true, Result.null_as_zero, 0, ""),
                new Case(
                        "NaN, not ignored (KEDA: error)",
                        200,
                        vector("NaN"),
                        false,
                        Result.not_finite,
                        0,
                        "returned NaN"),
                new Case(
                        "negative: 0, the HPA's outcome for KEDA's negative value",
                        200,
                        vector("-3"),
                        false,
                        Result.negative_as_zero,
                        0,
                        ""),
                new Case("too big for milli-units", 200, vector("1e300"), true, Result.not_finite, 0, "above"),
                new Case(
                        "scalar (KEDA fails to decode it; read here)",
                        200,
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1733540000,\"7\"]}}",
                        false,
                        Result.ok,
                        7_000,
                        ""),
                new Case(
                        "matrix",
                        200,
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
                                + "\"values\":[[1,\"1\"]]}]}}",
                        true,
                        Result.bad_answer,
                        0,
                        "resultType \"matrix\""),
                new Case("bad JSON", 200, "{\"status\":\"success\",", true, Result.bad_answer, 0, "not JSON"),
                new Case("JSON, not an object", 200, "[1,2]", true, Result.bad_answer, 0, "not a JSON object"),
                new Case(
                        "value not a number",
                        200,
                        vector("0x1p3"),
                        true,
                        Result.bad_answer,
                        0,
                        "\"0x1p3\" is not a number"),
                new Case(
                        "Java's suffix is no number", 200, vector("1d"), true, Result.bad_answer, 0, "is not a number"),
                new Case(
                        "value not a string",
                        200,
                        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
                                + "\"result\":[{\"metric\":{},\"value\":[1,2]}]}}",
                        true,
                        Result.bad_answer,
                        0,
                        "not [time, \"number\"]"),
                new Case(
                        "status error with 200",
                        200,
                        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}",
                        true,
                        Result.bad_answer,
                        0,
                        "status \"error\": bad_data: x"),
                new Case(
                        "HTTP 400 names Prometheus' error",
                        400,
                        "{\"status\":\"error\",\"errorType\":\"bad_data\","
                                + "\"error\":\"1:5: parse error: unexpected end of input\"}",
                        true,
                        Result.http_error,
                        0,
                        "HTTP 400: bad_data: 1:5: parse error"),
                new Case("HTTP 302 (redirects are not followed)", 302, "", true, Result.http_error, 0, "HTTP 302"),
                new Case("HTTP 503 not JSON", 503, "upstream down", true, Result.http_error, 0, "HTTP 503"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void kedasRules(Case c) {
        Answer a = PromQueryAnswers.read(c.status(), c.body().getBytes(StandardCharsets.UTF_8), c.ignoreNull());
        assertThat(a.result()).as(c.name() + ": " + a.detail()).isEqualTo(c.result());
        assertThat(a.milli()).isEqualTo(c.milli());
        assertThat(a.detail()).contains(c.detail());
        assertThat(a.result().hasValue()).isEqualTo(a.detail().isEmpty());
    }

    @ParameterizedTest(name = "{0} bytes")
    @MethodSource("sizes")
    void aBodyOverOneMebibyteIsRefused(int size) {
        String head = vector("1");
        byte[] body = Arrays.copyOf(head.getBytes(StandardCharsets.UTF_8), size);
        Arrays.fill(body, head.length(), size, (byte) ' '); // trailing white space: valid JSON at any size
        Answer a = PromQueryAnswers.read(200, body, true);
        assertThat(a.result()).isEqualTo(size > PromQueryAnswers.MAX_BODY ? Result.too_large : Result.ok);
    }

    static Stream<Integer> sizes() {
        return Stream.of(PromQueryAnswers.MAX_BODY, PromQueryAnswers.MAX_BODY + 1);
    }
}

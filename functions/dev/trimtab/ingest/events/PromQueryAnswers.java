package dev.trimtab.ingest.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads Prometheus' answer to an instant query ({@code GET /api/v1/query}) by the rules of KEDA's
 * Prometheus scaler ({@code ExecutePromQuery} in {@code pkg/scalers/prometheus_scaler.go}):
 * <ul>
 *   <li>an HTTP status outside 2xx is an error;</li>
 *   <li>no element (or an element whose {@code value} is empty): 0 with {@code ignoreNullValues},
 *       otherwise an error; more than one element is an error;</li>
 *   <li>an infinite or NaN value: 0 with {@code ignoreNullValues}, otherwise an error.</li>
 * </ul>
 * Deviations, each toward the safer side: the body is refused past {@link #MAX_BODY} bytes; a
 * {@code status} other than {@code success} is an error (KEDA does not look at it); a {@code scalar}
 * result is read as its value (KEDA fails to decode it); a {@code matrix} or {@code string} result is
 * an error (KEDA reads a matrix's missing {@code value} as empty, so 0 with ignoreNullValues); a
 * negative value is read as 0 (KEDA passes it to the HPA, whose ratio then falls to minReplicas and
 * whose activation is false, exactly as for 0; Trimtab's metric events take no negative values); a
 * value above {@link #MAX_VALUE} is an error (it does not fit milli-units; KEDA's int64 overflows).
 */
public final class PromQueryAnswers {
    /** The largest body read (1 MiB); a larger one is refused unread past this. */
    public static final int MAX_BODY = 1 << 20;
    /** The largest value taken: 9e15, as the remote-write receiver, so that milli-units fit a long. */
    public static final double MAX_VALUE = 9e15;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A decimal float as Go's ParseFloat takes it (Java's parser also takes hex, "1d", "Infinity"). */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private static final int MAX_DETAIL = 200;

    /** How a query ended: the counter's {@code result} label. */
    public enum Result {
        /** a finite value, not negative */
        ok,
        /** empty, infinite or NaN, read as 0 (ignoreNullValues) */
        null_as_zero,
        /** negative, read as 0 */
        negative_as_zero,
        /** empty with ignoreNullValues false */
        empty_result,
        /** more than one element */
        multiple_elements,
        /** infinite or NaN with ignoreNullValues false, or above {@link #MAX_VALUE} */
        not_finite,
        /** an HTTP status outside 2xx */
        http_error,
        /** a body over {@link #MAX_BODY} */
        too_large,
        /** not JSON, not Prometheus' answer, not success, or a result type that is not one value */
        bad_answer,
        /** the server is not in {@code trimtab.ingest.prometheus.allowed-servers} */
        refused_server,
        /** no answer within the query's timeout */
        timeout,
        /** the connection failed */
        unreachable,
        /** the broker did not take the metric event in time */
        not_delivered;

        /** Whether the query gave a value. */
        public boolean hasValue() {
            return this == ok || this == null_as_zero || this == negative_as_zero;
        }
    }

    /** The outcome: a value in milli-units when {@link Result#hasValue()}, else why not. */
    public record Answer(Result result, long milli, String detail) {
        public static Answer value(Result result, long milli) {
            return new Answer(result, milli, "");
        }

        public static Answer failed(Result result, String detail) {
            return new Answer(
                    result, 0, detail.length() <= MAX_DETAIL ? detail : detail.substring(0, MAX_DETAIL) + "…");
        }
    }

    private PromQueryAnswers() {}

    /** The answer to one query: the response's HTTP status and body (at most {@link #MAX_BODY} + 1 bytes read). */
    public static Answer read(int status, byte[] body, boolean ignoreNullValues) {
        if (body.length > MAX_BODY) {
            return Answer.failed(Result.too_large, "the answer is over " + MAX_BODY + " bytes");
        }
        if (status < 200 || status > 299) {
            return Answer.failed(Result.http_error, "HTTP " + status + error(body));
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return Answer.failed(Result.bad_answer, "not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return Answer.failed(Result.bad_answer, "not JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return Answer.failed(Result.bad_answer, "not a JSON object");
        }
        if (!"success".equals(root.path("status").asText(null))) {
            return Answer.failed(Result.bad_answer, "status " + root.path("status") + error(body));
        }
        JsonNode data = root.path("data");
        String type = data.path("resultType").asText("");
        JsonNode result = data.path("result");
        return switch (type) {
            case "vector" -> vector(result, ignoreNullValues);
            case "scalar" -> sample(result, ignoreNullValues);
            default ->
                Answer.failed(
                        Result.bad_answer,
                        "resultType \"" + type
                                + "\": the query must give an instant vector of one element, or a scalar");
        };
    }

    private static Answer vector(JsonNode result, boolean ignoreNull) {
        if (!result.isArray()) {
            return Answer.failed(Result.bad_answer, "data.result is not a list");
        }
        if (result.isEmpty()) {
            return ignoreNull
                    ? Answer.value(Result.null_as_zero, 0)
                    : Answer.failed(Result.empty_result, "the result is empty (ignoreNullValues is false)");
        }
        if (result.size() > 1) {
            return Answer.failed(
                    Result.multiple_elements,
                    "the query returned " + result.size()
                            + " elements; it must return one (aggregate it, e.g. sum(...))");
        }
        return sample(result.get(0).path("value"), ignoreNull);
    }

    /** {@code [time, "value"]}, as a vector element's {@code value} and a scalar's {@code result}. */
    private static Answer sample(JsonNode value, boolean ignoreNull) {
        if (value.isArray() && value.isEmpty()) {
            return ignoreNull
                    ? Answer.value(Result.null_as_zero, 0)
                    : Answer.failed(Result.empty_result, "the value list is empty (ignoreNullValues is false)");
        }
        if (!value.isArray() || value.size() < 2 || !value.get(1).isTextual()) {
            return Answer.failed(Result.bad_answer, "the value is not [time, \"number\"]: " + value);
        }
        String text = value.get(1).asText();
        double v;
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.equals("nan") || lower.equals("+nan") || lower.equals("-nan")) {
            v = Double.NaN;
        } else if (lower.matches("[+-]?inf(inity)?")) {
            v = lower.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        } else if (DECIMAL.matcher(text).matches()) {
            v = Double.parseDouble(text);
        } else {
            return Answer.failed(Result.bad_answer, "the value \"" + text + "\" is not a number");
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return ignoreNull
                    ? Answer.value(Result.null_as_zero, 0)
                    : Answer.failed(Result.not_finite, "the query returned " + text + " (ignoreNullValues is false)");
        }
        if (v < 0) {
            return Answer.value(Result.negative_as_zero, 0);
        }
        if (v > MAX_VALUE) {
            return Answer.failed(Result.not_finite, "the value " + text + " is above " + MAX_VALUE);
        }
        return Answer.value(Result.ok, Math.round(v * 1000));
    }

    /** Prometheus' {@code errorType: error} of an error answer, when the body has one. */
    private static String error(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.has("error")) {
                return ": " + root.path("errorType").asText("") + ": "
                        + root.path("error").asText("");
            }
        } catch (IOException e) {
            // not JSON: nothing to add
        }
        return "";
    }
}

package dev.trimtab.autoscaler.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A PromQL query a {@code type: Prometheus} metric pulls (KEDA's Prometheus scaler metadata): what
 * the puller asks and how it reads the answer. Pure data; the decision reads only the External
 * metric the answers become.
 *
 * @param serverAddress    {@code http(s)://host[:port][/path]}, no userinfo, query or fragment, no
 *                         trailing slash; the query goes to {@code serverAddress + "/api/v1/query"}
 * @param query            the PromQL expression, evaluated as an instant query
 * @param namespace        KEDA's {@code namespace}: sent as {@code &namespace=} (Thanos, Cortex
 *                         tenancy), "" for none
 * @param customHeaders    request headers, in their written order
 * @param queryParameters  extra query parameters, in their written order
 * @param ignoreNullValues KEDA's: an empty result (or an infinite or NaN value) reads as 0; otherwise
 *                         it is an error and nothing is sent
 * @param timeoutMillis    the whole request's time limit
 * @param pollingIntervalSeconds how often the query runs
 */
public record PromQuery(
        String serverAddress,
        String query,
        String namespace,
        Map<String, String> customHeaders,
        Map<String, String> queryParameters,
        boolean ignoreNullValues,
        int timeoutMillis,
        int pollingIntervalSeconds) {
    /** The label every answer carries, naming the policy whose query it answers (its metric selector). */
    public static final String POLICY_LABEL = "scalingpolicy.trimtab.dev/name";

    public PromQuery {
        customHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(customHeaders));
        queryParameters = Collections.unmodifiableMap(new LinkedHashMap<>(queryParameters));
    }
}

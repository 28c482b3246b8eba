package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.PromQuery;
import dev.trimtab.autoscaler.core.ScalingSpec;
import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code type: Prometheus} metrics: KEDA's Prometheus trigger metadata as an External metric with its query. */
class PrometheusMetricParserTest {
    private static final String REF = "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"}";

    static ScalingSpec spec(String min, String prometheus) {
        return ScalingPolicyParserTest.parse("{" + REF + ",\"minReplicas\":" + min + ",\"maxReplicas\":9,\"metrics\":["
                        + "{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}},"
                        + "{\"type\":\"Prometheus\",\"prometheus\":" + prometheus + "}]}")
                .spec();
    }

    @Test
    void kedasMetadataBecomesTheExternalMetricKedaGivesItsHpa() {
        ScalingSpec s = spec("0", """
                {"serverAddress":"http://prometheus.monitoring.svc:9090/","query":"sum(rate(http_requests_total[2m]))",
                 "threshold":"100.5","activationThreshold":"5.5","metricType":"Value","ignoreNullValues":false,
                 "namespace":"shop","customHeaders":"X-Tenant-Id=tid, X-Org = o","queryParameters":"dedup=true,partial_response=false",
                 "timeout":5000,"pollingInterval":10}""");
        MetricSpec m = s.metrics().get(1);
        assertThat(m.type()).isEqualTo(MetricSpec.Type.External);
        assertThat(m.metricName())
                .as("KEDA's name: s<trigger index>-prometheus")
                .isEqualTo("s1-prometheus");
        assertThat(m.metricSelector())
                .isEqualTo(new LabelSelector(Map.of("scalingpolicy.trimtab.dev/name", "p"), List.of()));
        assertThat(m.target()).isEqualTo(MetricSpec.Target.value(100_500));
        assertThat(m.activationMilli()).isEqualTo(5_500);
        assertThat(m.ignoreNullValues())
                .as("null handling is the puller's, not the core's")
                .isFalse();
        PromQuery q = m.pull();
        assertThat(q)
                .isEqualTo(new PromQuery(
                        "http://prometheus.monitoring.svc:9090",
                        "sum(rate(http_requests_total[2m]))",
                        "shop",
                        Map.of("X-Tenant-Id", "tid", "X-Org", "o"),
                        Map.of("dedup", "true", "partial_response", "false"),
                        false,
                        5000,
                        10));
        assertThat(q.customHeaders().keySet()).containsExactly("X-Tenant-Id", "X-Org");
        assertThat(s.scaleToZero())
                .as("a Prometheus metric is an activation metric, as an External one")
                .isNotNull();
    }

    @Test
    void kedasDefaults() {
        MetricSpec m = spec(
                        "1",
                        "{\"serverAddress\":\"https://thanos.example:10902/prefix\",\"query\":\"up\",\"threshold\":3}")
                .metrics()
                .get(1);
        assertThat(m.target()).as("AverageValue, as KEDA").isEqualTo(MetricSpec.Target.averageValue(3000));
        assertThat(m.activationMilli()).isZero();
        assertThat(m.pull())
                .isEqualTo(new PromQuery(
                        "https://thanos.example:10902/prefix", "up", "", Map.of(), Map.of(), true, 3000, 30));
    }

    record Invalid(String name, String prometheus, String problem) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Invalid> invalid() {
        String ok = "\"query\":\"up\",\"threshold\":\"1\"";
        String addr = "\"serverAddress\":\"http://p:9090\",";
        return Stream.of(
                new Invalid(
                        "address missing",
                        "{" + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: missing, a non-empty string is required"),
                new Invalid(
                        "ftp",
                        "{\"serverAddress\":\"ftp://p:21\"," + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: got \"ftp://p:21\", must be an http or https URL"),
                new Invalid(
                        "file",
                        "{\"serverAddress\":\"file:///etc/passwd\"," + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: got \"file:///etc/passwd\", must be an http or https URL"),
                new Invalid(
                        "relative",
                        "{\"serverAddress\":\"prometheus:9090\"," + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: got \"prometheus:9090\", must be an http or https URL"),
                new Invalid(
                        "userinfo",
                        "{\"serverAddress\":\"http://admin:secret@p:9090\"," + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: got \"http://***@p:9090\", must not carry credentials"),
                new Invalid(
                        "query string",
                        "{\"serverAddress\":\"http://p:9090/?x=1\"," + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: got \"http://p:9090/?x=1\", must not have a query or fragment"),
                new Invalid(
                        "no host",
                        "{\"serverAddress\":\"http:///x\"," + ok + "}",
                        "spec.metrics[1].prometheus.serverAddress: got \"http:///x\", must name a host"),
                new Invalid(
                        "query missing",
                        "{" + addr + "\"threshold\":\"1\"}",
                        "spec.metrics[1].prometheus.query: missing, a non-empty string is required"),
                new Invalid(
                        "query too long",
                        "{" + addr + "\"query\":\"" + "x".repeat(4097) + "\",\"threshold\":\"1\"}",
                        "spec.metrics[1].prometheus.query: got \"xxxx"),
                new Invalid(
                        "query too long names the bound",
                        "{" + addr + "\"query\":\"" + "x".repeat(4097) + "\",\"threshold\":\"1\"}",
                        "(4099 characters), must be at most 4096 characters"),
                new Invalid(
                        "threshold missing",
                        "{" + addr + "\"query\":\"up\"}",
                        "spec.metrics[1].prometheus.threshold: missing, a quantity is required"),
                new Invalid(
                        "threshold zero",
                        "{" + addr + "\"query\":\"up\",\"threshold\":\"0\"}",
                        "spec.metrics[1].prometheus.threshold: got \"0\", must be positive"),
                new Invalid(
                        "threshold not a number",
                        "{" + addr + "\"query\":\"up\",\"threshold\":\"many\"}",
                        "spec.metrics[1].prometheus.threshold: got \"many\", must be a Kubernetes quantity"),
                new Invalid(
                        "negative activation",
                        "{" + addr + ok + ",\"activationThreshold\":\"-1\"}",
                        "spec.metrics[1].prometheus.activationThreshold: got \"-1\", must not be negative"),
                new Invalid(
                        "metric type",
                        "{" + addr + ok + ",\"metricType\":\"Utilization\"}",
                        "spec.metrics[1].prometheus.metricType: got \"Utilization\", must be AverageValue (the default) or Value"),
                new Invalid(
                        "ignoreNullValues as string",
                        "{" + addr + ok + ",\"ignoreNullValues\":\"false\"}",
                        "spec.metrics[1].prometheus.ignoreNullValues: got \"false\", must be true or false"),
                new Invalid(
                        "headers not pairs",
                        "{" + addr + ok + ",\"customHeaders\":\"X-A=1,X-B\"}",
                        "spec.metrics[1].prometheus.customHeaders: got \"X-B\", is not key=value"),
                new Invalid(
                        "header name",
                        "{" + addr + ok + ",\"customHeaders\":\"X A=1\"}",
                        "spec.metrics[1].prometheus.customHeaders: got \"X A\", a header name must be an HTTP token"),
                new Invalid(
                        "host header",
                        "{" + addr + ok + ",\"customHeaders\":\"Host=evil\"}",
                        "spec.metrics[1].prometheus.customHeaders: got \"Host\", must not set Host"),
                new Invalid(
                        "parameter time",
                        "{" + addr + ok + ",\"queryParameters\":\"time=0\"}",
                        "spec.metrics[1].prometheus.queryParameters: got \"time\", must not set query or time"),
                new Invalid(
                        "timeout",
                        "{" + addr + ok + ",\"timeout\":60000}",
                        "spec.metrics[1].prometheus.timeout: got 60000, must be an integer in [1, 30000]"),
                new Invalid(
                        "polling",
                        "{" + addr + ok + ",\"pollingInterval\":0}",
                        "spec.metrics[1].prometheus.pollingInterval: got 0, must be an integer in [1, 3600]"),
                new Invalid(
                        "unsupported KEDA field",
                        "{" + addr + ok + ",\"unsafeSsl\":\"true\"}",
                        "spec.metrics[1].prometheus.unsafeSsl: got an unknown field"),
                new Invalid(
                        "namespace",
                        "{" + addr + ok + ",\"namespace\":\"\"}",
                        "spec.metrics[1].prometheus.namespace: got \"\", must be 1 to 253 characters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void everyProblemNamesTheFieldAndTheValue(Invalid c) {
        InvalidObjectException e = catchThrowableOfType(InvalidObjectException.class, () -> spec("1", c.prometheus()));
        assertThat(e).as(c.name()).isNotNull();
        assertThat(e.problems()).as(c.name()).anySatisfy(p -> assertThat(p).contains(c.problem()));
    }

    @Test
    void aPrometheusMetricNeedsItsSourceAndNoOther() {
        InvalidObjectException e = catchThrowableOfType(
                InvalidObjectException.class,
                () -> ScalingPolicyParserTest.parse(
                        "{" + REF + ",\"maxReplicas\":2,\"metrics\":[{\"type\":\"Prometheus\",\"external\":{}}]}"));
        assertThat(e.problems())
                .contains(
                        "spec.metrics[0].external: got an unknown field, expected one of [prometheus, type]",
                        "spec.metrics[0].prometheus: missing, an object is required");
    }
}

package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.ScalingRules;
import dev.trimtab.autoscaler.core.ScalingSpec;
import dev.trimtab.testing.Json;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScalingPolicyParserTest {

    static ScalingPolicy parse(String spec) {
        return ScalingPolicyParser.parse(
                Json.parse("{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\","
                        + "\"metadata\":{\"name\":\"p\",\"namespace\":\"ns\"},\"spec\":" + spec + "}"));
    }

    @Test
    void anHpaSpecPastesInUnchangedWithTheHpaDefaults() {
        // spec of a real autoscaling/v2 HPA, behavior only partly given
        ScalingPolicy p = parse("""
                {"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},
                 "maxReplicas":10,
                 "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":60}}},
                            {"type":"Pods","pods":{"metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"100"}}},
                            {"type":"Object","object":{"metric":{"name":"requests"},"describedObject":{"apiVersion":"networking.k8s.io/v1","kind":"Ingress","name":"main"},"target":{"type":"Value","value":"10k"}}},
                            {"type":"External","external":{"metric":{"name":"queue","selector":{"matchLabels":{"q":"a"}}},"target":{"type":"AverageValue","averageValue":"30"}}}],
                 "behavior":{"scaleDown":{"policies":[{"type":"Pods","value":1,"periodSeconds":60}],"tolerance":"50m"}}}""");
        ScalingSpec s = p.spec();
        assertThat(s.minReplicas()).isEqualTo(1);
        assertThat(s.metrics())
                .extracting(MetricSpec::type)
                .containsExactly(
                        MetricSpec.Type.Resource,
                        MetricSpec.Type.Pods,
                        MetricSpec.Type.Object,
                        MetricSpec.Type.External);
        assertThat(s.metrics().get(2).target().valueMilli()).isEqualTo(10_000_000);
        assertThat(s.behavior().scaleUp()).isEqualTo(ScalingRules.defaultScaleUp());
        assertThat(s.behavior().scaleDown().stabilizationWindowSeconds()).isEqualTo(300);
        assertThat(s.behavior().scaleDown().policies())
                .containsExactly(new ScalingRules.Policy(ScalingRules.PolicyType.Pods, 1, 60));
        assertThat(s.behavior().scaleDown().tolerance()).isEqualTo(0.05);
        assertThat(s.scaleToZero()).isNull();
        assertThat(s.fallback()).isNull();
        assertThat(s.panic()).isNull();
    }

    @Test
    void noMetricsMeansEightyPercentCpuAndNoBehaviorMeansLegacy() {
        ScalingSpec s = parse("{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":3}")
                .spec();
        assertThat(s.metrics()).containsExactly(MetricSpec.resource("cpu", MetricSpec.Target.utilization(80)));
        assertThat(s.behavior()).isNull();
        assertThat(s.scaleTargetRef().apiVersion()).isEqualTo("apps/v1");
    }

    @Test
    void extensionsTakeTheirDefaults() {
        ScalingSpec s = parse("""
                {"scaleTargetRef":{"kind":"Deployment","name":"w"},"minReplicas":0,"maxReplicas":5,
                 "metrics":[{"type":"External","external":{"metric":{"name":"q"},"target":{"type":"Value","value":"1"},"activationThreshold":"2"}}],
                 "fallback":{"failureThreshold":3,"replicas":2},"panic":{}}""").spec();
        assertThat(s.scaleToZero()).isEqualTo(new ScalingSpec.ScaleToZero(300, 0));
        assertThat(s.metrics().get(0).activationMilli()).isEqualTo(2000);
        assertThat(s.metrics().get(0).ignoreNullValues())
                .as("HPA semantics unless asked")
                .isFalse();
        assertThat(s.fallback()).isEqualTo(new ScalingSpec.Fallback(3, 2, ScalingSpec.FallbackBehavior.Static));
        assertThat(s.panic()).isEqualTo(new ScalingSpec.PanicMode(60, 10, 200, 1000, 2));
    }

    @Test
    void pauseAnnotations() {
        ScalingPolicy p = ScalingPolicyParser.parse(Json.parse("""
                {"apiVersion":"trimtab.dev/v1alpha1","kind":"ScalingPolicy",
                 "metadata":{"name":"p","namespace":"ns","annotations":{"autoscaling.trimtab.dev/paused-replicas":"3"}},
                 "spec":{"scaleTargetRef":{"kind":"Deployment","name":"w"},"maxReplicas":5}}"""));
        assertThat(p.paused()).isTrue();
        assertThat(p.pausedReplicas()).isEqualTo(3);
    }

    record Invalid(String name, String spec, String message) {}

    static Stream<Arguments> invalid() {
        String ref = "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"w\"}";
        return Stream.of(
                        new Invalid(
                                "max below min",
                                "{" + ref + ",\"minReplicas\":4,\"maxReplicas\":2}",
                                "spec.maxReplicas: got 2, must be greater than or equal to spec.minReplicas (4)"),
                        new Invalid(
                                "max missing",
                                "{" + ref + "}",
                                "spec.maxReplicas: missing, an integer >= 1 is required"),
                        new Invalid(
                                "target name missing",
                                "{\"scaleTargetRef\":{\"kind\":\"Deployment\"},\"maxReplicas\":2}",
                                "spec.scaleTargetRef.name: missing, a non-empty string is required"),
                        new Invalid(
                                "a kind that is a path",
                                "{\"scaleTargetRef\":{\"kind\":\"../secrets\",\"name\":\"w\"},\"maxReplicas\":2}",
                                "spec.scaleTargetRef.kind: got \"../secrets\", may not contain '/'"),
                        new Invalid(
                                "a name that is a parent",
                                "{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"..\"},\"maxReplicas\":2}",
                                "spec.scaleTargetRef.name: got \"..\", may not be '..'"),
                        new Invalid(
                                "an escaped name",
                                "{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"w%2Fx\"},\"maxReplicas\":2}",
                                "spec.scaleTargetRef.name: got \"w%2Fx\", may not contain '%'"),
                        new Invalid(
                                "an apiVersion with a path",
                                "{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1/../..\",\"kind\":\"Deployment\","
                                        + "\"name\":\"w\"},\"maxReplicas\":2}",
                                "spec.scaleTargetRef.apiVersion: got \"apps/v1/../..\", a DNS-1035 label must consist of"),
                        new Invalid(
                                "unknown metric type",
                                "{" + ref + ",\"maxReplicas\":2,\"metrics\":[{\"type\":\"Cpu\"}]}",
                                "spec.metrics[0].type: got \"Cpu\", must be one of [Resource, ContainerResource, Pods, Object, External, Prometheus, Kafka]"),
                        new Invalid(
                                "value target on a resource",
                                "{" + ref + ",\"maxReplicas\":2,\"metrics\":[{\"type\":\"Resource\",\"resource\":"
                                        + "{\"name\":\"cpu\",\"target\":{\"type\":\"Value\",\"value\":\"1\"}}}]}",
                                "spec.metrics[0].resource.target.type: got Value, must be Utilization or AverageValue for resource metrics"),
                        new Invalid(
                                "bad quantity",
                                "{" + ref + ",\"maxReplicas\":2,\"metrics\":[{\"type\":\"Pods\",\"pods\":"
                                        + "{\"metric\":{\"name\":\"rps\"},\"target\":{\"type\":\"AverageValue\",\"averageValue\":\"fast\"}}}]}",
                                "spec.metrics[0].pods.target.averageValue: got \"fast\", must be a Kubernetes quantity"),
                        new Invalid(
                                "ignoreNullValues as a string",
                                "{" + ref + ",\"maxReplicas\":2,\"metrics\":[{\"type\":\"External\","
                                        + "\"external\":{\"metric\":{\"name\":\"ALERTS\"},\"target\":{\"type\":\"Value\",\"value\":\"1\"},"
                                        + "\"ignoreNullValues\":\"true\"}}]}",
                                "spec.metrics[0].external.ignoreNullValues: got \"true\", must be true or false"),
                        new Invalid(
                                "window too long",
                                "{" + ref + ",\"maxReplicas\":2,\"behavior\":{\"scaleDown\":"
                                        + "{\"stabilizationWindowSeconds\":4000}}}",
                                "spec.behavior.scaleDown.stabilizationWindowSeconds: got 4000, must be an integer in [0, 3600]"),
                        new Invalid(
                                "period too long",
                                "{" + ref + ",\"maxReplicas\":2,\"behavior\":{\"scaleUp\":"
                                        + "{\"policies\":[{\"type\":\"Pods\",\"value\":1,\"periodSeconds\":1801}]}}}",
                                "spec.behavior.scaleUp.policies[0].periodSeconds: got 1801, must be an integer in [1, 1800]"),
                        new Invalid(
                                "zero without external",
                                "{" + ref + ",\"minReplicas\":0,\"maxReplicas\":2}",
                                "spec.minReplicas: got 0, 0 (scale to zero) needs at least one Object, External, Prometheus or Kafka metric"),
                        new Invalid(
                                "typo",
                                "{" + ref + ",\"maxReplicas\":2,\"maxReplica\":3}",
                                "spec.maxReplica: got an unknown field"),
                        new Invalid(
                                "panic threshold",
                                "{" + ref + ",\"maxReplicas\":2,\"panic\":{\"panicThresholdPercentage\":50}}",
                                "spec.panic.panicThresholdPercentage: got 50, must be a number in [110.0, 1000.0]"),
                        new Invalid(
                                "fallback behavior",
                                "{" + ref + ",\"maxReplicas\":2,\"fallback\":{\"failureThreshold\":1,"
                                        + "\"replicas\":1,\"behavior\":\"sometimes\"}}",
                                "spec.fallback.behavior: got \"sometimes\", must be one of static, currentReplicas"))
                .map(i -> Arguments.of(i.name(), i));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidSpecsNameTheFieldTheValueAndWhatIsAllowed(String name, Invalid c) {
        InvalidObjectException e = catchThrowableOfType(InvalidObjectException.class, () -> parse(c.spec()));
        assertThat(e).as("rejected").isNotNull();
        assertThat(e.getMessage()).startsWith("ScalingPolicy ns/p is invalid: ").contains(c.message());
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        InvalidObjectException e = catchThrowableOfType(
                InvalidObjectException.class, () -> parse("{\"scaleTargetRef\":{},\"maxReplicas\":-1}"));
        assertThat(e.problems()).hasSize(3);
    }
}

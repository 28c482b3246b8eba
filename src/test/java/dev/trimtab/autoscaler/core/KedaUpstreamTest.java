package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.testing.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KEDA's scale-executor (activation, cooldown) and fallback vectors, carried over as data in
 * {@code upstream/keda/cases.json}.
 */
class KedaUpstreamTest {
    private static final long NOW = 1_900_000_000_000L;
    private static final JsonNode ALL = Json.resource("/upstream/keda/cases.json");

    static Stream<Arguments> rows(String... arrays) {
        List<Arguments> out = new ArrayList<>();
        for (String a : arrays) {
            ALL.get(a)
                    .forEach(r -> out.add(Arguments.of(a + ": " + r.get("name").asText(), r)));
        }
        return out.stream();
    }

    static Stream<Arguments> executor() {
        return rows("scaleExecutor", "scaleExecutorDerived");
    }

    static Stream<Arguments> fallback() {
        return rows("fallback", "fallbackDerived");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("executor")
    void activationFollowsTheScaleExecutor(String name, JsonNode r) {
        JsonNode spec = r.get("spec");
        assumeTrue(spec.get("idleReplicaCount").isNull(), "idleReplicaCount is not offered (KEDA docs: only 0 works)");
        assumeTrue(
                r.get("annotations").isEmpty() && r.get("pausedReplicas").isNull(),
                "pause annotations are decided before activation (tested in AutoscalerTest)");
        assumeTrue(
                spec.get("minReplicaCount").asInt(0) == 0,
                "with minReplicas >= 1 activation changes no replica count; Trimtab skips the phase");
        int fallbackReplicas = spec.get("fallback").isNull()
                ? -1
                : spec.at("/fallback/replicas").asInt();
        Activation.Input in = new Activation.Input(
                r.get("currentReplicas").asInt(),
                r.get("isActive").asBoolean(),
                r.get("isError").asBoolean(),
                fallbackReplicas,
                ago(r.get("lastActiveSecondsAgo")),
                r.get("createdSecondsAgo").isNull() ? 0 : ago(r.get("createdSecondsAgo")),
                spec.get("cooldownPeriod").isNull()
                        ? 300
                        : spec.get("cooldownPeriod").asInt(),
                spec.get("initialCooldownPeriod").isNull()
                        ? 0
                        : spec.get("initialCooldownPeriod").asInt(),
                NOW);
        Activation.Action action = Activation.decide(in);

        boolean written = r.at("/expect/scaleWritten").asBoolean();
        int replicas = r.at("/expect/replicas").asInt();
        switch (action) {
            case Wake ->
                assertThat(written && in.current() == 0 && replicas >= 1)
                        .as("KEDA wakes from zero")
                        .isTrue();
            case Sleep ->
                assertThat(written && replicas == 0).as("KEDA scales to zero").isTrue();
            default ->
                assertThat(written).as("KEDA writes nothing (%s)", action).isFalse();
        }
        String reason = r.at("/expect/activeCondition/reason").asText("");
        if (reason.equals("ScalerCooldown")) {
            assertThat(action).isEqualTo(Activation.Action.CoolingDown);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fallback")
    void fallbackProposesTheKedaReplicas(String name, JsonNode r) {
        assumeTrue(
                r.get("fallbackConfigured").asBoolean(),
                "without fallback a failed metric is plain HPA (tested upstream cases)");
        assumeTrue(
                r.get("failureThreshold").asInt() >= 0
                        && r.get("fallbackReplicas").asInt() >= 0,
                "negative values are rejected by the ScalingPolicy parser before they reach the core");
        assumeTrue(
                "AverageValue".equals(r.get("metricType").asText()),
                "Trimtab proposes the fallback replicas directly instead of feeding target x replicas / ready pods "
                        + "through the Value formula, so the Value-metric arithmetic does not apply");
        int current =
                r.get("currentReplicas").isNull() ? 1 : r.get("currentReplicas").asInt();
        String behavior =
                r.get("behavior").isNull() ? "static" : r.get("behavior").asText();
        ScalingSpec.FallbackBehavior fb = switch (behavior) {
            case "currentReplicas" -> ScalingSpec.FallbackBehavior.CurrentReplicas;
            case "currentReplicasIfHigher" -> ScalingSpec.FallbackBehavior.CurrentReplicasIfHigher;
            case "currentReplicasIfLower" -> ScalingSpec.FallbackBehavior.CurrentReplicasIfLower;
            default -> ScalingSpec.FallbackBehavior.Static;
        };
        long targetMilli = Math.round(r.get("targetValue").asDouble() * 1000);
        ClusterState state = new ClusterState();
        ObjectRef target = new ObjectRef("apps/v1", "Deployment", "ns", "w");
        state.putTarget(new ScaleTarget(target, current, current, LabelSelector.EVERYTHING, "1"));
        if (!r.get("scalerError").asBoolean()) {
            state.metrics()
                    .putExternal(
                            "ns",
                            "m",
                            Map.of(),
                            new Sample(r.get("scalerMetricValue").asLong() * 1000, NOW, 0));
        }
        MetricSpec metric = MetricSpec.external("m", null, MetricSpec.Target.averageValue(targetMilli));
        ScalingPolicy policy = new ScalingPolicy(
                new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "ns", "p"),
                new ScalingSpec(
                        new ObjectRef("apps/v1", "Deployment", "", "w"),
                        1,
                        1000,
                        List.of(metric),
                        null,
                        null,
                        new ScalingSpec.Fallback(
                                r.get("failureThreshold").asInt(),
                                r.get("fallbackReplicas").asInt(),
                                fb),
                        null),
                false,
                null);
        History h = state.history(policy.ref());
        h.failureStreaks(1)[0] = r.get("startingNumberOfFailures").asInt(0);

        MetricResult result = new Autoscaler(Settings.defaults())
                .decide(state, policy, NOW)
                .metrics()
                .get(0);

        boolean kedaError = r.at("/expect/error").asBoolean();
        assertThat(result.failed()).as("metric still in error").isEqualTo(kedaError);
        if (r.at("/expect/numberOfFailuresAfter").isInt()) {
            assertThat(h.metricFailures[0])
                    .as("failures after")
                    .isEqualTo(r.at("/expect/numberOfFailuresAfter").asInt());
        }
        boolean valueAsserted = r.at("/impliedByCode/fallbackReplicasUsed").isInt()
                || r.at("/expect/fallbackReplicasUsed").isInt()
                || r.at("/expect/metricValue").isNumber();
        if (!kedaError && r.get("scalerError").asBoolean() && valueAsserted) {
            int used = r.at("/impliedByCode/fallbackReplicasUsed").isInt()
                    ? r.at("/impliedByCode/fallbackReplicasUsed").asInt()
                    : r.at("/expect/fallbackReplicasUsed").isInt()
                            ? r.at("/expect/fallbackReplicasUsed").asInt()
                            : (int) Math.round(r.at("/expect/metricValue").asDouble()
                                    / r.get("targetValue").asDouble());
            assertThat(result.proposedReplicas()).as("fallback replicas").isEqualTo(used);
        }
    }

    private static long ago(JsonNode secondsAgo) {
        return secondsAgo == null || secondsAgo.isNull() ? -1 : NOW - secondsAgo.asLong() * 1000;
    }
}

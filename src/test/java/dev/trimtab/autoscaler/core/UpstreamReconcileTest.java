package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.testing.Json;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HPA controller's whole-reconcile tests (TestScaleUp, TestTolerance, TestMinReplicas, ...;
 * data in {@code upstream/hpa/behavior-cases.json}) run through {@link Autoscaler#decide} on a
 * {@link ClusterState} built like the upstream fakes.
 */
class UpstreamReconcileTest {
    private static final long NOW = 1_900_000_000_000L;
    private static final String NS = "test-namespace";
    private static final java.util.Set<String> UNIT_TABLES = java.util.Set.of(
            "TestNormalizeDesiredReplicas",
            "TestNormalizeDesiredReplicasWithBehavior",
            "TestScalingWithRules",
            "TestStoreScaleEvents",
            "TestCalculateScaleUpLimitWithScalingRules",
            "TestCalculateScaleDownLimitWithBehaviors",
            "TestConvertDesiredReplicasWithRules",
            "TestGenerateScaleUpRules",
            "TestGenerateScaleDownRules");

    static Stream<Arguments> rows() {
        JsonNode all = Json.resource("/upstream/hpa/behavior-cases.json");
        List<Arguments> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = all.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (UNIT_TABLES.contains(e.getKey())) {
                continue;
            }
            for (JsonNode row : e.getValue()) {
                String name = row.get("name").asText();
                out.add(Arguments.of(name.equals(e.getKey()) ? name : e.getKey() + "/" + name, row));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void reproducesUpstreamReconcile(String name, JsonNode row) {
        assumeTrue(
                !row.at("/featureGates/HPAScaleToZero").asBoolean(false),
                "HPAScaleToZero (alpha) is not emulated: Trimtab scales to zero with KEDA semantics (docs/decisions/0003)");
        assumeTrue(
                row.at("/featureGates/HPAConfigurableTolerance").asBoolean(true),
                "per-direction tolerance is always honoured (the gate is on by default since 1.35)");
        assumeTrue(
                row.get("minReplicas").asInt() > 0,
                "minReplicas 0 is Trimtab's KEDA activation, not the HPA alpha gate (docs/decisions/0003)");

        ClusterState state = new ClusterState();
        LabelSelector selector = new LabelSelector(Map.of("name", "test-pod"), List.of());
        ObjectRef targetRef = new ObjectRef("apps/v1", "Deployment", NS, "test-deployment");
        state.putTarget(new ScaleTarget(
                targetRef,
                row.get("specReplicas").asInt(),
                row.get("statusReplicas").asInt(),
                selector,
                "1"));
        List<MetricSpec> metrics = new ArrayList<>();
        for (JsonNode m : row.get("metrics")) {
            metrics.add(metric(m, state, row.get("podCount").asInt()));
        }
        Behavior behavior = row.get("behavior").isNull()
                ? null
                : new Behavior(
                        rules(row.at("/behavior/scaleUp"), ScalingRules.defaultScaleUp()),
                        rules(row.at("/behavior/scaleDown"), ScalingRules.defaultScaleDown()));
        ScalingSpec spec = new ScalingSpec(
                new ObjectRef("apps/v1", "Deployment", "", "test-deployment"),
                row.get("minReplicas").asInt(),
                row.get("maxReplicas").asInt(),
                metrics,
                behavior,
                null,
                null,
                null);
        ScalingPolicy policy =
                new ScalingPolicy(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", NS, "hpa"), spec, false, null);
        state.putPolicy(policy);
        History h = state.history(policy.ref());
        JsonNode recs = row.get("initialRecommendations");
        if (recs != null && recs.isArray()) {
            h.firstSeenMillis = NOW - 1; // the key exists: no initial recommendation is recorded
            for (JsonNode r : recs) {
                h.addRecommendation(
                        r.get("recommendation").asInt(),
                        NOW - r.get("secondsAgo").asLong() * 1000);
            }
        }

        ScaleDecision d = new Autoscaler(Settings.defaults()).decide(state, policy, NOW);

        JsonNode expect = row.get("expect");
        assertThat(d.desiredReplicas())
                .as("desired replicas (%s)", d.message())
                .isEqualTo(expect.get("desiredReplicas").asInt());
        assertThat(d.rescale())
                .as("scale updated")
                .isEqualTo(expect.get("scaleUpdated").asBoolean());
        for (JsonNode c : expect.path("conditions")) {
            String type = c.get("type").asText();
            String reason = c.get("reason").asText();
            boolean status = "True".equals(c.get("status").asText());
            if (type.equals("ScalingLimited") && status) {
                assertThat(d.reason().name()).as("ScalingLimited reason").isEqualTo(reason);
            } else if (type.equals("ScalingActive") && !status) {
                assertThat(d.reason())
                        .as("ScalingActive=False (%s)", reason)
                        .isEqualTo(reason.equals("ScalingDisabled") ? Reason.ScalingDisabled : Reason.FailedGetMetrics);
            } else if (type.equals("AbleToScale") && reason.endsWith("Stabilized")) {
                assertThat(d.reason().name()).as("AbleToScale reason").isEqualTo(reason);
            }
        }
    }

    private static MetricSpec metric(JsonNode m, ClusterState state, int podCount) {
        String type = m.get("type").asText();
        switch (type) {
            case "Resource" -> {
                JsonNode levels = m.has("effectivePodUsageMilli")
                        ? m.get("effectivePodUsageMilli")
                        : m.get("reportedLevelsMilli");
                for (int i = 0; i < podCount; i++) {
                    long request = m.get("podRequestMilli").get(i).asLong();
                    String pod = "test-pod-" + i;
                    state.putPod(new Pod(
                            NS,
                            pod,
                            Map.of("name", "test-pod"),
                            Pod.Phase.Running,
                            true,
                            NOW - 3_600_000,
                            NOW - 3_600_000,
                            false,
                            List.of(new Pod.Container("container", Map.of("cpu", request)))));
                    if (i < levels.size()) {
                        state.metrics()
                                .putPodUsage(
                                        NS,
                                        pod,
                                        new PodUsage(
                                                NOW,
                                                60_000,
                                                Map.of("name", "test-pod"),
                                                List.of(new PodUsage.ContainerUsage(
                                                        "container",
                                                        Map.of(
                                                                "cpu",
                                                                levels.get(i).asLong())))));
                    }
                }
                JsonNode t = m.get("target");
                return MetricSpec.resource(
                        "cpu",
                        t == null || t.isNull()
                                ? MetricSpec.Target.utilization(80)
                                : MetricSpec.Target.utilization(
                                        t.get("averageUtilization").asInt()));
            }
            case "Object" -> {
                JsonNode d = m.get("describedObject");
                ObjectRef described = new ObjectRef(
                        d.get("apiVersion").asText(),
                        d.get("kind").asText(),
                        NS,
                        d.get("name").asText());
                state.metrics()
                        .putObjectMetric(
                                new MetricStore.ObjectKey(
                                        NS,
                                        described.kind(),
                                        described.name(),
                                        MetricStore.SeriesKey.of(
                                                m.get("metricName").asText(), null)),
                                new Sample(m.get("observedValueMilli").asLong(), NOW, 60_000));
                return MetricSpec.object(
                        m.get("metricName").asText(),
                        null,
                        described,
                        MetricSpec.Target.value(m.at("/target/valueMilli").asLong()));
            }
            case "External" -> {
                if (!m.has("fetchError")) {
                    int i = 0;
                    for (JsonNode v : m.path("observedValuesMilli")) {
                        state.metrics()
                                .putExternal(
                                        NS,
                                        m.get("metricName").asText(),
                                        Map.of("i", "" + i++),
                                        new Sample(v.asLong(), NOW, 60_000));
                    }
                }
                return MetricSpec.external(
                        m.get("metricName").asText(),
                        null,
                        MetricSpec.Target.value(m.at("/target/valueMilli").asLong()));
            }
            default -> {
                // an invalid metric upstream (for example type "CheddarCheese"): one that never yields a value
                return MetricSpec.external("never-reported-" + type, null, MetricSpec.Target.value(1000));
            }
        }
    }

    private static ScalingRules rules(JsonNode r, ScalingRules dflt) {
        if (r == null || r.isMissingNode() || r.isNull()) {
            return dflt;
        }
        List<ScalingRules.Policy> policies = new ArrayList<>();
        for (JsonNode p : r.path("policies")) {
            policies.add(new ScalingRules.Policy(
                    ScalingRules.PolicyType.valueOf(p.get("type").asText()),
                    p.get("value").asInt(),
                    p.get("periodSeconds").asInt()));
        }
        return new ScalingRules(
                r.hasNonNull("stabilizationWindowSeconds")
                        ? r.get("stabilizationWindowSeconds").asInt()
                        : dflt.stabilizationWindowSeconds(),
                r.hasNonNull("selectPolicy")
                        ? ScalingRules.SelectPolicy.valueOf(
                                r.get("selectPolicy").asText())
                        : ScalingRules.SelectPolicy.Max,
                policies.isEmpty() ? dflt.policies() : policies,
                r.hasNonNull("tolerance") ? r.get("tolerance").asDouble() : null);
    }
}

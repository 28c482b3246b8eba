package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HPA controller's behavior tests (stabilization, rate policies, scale-event bookkeeping),
 * carried over as data in {@code upstream/hpa/behavior-cases.json}.
 */
class UpstreamBehaviorTest {
    private static final long NOW = 1_900_000_000_000L;
    private static final JsonNode ALL = Json.resource("/upstream/hpa/behavior-cases.json");

    static Stream<Arguments> rows(String function) {
        return StreamSupport.stream(ALL.get(function).spliterator(), false)
                .map(r -> Arguments.of(r.get("name").asText(), r));
    }

    static Stream<Arguments> scalingWithRules() {
        return rows("TestScalingWithRules");
    }

    static Stream<Arguments> normalizeWithBehavior() {
        return rows("TestNormalizeDesiredReplicasWithBehavior");
    }

    static Stream<Arguments> normalizeLegacy() {
        return rows("TestNormalizeDesiredReplicas");
    }

    static Stream<Arguments> storeScaleEvents() {
        return rows("TestStoreScaleEvents");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scalingWithRules")
    void rateLimits(String name, JsonNode r) {
        History h = new History();
        events(h, true, r.get("scaleUpEvents"));
        events(h, false, r.get("scaleDownEvents"));
        Behavior b = new Behavior(
                rules(r.get("scaleUpRules"), ScalingRules.defaultScaleUp()),
                rules(r.get("scaleDownRules"), ScalingRules.defaultScaleDown()));
        ReplicaNormalizer.Limit limit = ReplicaNormalizer.rateLimit(
                h,
                b,
                r.get("currentReplicas").asInt(),
                r.get("prenormalizedDesiredReplicas").asInt(),
                r.get("minReplicas").asInt(),
                r.get("maxReplicas").asInt(),
                NOW);
        assertThat(limit.replicas())
                .as("replicas")
                .isEqualTo(r.at("/expect/replicas").asInt());
        assertThat(limit.reason().name())
                .as("condition")
                .isEqualTo(r.at("/expect/condition").asText());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalizeWithBehavior")
    void stabilizationWithBehavior(String name, JsonNode r) {
        History h = new History();
        for (JsonNode rec : r.get("recommendations")) {
            h.addRecommendation(
                    rec.get("recommendation").asInt(),
                    NOW - rec.get("secondsAgo").asLong() * 1000);
        }
        Behavior b = new Behavior(
                rules(r.get("scaleUpRules"), ScalingRules.defaultScaleUp()),
                rules(r.get("scaleDownRules"), ScalingRules.defaultScaleDown()));
        int stabilized = ReplicaNormalizer.stabilize(
                h,
                b,
                r.get("currentReplicas").asInt(),
                r.get("prenormalizedDesiredReplicas").asInt(),
                NOW);
        assertThat(stabilized)
                .as("stabilized")
                .isEqualTo(r.at("/expect/stabilizedReplicas").asInt());
        if (r.at("/expect/recommendationsLength").isInt()) {
            assertThat(h.recommendations())
                    .as("recommendations")
                    .hasSize(r.at("/expect/recommendationsLength").asInt());
        }
        JsonNode expected = r.at("/expect/recommendations");
        if (expected.isArray()) {
            List<Integer> values = h.recommendations().stream()
                    .map(History.Recommendation::replicas)
                    .toList();
            List<Integer> want = new ArrayList<>();
            expected.forEach(e -> want.add(e.get("recommendation").asInt()));
            assertThat(values).as("recommendation values").isEqualTo(want);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalizeLegacy")
    void stabilizationWithoutBehavior(String name, JsonNode r) {
        History h = new History();
        for (JsonNode rec : r.get("recommendations")) {
            h.addRecommendation(
                    rec.get("recommendation").asInt(),
                    NOW - rec.get("secondsAgo").asLong() * 1000);
        }
        Settings s = Settings.defaults();
        s = new Settings(
                s.tolerance(),
                s.cpuInitializationPeriod(),
                s.initialReadinessDelay(),
                Duration.ofSeconds(r.get("downscaleStabilisationWindowSeconds").asLong()),
                s.maxSampleAge());
        int desired = r.get("prenormalizedDesiredReplicas").asInt();
        ReplicaNormalizer.Normalized n = ReplicaNormalizer.legacy(h, s, desired, desired, 0, Integer.MAX_VALUE, NOW);
        assertThat(n.stabilized())
                .as("stabilized")
                .isEqualTo(r.at("/expect/stabilizedReplicas").asInt());
        assertThat(h.recommendations())
                .as("recommendations")
                .hasSize(r.at("/expect/recommendationsLength").asInt());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("storeScaleEvents")
    void scaleEventBookkeeping(String name, JsonNode r) {
        JsonNode rulesNode = r.get("scalingRules");
        Behavior b = rulesNode.isNull()
                ? null
                : new Behavior(
                        rules(rulesNode, ScalingRules.defaultScaleUp()),
                        rules(rulesNode, ScalingRules.defaultScaleDown()));
        for (boolean up : new boolean[] {true, false}) {
            History h = new History();
            events(h, up, r.get("prevScaleEvents"));
            int before = ReplicaNormalizer.changeInPeriod(60, h.scaleUpEvents, NOW);
            if (up) {
                assertThat(before)
                        .as("replicas added in the last 60s before storing")
                        .isEqualTo(r.at("/expect/replicasChangePerPeriod60BeforeStore")
                                .asInt());
            }
            int prev = r.get("prevReplicas").asInt();
            int next = (up ? r.get("newReplicasScaleUp") : r.get("newReplicasScaleDown")).asInt();
            ReplicaNormalizer.storeScaleEvent(h, b, prev, next, NOW);
            List<History.ScaleEvent> got = up ? h.scaleUpEvents() : h.scaleDownEvents();
            JsonNode want = r.at("/expect/scaleEvents");
            assertThat(got).as("scale events (" + (up ? "up" : "down") + ")").hasSize(want.size());
            for (int i = 0; i < want.size(); i++) {
                assertThat(got.get(i).replicaChange())
                        .as("event " + i + " change")
                        .isEqualTo(want.get(i).get("replicaChange").asInt());
                assertThat(got.get(i).timestampMillis())
                        .as("event " + i + " time")
                        .isEqualTo(NOW - want.get(i).get("secondsAgo").asLong() * 1000);
                assertThat(got.get(i).outdated())
                        .as("event " + i + " outdated")
                        .isEqualTo(want.get(i).get("outdated").asBoolean());
            }
        }
    }

    private static void events(History h, boolean up, JsonNode events) {
        if (events == null || events.isNull()) {
            return;
        }
        for (JsonNode e : events) {
            h.addScaleEvent(
                    up,
                    e.get("replicaChange").asInt(),
                    NOW - e.get("secondsAgo").asLong() * 1000,
                    e.path("outdated").asBoolean(false));
        }
    }

    private static ScalingRules rules(JsonNode r, ScalingRules dflt) {
        if (r == null || r.isNull()) {
            return dflt;
        }
        int window = r.hasNonNull("stabilizationWindowSeconds")
                ? r.get("stabilizationWindowSeconds").asInt()
                : dflt.stabilizationWindowSeconds();
        ScalingRules.SelectPolicy select = r.hasNonNull("selectPolicy")
                ? ScalingRules.SelectPolicy.valueOf(r.get("selectPolicy").asText())
                : ScalingRules.SelectPolicy.Max;
        List<ScalingRules.Policy> policies = dflt.policies();
        if (r.hasNonNull("policies")) {
            policies = new ArrayList<>();
            for (JsonNode p : r.get("policies")) {
                policies.add(new ScalingRules.Policy(
                        ScalingRules.PolicyType.valueOf(p.get("type").asText()),
                        p.get("value").asInt(),
                        p.get("periodSeconds").asInt()));
            }
        }
        return new ScalingRules(window, select, policies, null);
    }
}

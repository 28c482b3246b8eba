package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.PanicController.PanicState;
import dev.trimtab.autoscaler.core.PanicController.Spec;
import dev.trimtab.autoscaler.core.PanicController.Step;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.testing.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Knative KPA's {@code Scale()} tests, carried over as data in
 * {@code upstream/knative/panic-scenarios.json} (see the README next to it), replayed against
 * {@link PanicController#scale}; plus the Trimtab adapter {@link PanicController#decide}.
 */
class KnativePanicUpstreamTest {
    private static final JsonNode ALL = Json.resource("/upstream/knative/panic-scenarios.json");
    /** Go's {@code time.Time{}} as epoch millis: even Unix seconds, so delay buckets line up. */
    private static final long GO_ZERO_TIME_MILLIS = -62_135_596_800_000L;
    /** Origin for the scenarios upstream ran at {@code time.Now()}; an even Unix second. */
    private static final long NOW = 1_900_000_000_000L;

    static Stream<Arguments> scenarios() {
        return StreamSupport.stream(ALL.spliterator(), false)
                .map(s -> Arguments.of(s.get("name").asText(), s));
    }

    @Test
    void allScenariosAreLoaded() {
        assertThat(ALL.size()).isEqualTo(37);
        int steps = 0;
        for (JsonNode s : ALL) {
            steps += s.get("steps").size();
        }
        assertThat(steps).isEqualTo(60);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void upstreamScenario(String name, JsonNode s) {
        long origin = "go-zero-time".equals(s.path("timeOrigin").asText()) ? GO_ZERO_TIME_MILLIS : NOW;
        Spec spec = spec(s.get("spec"));
        int initialPods = s.path("initialPodCountError").isMissingNode()
                ? s.get("initialReadyPods").asInt()
                : 0;
        PanicState state = PanicState.initial(spec, initialPods, origin);

        JsonNode forced = s.get("initialState");
        if (forced != null) {
            JsonNode at = forced.get("panicTimeAtSeconds");
            boolean panicking = at != null && !at.isNull();
            state = new PanicState(
                    panicking,
                    panicking ? millis(origin, at) : 0,
                    forced.get("maxPanicPods").asInt(),
                    state.delay());
        }
        JsonNode initial = s.get("expectInitial");
        if (initial != null) {
            if (initial.has("panicking")) {
                assertThat(state.panicking())
                        .as("panicking after construction")
                        .isEqualTo(initial.get("panicking").asBoolean());
            }
            if (initial.has("maxPanicPods")) {
                assertThat(state.maxPanicPods())
                        .as("maxPanicPods after construction")
                        .isEqualTo(initial.get("maxPanicPods").asInt());
            }
        }

        int i = 0;
        for (JsonNode step : s.get("steps")) {
            String where =
                    name + " step " + i++ + " at " + step.get("atSeconds").asText() + "s";
            if (step.has("specUpdate")) {
                spec = spec(step.get("specUpdate"));
            }
            int ready = step.has("podCountError")
                    ? PanicController.PODS_UNKNOWN
                    : step.get("readyPods").asInt();
            boolean metricsFail = step.has("metricsError");
            double stable =
                    metricsFail ? Double.NaN : step.get("observedStable").asDouble();
            double panic = metricsFail ? Double.NaN : step.get("observedPanic").asDouble();

            Step out = PanicController.scale(state, spec, ready, stable, panic, millis(origin, step.get("atSeconds")));

            JsonNode e = step.get("expect");
            assertThat(out.valid())
                    .as(where + ": valid")
                    .isEqualTo(e.get("valid").asBoolean());
            assertThat(out.desiredPodCount())
                    .as(where + ": desiredPodCount")
                    .isEqualTo(e.get("desiredPodCount").asInt());
            assertThat(out.excessBurstCapacity())
                    .as(where + ": excessBurstCapacity")
                    .isCloseTo(
                            e.get("excessBurstCapacity").asInt(),
                            within(e.path("excessBurstCapacityTolerance").asInt(0)));
            if (!out.valid()) {
                assertThat(out.next())
                        .as(where + ": an invalid step changes no state")
                        .isSameAs(state);
            }
            state = out.next();
            if (e.has("panicking")) {
                assertThat(state.panicking())
                        .as(where + ": panicking")
                        .isEqualTo(e.get("panicking").asBoolean());
            }
            if (e.has("panicTimeAtSeconds")) {
                JsonNode at = e.get("panicTimeAtSeconds");
                if (at.isNull()) {
                    assertThat(state.panicking())
                            .as(where + ": panicking (panic time zero)")
                            .isFalse();
                } else {
                    assertThat(state.panicking()).as(where + ": panicking").isTrue();
                    assertThat(state.panicStartMillis())
                            .as(where + ": panic time")
                            .isEqualTo(millis(origin, at));
                }
            }
        }
    }

    private static long millis(long origin, JsonNode atSeconds) {
        return origin + Math.round(atSeconds.asDouble() * 1000);
    }

    private static Spec spec(JsonNode j) {
        return new Spec(
                j.get("targetValue").asDouble(),
                j.get("totalValue").asDouble(),
                j.get("targetBurstCapacity").asDouble(),
                j.get("maxScaleUpRate").asDouble(),
                j.get("maxScaleDownRate").asDouble(),
                j.get("panicThreshold").asDouble(),
                j.get("stableWindowSeconds").asLong() * 1000,
                j.get("scaleDownDelaySeconds").asLong() * 1000,
                j.get("reachable").asBoolean(),
                j.get("activationScale").asInt());
    }

    @Test
    void delayBucketKeepsTheLargerValueSoOneBucketIsNotNoDelay() {
        PanicController.DelayWindow w = PanicController.DelayWindow.forDelay(1_000);
        assertThat(w.size()).as("ceil(1 s / 2 s)").isEqualTo(1);

        w = w.record(NOW, 4).record(NOW + 1_500, 1);
        assertThat(w.current()).as("same 2 s bucket: the larger value stays").isEqualTo(4);

        w = w.record(NOW + 2_000, 1);
        assertThat(w.current()).as("next bucket: the 4 scrolled out").isEqualTo(1);
        assertThat(PanicController.DelayWindow.forDelay(301_000).size()).isEqualTo(151);
    }

    // ---- decide(): the Trimtab adapter -------------------------------------------------------

    private static final ScalingSpec.PanicMode DEFAULTS = new ScalingSpec.PanicMode(60, 10.0, 200.0, 1000.0, 2.0);
    private static final ObjectRef REF = new ObjectRef("apps/v1", "Deployment", "ns", "web");
    private static final ScaleTarget TARGET = new ScaleTarget(REF, 4, 4, LabelSelector.EVERYTHING, "1");

    private static ClusterState cluster(int readyPods) {
        ClusterState c = new ClusterState();
        c.putTarget(TARGET);
        for (int i = 0; i < readyPods; i++) {
            c.putPod(new Pod(
                    "ns", "web-" + i, Map.of("app", "web"), Pod.Phase.Running, Boolean.TRUE, 0, 0, false, List.of()));
        }
        c.putPod(new Pod(
                "ns", "web-starting", Map.of("app", "web"), Pod.Phase.Running, Boolean.FALSE, 0, 0, false, List.of()));
        return c;
    }

    private static List<MetricResult> demand(double pods) {
        MetricSpec cpu = MetricSpec.resource("cpu", MetricSpec.Target.utilization(50));
        return List.of(new MetricResult(cpu, 50, null, null, (int) Math.ceil(pods), pods, null, null));
    }

    private static PanicController.Result decide(History h, int readyPods, double demand, long at) {
        return PanicController.decide(
                h, DEFAULTS, demand(demand), (int) Math.ceil(demand), TARGET, cluster(readyPods), at);
    }

    @Test
    void decideAveragesDemandOverTimeNotOverSamples() {
        History h = new History();
        h.demand.add(new History.DemandPoint(NOW - 100_000, 100));
        h.demand.add(new History.DemandPoint(NOW - 90_000, 8));
        h.demand.add(new History.DemandPoint(NOW - 40_000, 9));

        PanicController.Result r = decide(h, 4, 1, NOW);

        // Each point reports the time since the previous one. Stable window (now-60s, now]: 9 for the
        // 20 s up to -40 s, then 1 for 40 s => 220/60 = 3.667 -> 4 pods, where a plain mean of the
        // samples in the window would give 5. Panic window (now-6s, now]: 1.
        assertThat(r.replicas()).isEqualTo(4);
        assertThat(r.panicking()).isFalse();
        assertThat(r.message()).contains("stable demand 3.667 pods", "panic demand 1.000 pods", "4 ready");
        // The 100 at -100 s no longer weighs in; the point at -90 s stays as the start of the next interval.
        assertThat(h.demand)
                .extracting(History.DemandPoint::timestampMillis)
                .containsExactly(NOW - 90_000, NOW - 40_000, NOW);
    }

    @Test
    void decideNeverScalesDownWhilePanicking() {
        History h = new History();

        PanicController.Result r = decide(h, 1, 5, NOW);
        assertThat(r.panicking())
                .as("5 pods of demand on 1 ready pod is over 200 %")
                .isTrue();
        assertThat(r.replicas()).isEqualTo(5);
        assertThat(h.panicStartMillis).isEqualTo(NOW);

        // Demand drops to 1 pod: both windows now see 1 (each point covers the time since the
        // previous one), but panic holds its running maximum.
        decide(h, 5, 1, NOW + 10_000);
        r = decide(h, 5, 1, NOW + 20_000);
        assertThat(r.message()).contains("stable demand 1.000 pods", "panic demand 1.000 pods");
        assertThat(r.panicking()).isTrue();
        assertThat(r.replicas()).isEqualTo(5);
        assertThat(h.panicStartMillis)
                .as("not over the threshold: the panic time stays")
                .isEqualTo(NOW);

        // Exactly one stable window after the last over-threshold evaluation: still panicking.
        r = decide(h, 5, 1, NOW + 60_000);
        assertThat(r.panicking()).isTrue();
        assertThat(r.replicas()).isEqualTo(5);

        // Strictly after: panic ends and the stable count applies at once: demand 1, but the
        // scale-down rate allows no fewer than floor(5 ready / 2) = 2 pods.
        r = decide(h, 5, 1, NOW + 61_000);
        assertThat(r.panicking()).isFalse();
        assertThat(r.replicas()).isEqualTo(2);
        assertThat(h.panicking()).isFalse();
        assertThat(h.maxPanicPods).isZero();
    }

    @Test
    void decideStartsInPanicOnFirstEvaluationWithSeveralReadyPods() {
        History h = new History();

        PanicController.Result r = decide(h, 3, 1, NOW);

        // Like a freshly created Knative decider: 3 ready pods => panicking, holding 3.
        assertThat(r.panicking()).isTrue();
        assertThat(r.replicas()).isEqualTo(3);
        assertThat(h.maxPanicPods).isEqualTo(3);

        r = decide(h, 3, 1, NOW + 60_001);
        assertThat(r.panicking()).isFalse();
        assertThat(r.replicas()).as("the stable count applies at once").isEqualTo(1);
    }
}

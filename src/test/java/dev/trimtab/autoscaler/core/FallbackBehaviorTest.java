package dev.trimtab.autoscaler.core;

import static dev.trimtab.autoscaler.core.Fleet.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A fallback is a proposal like any other: through a metrics outage it goes through the
 * stabilization windows and the rate policies, as KEDA's fallback goes through the HPA's
 * (docs/decisions/0018). Timelines: 8 replicas, an External metric asking for 8 until the outage,
 * an evaluation every 15 s (the resync), fallback after {@code threshold} failures in a row.
 */
class FallbackBehaviorTest {
    private static final long STEP = 15_000;
    /** The last sample is measured at T0 and stale after T0 + 2 min; failure threshold + 1 failures engage the fallback. */
    private static long engaged(int threshold) {
        return T0 + 120_000 + (threshold + 1) * STEP;
    }

    static Behavior down(int windowSeconds, ScalingRules.PolicyType type, int value, int periodSeconds) {
        return new Behavior(
                ScalingRules.defaultScaleUp(),
                new ScalingRules(
                        windowSeconds,
                        ScalingRules.SelectPolicy.Max,
                        List.of(new ScalingRules.Policy(type, value, periodSeconds)),
                        null));
    }

    static Behavior up(ScalingRules.PolicyType type, int value, int periodSeconds) {
        return new Behavior(
                new ScalingRules(
                        0,
                        ScalingRules.SelectPolicy.Max,
                        List.of(new ScalingRules.Policy(type, value, periodSeconds)),
                        null),
                ScalingRules.defaultScaleDown());
    }

    /**
     * @param firstChangeAfter how long after the fallback engages the first change may come, at the earliest
     * @param largestStep      the largest change in one evaluation
     * @param settled          the replicas 20 minutes into the outage
     */
    record Case(
            String name,
            int threshold,
            Behavior behavior,
            ScalingSpec.FallbackBehavior fallback,
            int fallbackReplicas,
            long firstChangeAfter,
            int largestStep,
            int settled) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "default behavior: a full window after the fallback engages, then 100% per 15 s",
                        3, Behavior.defaults(), ScalingSpec.FallbackBehavior.Static, 2, 300_000, 6, 2),
                new Case(
                        "an outage longer than the window before the fallback engages: still a full window",
                        30,
                        Behavior.defaults(),
                        ScalingSpec.FallbackBehavior.Static,
                        2,
                        300_000,
                        6,
                        2),
                new Case(
                        "no behavior (legacy): the 5 minute window, then the HPA's unlimited scale-down",
                        30,
                        null,
                        ScalingSpec.FallbackBehavior.Static,
                        2,
                        300_000,
                        6,
                        2),
                new Case(
                        "one pod a minute, no window: down one pod at a time",
                        3,
                        down(0, ScalingRules.PolicyType.Pods, 1, 60),
                        ScalingSpec.FallbackBehavior.Static,
                        2,
                        0,
                        1,
                        2),
                new Case(
                        "half a minute, 60 s window: 8 -> 4 -> 2",
                        30,
                        down(60, ScalingRules.PolicyType.Percent, 50, 60),
                        ScalingSpec.FallbackBehavior.Static,
                        2,
                        60_000,
                        4,
                        2),
                new Case(
                        "currentReplicasIfLower below current: the same rules",
                        3,
                        down(0, ScalingRules.PolicyType.Pods, 2, 60),
                        ScalingSpec.FallbackBehavior.CurrentReplicasIfLower,
                        3,
                        0,
                        2,
                        3),
                new Case(
                        "a fallback above current is limited by the scale-up policies",
                        3,
                        up(ScalingRules.PolicyType.Pods, 1, 60),
                        ScalingSpec.FallbackBehavior.Static,
                        12,
                        0,
                        1,
                        12),
                new Case(
                        "currentReplicas holds",
                        3,
                        Behavior.defaults(),
                        ScalingSpec.FallbackBehavior.CurrentReplicas,
                        2,
                        Long.MAX_VALUE,
                        0,
                        8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aFallbackGoesThroughTheBehaviorRules(Case c) {
        ScalingSpec spec = new ScalingSpec(
                new ObjectRef("apps/v1", "Deployment", "", "app"),
                1,
                20,
                List.of(MetricSpec.external("queue", null, MetricSpec.Target.averageValue(10_000))),
                c.behavior(),
                null,
                new ScalingSpec.Fallback(c.threshold(), c.fallbackReplicas(), c.fallback()),
                null);
        Fleet f = new Fleet(Settings.defaults(), spec, 8);
        List<String> timeline = new ArrayList<>();
        long firstChange = Long.MAX_VALUE;
        int largestStep = 0;
        boolean sawFallback = false;
        for (long now = T0 - 600_000; now <= T0 + 1_200_000; now += STEP) {
            if (now <= T0) {
                f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(80_000, now, 0)); // asks for 8
            }
            int before = f.replicas();
            ScaleDecision d = f.step(now);
            timeline.add((now - T0) / 1000 + "s:" + d.desiredReplicas());
            sawFallback |= d.metrics().get(0).note() != null
                    && d.metrics().get(0).note().startsWith("fallback");
            if (d.desiredReplicas() != before) {
                firstChange = Math.min(firstChange, now);
                largestStep = Math.max(largestStep, Math.abs(d.desiredReplicas() - before));
            }
        }
        assertThat(sawFallback).as("the fallback engaged: %s", timeline).isTrue();
        assertThat(firstChange)
                .as("no change before the rules allow it: %s", timeline)
                .isGreaterThanOrEqualTo(
                        c.firstChangeAfter() == Long.MAX_VALUE
                                ? Long.MAX_VALUE
                                : engaged(c.threshold()) + c.firstChangeAfter());
        assertThat(largestStep).as("largest step: %s", timeline).isLessThanOrEqualTo(c.largestStep());
        assertThat(f.replicas()).as("settled: %s", timeline).isEqualTo(c.settled());
    }
}

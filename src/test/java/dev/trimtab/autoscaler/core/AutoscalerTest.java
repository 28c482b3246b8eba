package dev.trimtab.autoscaler.core;

import static dev.trimtab.autoscaler.core.Fleet.T0;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trimtab's rules around the HPA core: staleness, pause, fallback, activation, bounds. */
class AutoscalerTest {
    private static final Settings SETTINGS = Settings.defaults();

    @Test
    void staleSamplesNeverDriveAScaleDown() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, null), 4);
        f.cpuPercent(5, T0); // very low, but measured at T0
        ScaleDecision d = f.step(T0 + SETTINGS.maxSampleAge().toMillis() + 1);
        assertThat(d.reason()).isEqualTo(Reason.FailedGetMetrics);
        assertThat(d.desiredReplicas()).isEqualTo(4);
        assertThat(d.metrics().get(0).error()).contains("no metrics returned");
    }

    @Test
    void aSampleDatedAfterNowIsNeverTrustedAsFresh() {
        // the decoder takes samples from the future as measured at its clock; one still ahead at
        // decision time (the clock stepped back) counts as missing, so it cannot drive a scale-down
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, null), 4);
        f.cpuPercent(5, T0 + 3_600_000);
        ScaleDecision d = f.step(T0);
        assertThat(d.reason()).isEqualTo(Reason.FailedGetMetrics);
        assertThat(d.desiredReplicas()).isEqualTo(4);
        f.cpuPercent(5, T0);
        assertThat(f.step(T0).metrics().get(0).failed())
                .as("measured exactly now is fresh")
                .isFalse();
    }

    @Test
    void aStalePodCountsAsMissingAndDampensTheScaleDown() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, Behavior.defaults()), 2);
        f.step(T0 - 600_000); // first evaluation records the initial recommendation
        f.cpuPercent(10, T0);
        long now = T0 + SETTINGS.maxSampleAge().toMillis() + 1;
        f.state
                .metrics()
                .putPodUsage(
                        Fleet.NS,
                        "app-0",
                        new PodUsage(
                                now,
                                15_000,
                                Map.of("app", "app"),
                                List.of(new PodUsage.ContainerUsage("c", Map.of("cpu", 50L))))); // fresh: 10%
        ScaleDecision d = f.step(now);
        // app-1 is stale: counted at 100% of its request on a scale-down: (50 + 500) / 1000 = 55% > 50% -> reverses ->
        // hold
        assertThat(d.desiredReplicas()).isEqualTo(2);
        assertThat(d.metrics().get(0).note()).contains("1 pod(s) without metrics");
    }

    @Test
    void aFreshPolicyCannotScaleDownForTheStabilizationWindow() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, null), 6);
        f.cpuPercent(10, T0);
        assertThat(f.step(T0).desiredReplicas())
                .as("initial recommendation 6 holds")
                .isEqualTo(6);
        f.cpuPercent(10, T0 + 299_000);
        assertThat(f.step(T0 + 299_000).desiredReplicas()).isEqualTo(6);
        f.cpuPercent(10, T0 + 301_000);
        ScaleDecision d = f.step(T0 + 301_000);
        assertThat(d.desiredReplicas()).isEqualTo(2);
        assertThat(d.message()).isEqualTo("New size: 2; reason: All metrics below target");
    }

    @Test
    void scaleUpMessageNamesTheMetric() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, null), 2);
        f.cpuPercent(100, T0);
        ScaleDecision d = f.step(T0);
        assertThat(d.desiredReplicas()).isEqualTo(4);
        assertThat(d.message())
                .isEqualTo("New size: 4; reason: cpu resource utilization (percentage of request) above target");
        assertThat(d.metrics().get(0).currentUtilization()).isEqualTo(100);
    }

    @Test
    void pausedHoldsOrPinsTheReplicas() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, null), 3);
        f.cpuPercent(200, T0);
        f.policy = new ScalingPolicy(f.policy.ref(), f.policy.spec(), true, null);
        assertThat(f.step(T0))
                .extracting(ScaleDecision::desiredReplicas, ScaleDecision::reason)
                .containsExactly(3, Reason.Paused);
        f.policy = new ScalingPolicy(f.policy.ref(), f.policy.spec(), true, 1);
        assertThat(f.step(T0 + 1000))
                .extracting(ScaleDecision::desiredReplicas, ScaleDecision::reason)
                .containsExactly(1, Reason.Paused);
    }

    @Test
    void aMissingTargetIsReportedNotGuessed() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 10, 50, null), 3);
        f.state.removeTarget(f.target);
        ScaleDecision d = f.autoscaler.decide(f.state, f.policy, T0);
        assertThat(d.reason()).isEqualTo(Reason.FailedGetScale);
        assertThat(d.rescale()).isFalse();
    }

    @Test
    void fallbackStartsAfterMoreThanThresholdFailuresAndEndsOnTheFirstSuccess() {
        ScalingSpec spec = new ScalingSpec(
                new ObjectRef("apps/v1", "Deployment", "", "app"),
                1,
                20,
                List.of(MetricSpec.external("queue", null, MetricSpec.Target.averageValue(10_000))),
                Behavior.defaults(),
                null,
                new ScalingSpec.Fallback(2, 7, ScalingSpec.FallbackBehavior.CurrentReplicasIfHigher),
                null);
        Fleet f = new Fleet(SETTINGS, spec, 3);
        assertThat(f.step(T0).reason()).isEqualTo(Reason.FailedGetMetrics);
        assertThat(f.step(T0 + 1000).reason()).isEqualTo(Reason.FailedGetMetrics);
        ScaleDecision third = f.step(T0 + 2000);
        assertThat(third.desiredReplicas()).isEqualTo(7); // max(current 3, fallback 7), within max(+100%, +4 pods)
        assertThat(third.metrics().get(0).note())
                .startsWith("fallback CurrentReplicasIfHigher after 3 failures in a row");
        f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(30_000, T0 + 3000, 0));
        ScaleDecision recovered = f.step(T0 + 3000);
        assertThat(recovered.metrics().get(0).failed()).isFalse();
        assertThat(recovered.metrics().get(0).proposedReplicas()).isEqualTo(3);
        assertThat(f.state.history(f.policy.ref()).metricFailures[0]).isZero();
    }

    private static ScalingSpec toZero(int cooldown) {
        return new ScalingSpec(
                new ObjectRef("apps/v1", "Deployment", "", "app"),
                0,
                20,
                List.of(MetricSpec.external("queue", null, MetricSpec.Target.averageValue(10_000))
                        .withActivation(5_000)),
                null,
                new ScalingSpec.ScaleToZero(cooldown, 0),
                null,
                null);
    }

    @Test
    void activationIsStrictlyAboveTheThresholdAndWakesToWhatTheMetricAsks() {
        Fleet f = new Fleet(SETTINGS, toZero(60), 0);
        f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(5_000, T0, 0));
        assertThat(f.step(T0).reason()).as("equal to the threshold is inactive").isEqualTo(Reason.Inactive);
        f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(45_000, T0 + 1000, 0));
        ScaleDecision wake = f.step(T0 + 1000);
        assertThat(wake)
                .extracting(ScaleDecision::reason, ScaleDecision::desiredReplicas)
                .containsExactly(Reason.Activated, 5);
    }

    @Test
    void scalesToZeroOnlyAfterTheCooldownAndNeverOnAnError() {
        Fleet f = new Fleet(SETTINGS, toZero(60), 0);
        f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(45_000, T0, 0));
        f.step(T0); // wakes, last active T0
        f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(0, T0 + 60_000, 0));
        assertThat(f.step(T0 + 60_000).desiredReplicas())
                .as("cooldown is strict")
                .isNotZero();
        f.state.metrics().clearExternal(Fleet.NS, "queue"); // the metric now fails
        assertThat(f.step(T0 + 120_000).desiredReplicas())
                .as("an error never scales to zero")
                .isNotZero();
        f.state.metrics().putExternal(Fleet.NS, "queue", Map.of(), new Sample(0, T0 + 121_000, 0));
        ScaleDecision sleep = f.step(T0 + 121_000);
        assertThat(sleep)
                .extracting(ScaleDecision::reason, ScaleDecision::desiredReplicas)
                .containsExactly(Reason.Deactivated, 0);
    }

    @Test
    void aboveMaxIsBroughtDownAtOnce() {
        Fleet f = new Fleet(SETTINGS, Fleet.cpu(1, 5, 50, null), 9);
        ScaleDecision d = f.step(T0);
        assertThat(d)
                .extracting(ScaleDecision::desiredReplicas, ScaleDecision::reason)
                .containsExactly(5, Reason.TooManyReplicas);
        assertThat(d.message()).isEqualTo("New size: 5; reason: Current number of replicas above Spec.MaxReplicas");
    }

    @Test
    void settingsAreTheControllerDefaults() {
        assertThat(SETTINGS)
                .isEqualTo(new Settings(
                        0.1,
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(30),
                        Duration.ofMinutes(5),
                        Duration.ofMinutes(2)));
    }
}

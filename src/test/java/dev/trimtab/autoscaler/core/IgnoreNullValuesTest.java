package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.LabelSelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code external.ignoreNullValues}: with it, an External metric of which no fresh series matches
 * reads as 0 (absence means zero, as for firing alerts); without it, as with the HPA, it is an
 * error that can neither wake a workload nor scale it in.
 */
class IgnoreNullValuesTest {
    private static final long NOW = 1_900_000_000_000L;
    private static final ObjectRef TARGET = new ObjectRef("apps/v1", "Deployment", "shop", "worker");
    private static final LabelSelector ALERT = new LabelSelector(Map.of("alertname", "QueueBacklog"), List.of());

    private static ScalingPolicy policy(boolean ignoreNullValues) {
        MetricSpec alerts = MetricSpec.external("ALERTS", ALERT, MetricSpec.Target.averageValue(1000))
                .withActivation(0)
                .withIgnoreNullValues(ignoreNullValues);
        return new ScalingPolicy(
                new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "shop", "worker"),
                new ScalingSpec(
                        new ObjectRef("apps/v1", "Deployment", "", "worker"),
                        0,
                        10,
                        List.of(alerts),
                        null,
                        new ScalingSpec.ScaleToZero(0, 0),
                        null,
                        null),
                false,
                null);
    }

    private static ClusterState state(int replicas) {
        ClusterState state = new ClusterState();
        state.putTarget(new ScaleTarget(TARGET, replicas, replicas, LabelSelector.EVERYTHING, "1"));
        return state;
    }

    private static ScaleDecision decide(ClusterState state, boolean ignoreNullValues) {
        ScalingPolicy policy = policy(ignoreNullValues);
        History h = state.history(policy.ref());
        if (h.firstSeenMillis <= 0) {
            h.firstSeenMillis = NOW - 60_000; // seen a minute ago: the initial cooldown (0 s) is over
        }
        return new Autoscaler(Settings.defaults()).decide(state, policy, NOW);
    }

    @Test
    void withoutItNoSeriesIsAnErrorAndTheWorkloadStays() {
        ScaleDecision d = decide(state(3), false);

        assertThat(d.metrics().get(0).failed()).isTrue();
        assertThat(d.metrics().get(0).error()).contains("no fresh series matches the selector");
        assertThat(d.desiredReplicas()).isEqualTo(3);
    }

    @Test
    void withItNoSeriesIsZeroAndTheWorkloadGoesToZero() {
        ScaleDecision d = decide(state(3), true);

        MetricResult m = d.metrics().get(0);
        assertThat(m.failed()).isFalse();
        assertThat(m.currentValueMilli()).isZero();
        assertThat(m.note()).contains("counted as 0 (ignoreNullValues)");
        assertThat(d.desiredReplicas()).isZero();
        assertThat(d.reason()).isEqualTo(Reason.Deactivated);
    }

    @Test
    void aStaleSeriesIsNoSeries() {
        ClusterState state = state(3);
        long old = NOW
                - Settings.defaults().maxSampleAge().plus(Duration.ofSeconds(1)).toMillis();
        state.metrics().putExternal("shop", "ALERTS", Map.of("alertname", "QueueBacklog"), new Sample(1000, old, 0));

        assertThat(decide(state, false).metrics().get(0).failed()).isTrue();
        assertThat(decide(state, true).desiredReplicas()).isZero();
    }

    @Test
    void firingAlertsWakeAndSizeTheWorkload() {
        ClusterState state = state(0);
        for (String instance : List.of("a", "b", "c")) {
            state.metrics()
                    .putExternal(
                            "shop",
                            "ALERTS",
                            Map.of("alertname", "QueueBacklog", "instance", instance),
                            new Sample(1000, NOW, 0));
        }
        state.metrics().putExternal("shop", "ALERTS", Map.of("alertname", "Other"), new Sample(1000, NOW, 0));
        state.metrics()
                .putExternal(
                        "shop",
                        "ALERTS",
                        Map.of("alertname", "QueueBacklog", "instance", "resolved"),
                        new Sample(0, NOW, 0));

        ScaleDecision d = decide(state, true);

        assertThat(d.metrics().get(0).currentValueMilli()).isEqualTo(3000);
        assertThat(d.reason()).isEqualTo(Reason.Activated);
        assertThat(d.desiredReplicas()).isEqualTo(3);
    }
}

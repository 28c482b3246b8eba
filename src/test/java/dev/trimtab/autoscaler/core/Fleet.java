package dev.trimtab.autoscaler.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A test fixture: one Deployment {@code ns/app} whose ready pods (500m cpu requested each) follow
 * its replica count, one ScalingPolicy on it, and helpers to report usage and apply decisions.
 */
final class Fleet {
    static final String NS = "ns";
    static final long T0 = 1_800_000_000_000L;
    static final long CPU_REQUEST = 500;

    final ClusterState state = new ClusterState();
    final Autoscaler autoscaler;
    final ObjectRef target = new ObjectRef("apps/v1", "Deployment", NS, "app");
    ScalingPolicy policy;

    Fleet(Settings settings, ScalingSpec spec, int replicas) {
        this.autoscaler = new Autoscaler(settings);
        this.policy =
                new ScalingPolicy(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", NS, "app"), spec, false, null);
        state.putPolicy(policy);
        setReplicas(replicas);
    }

    static ScalingSpec cpu(int min, int max, int utilization, Behavior behavior) {
        return new ScalingSpec(
                new ObjectRef("apps/v1", "Deployment", "", "app"),
                min,
                max,
                List.of(MetricSpec.resource("cpu", MetricSpec.Target.utilization(utilization))),
                behavior,
                null,
                null,
                null);
    }

    int replicas() {
        return state.target(target).specReplicas();
    }

    void setReplicas(int replicas) {
        state.putTarget(
                new ScaleTarget(target, replicas, replicas, new LabelSelector(Map.of("app", "app"), List.of()), "1"));
        for (int i = 0; i < Math.max(replicas, 1000); i++) {
            String name = "app-" + i;
            if (i < replicas) {
                if (state.pod(NS, name) == null) {
                    state.putPod(new Pod(
                            NS,
                            name,
                            Map.of("app", "app"),
                            Pod.Phase.Running,
                            true,
                            T0 - 3_600_000,
                            T0 - 3_600_000,
                            false,
                            List.of(new Pod.Container("c", Map.of("cpu", CPU_REQUEST)))));
                }
            } else if (state.pod(NS, name) != null) {
                state.removePod(NS, name);
            } else {
                break;
            }
        }
    }

    /** Every pod reports {@code percent}% of its cpu request, measured at {@code at}. */
    void cpuPercent(int percent, long at) {
        for (Pod pod : new ArrayList<>(state.podsOf(state.target(target)))) {
            state.metrics()
                    .putPodUsage(
                            NS,
                            pod.name(),
                            new PodUsage(
                                    at,
                                    15_000,
                                    Map.of("app", "app"),
                                    List.of(new PodUsage.ContainerUsage(
                                            "c", Map.of("cpu", CPU_REQUEST * percent / 100)))));
        }
    }

    /** Evaluates at {@code now} and applies the decision, as replay does. */
    ScaleDecision step(long now) {
        ScaleDecision d = autoscaler.decide(state, policy, now);
        if (d.rescale()) {
            setReplicas(d.desiredReplicas());
            autoscaler.applied(state, policy, d);
        }
        return d;
    }
}

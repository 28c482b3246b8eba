package dev.trimtab.bench;

import dev.trimtab.autoscaler.core.Behavior;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Pod;
import dev.trimtab.autoscaler.core.PodUsage;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.ScalingSpec;
import dev.trimtab.kube.LabelSelector;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The benchmark fleet: {@code n} Deployment-like workloads {@code w0 .. w<n-1>} in one namespace,
 * each with selector {@code app=w<i>}, {@link #PODS_PER_WORKLOAD} running, ready pods requesting
 * 500m cpu, and one ScalingPolicy (Resource cpu, Utilization 50%, default behavior, 1..20 replicas).
 * Every pod has a PodUsage of 250m (50% of its request: the decision holds).
 */
final class Fleet {
    static final String NAMESPACE = "bench";
    static final int PODS_PER_WORKLOAD = 4;
    static final long REQUEST_CPU_MILLI = 500;
    static final long USAGE_CPU_MILLI = 250;
    static final long WINDOW_MILLIS = 15_000;
    /** Virtual start of the run; pods started an hour earlier (past the 5 min cpu initialization period). */
    static final long T0 = Instant.parse("2026-11-01T12:00:00Z").toEpochMilli();

    static final long POD_START = T0 - 3_600_000;

    final int n;
    final ClusterState state = new ClusterState();
    final ScalingPolicy[] policies;
    /** podNames[i][j]: pod j of workload i, "w<i>-<j>". */
    final String[][] podNames;
    /** labels[i]: {app=w<i>}, immutable so PodUsage/Pod keep the instance. */
    final Map<String, String>[] labels;
    /** The container list of every sample: one container "app" at 250m cpu. */
    final List<PodUsage.ContainerUsage> containers =
            List.of(new PodUsage.ContainerUsage("app", Map.of("cpu", USAGE_CPU_MILLI)));

    Fleet(int n) {
        this(n, MetricSpec.resource("cpu", MetricSpec.Target.utilization(50)));
    }

    /** The fleet with every policy on {@code metric} instead of cpu utilization. */
    @SuppressWarnings("unchecked")
    Fleet(int n, MetricSpec metric) {
        this.n = n;
        this.policies = new ScalingPolicy[n];
        this.podNames = new String[n][PODS_PER_WORKLOAD];
        this.labels = new Map[n];
        List<Pod.Container> podContainers = List.of(new Pod.Container("app", Map.of("cpu", REQUEST_CPU_MILLI)));
        for (int i = 0; i < n; i++) {
            String name = "w" + i;
            labels[i] = Map.of("app", name);
            ObjectRef targetRef = new ObjectRef("apps/v1", "Deployment", NAMESPACE, name);
            state.putTarget(new ScaleTarget(
                    targetRef, PODS_PER_WORKLOAD, PODS_PER_WORKLOAD, new LabelSelector(labels[i], List.of()), "1"));
            for (int j = 0; j < PODS_PER_WORKLOAD; j++) {
                podNames[i][j] = name + "-" + j;
                state.putPod(new Pod(
                        NAMESPACE,
                        podNames[i][j],
                        labels[i],
                        Pod.Phase.Running,
                        Boolean.TRUE,
                        POD_START + 5_000,
                        POD_START,
                        false,
                        podContainers));
                state.metrics().putPodUsage(NAMESPACE, podNames[i][j], usage(i, T0 - 1_000));
            }
            ScalingSpec spec = new ScalingSpec(
                    new ObjectRef("apps/v1", "Deployment", "", name),
                    1,
                    20,
                    List.of(metric),
                    Behavior.defaults(),
                    null,
                    null,
                    null);
            policies[i] = new ScalingPolicy(
                    new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", NAMESPACE, name), spec, false, null);
            state.putPolicy(policies[i]);
        }
    }

    /** A metrics-server sample for a pod of workload {@code i}, labels copied as metrics-server does. */
    PodUsage usage(int i, long timestampMillis) {
        return new PodUsage(timestampMillis, WINDOW_MILLIS, labels[i], containers);
    }
}

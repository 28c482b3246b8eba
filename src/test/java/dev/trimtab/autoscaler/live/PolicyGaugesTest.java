package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.MetricResult;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-policy gauges follow the decisions, and go with the policy (deleted or no longer owned). */
class PolicyGaugesTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Set<ObjectRef> owned = new HashSet<>();
    private final PolicyGauges gauges = new PolicyGauges(registry, p -> owned.contains(p.ref()));

    private static ObjectRef ref(String name) {
        return new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "shop", name);
    }

    private static ScaleDecision decision(ObjectRef policy, int from, int to, List<MetricResult> metrics) {
        return new ScaleDecision(
                policy, policy, 0, from, to, Reason.DesiredWithinRange, "m", metrics, to, to, false, "1");
    }

    private double gauge(String name, String policy, String... tags) {
        Gauge g = registry.find(name).tag("scalingpolicy", policy).tags(tags).gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void currentDesiredAndEachMetricAgainstItsTarget() {
        ObjectRef web = ref("web");
        owned.add(web);
        MetricResult cpu = new MetricResult(
                MetricSpec.resource("cpu", MetricSpec.Target.utilization(50)), 90, 450L, null, 4, 3.6, null, null);
        MetricResult queue = new MetricResult(
                MetricSpec.external("queue_depth", null, MetricSpec.Target.averageValue(30_000)),
                null,
                45_500L,
                182_000L,
                7,
                6.1,
                null,
                null);
        MetricResult failed =
                MetricResult.failed(MetricSpec.pods("rps", null, MetricSpec.Target.averageValue(10_000)), "no samples");
        gauges.record(
                new ScalingPolicy(web, null, false, null), decision(web, 2, 7, List.of(cpu, queue, failed)), "written");

        assertThat(gauge("trimtab_autoscaler_policy_current_replicas", "web"))
                .as("after the write")
                .isEqualTo(7);
        assertThat(gauge("trimtab_autoscaler_policy_desired_replicas", "web")).isEqualTo(7);
        assertThat(gauge(
                        "trimtab_autoscaler_policy_metric_value",
                        "web",
                        "metric_name",
                        "cpu",
                        "target_type",
                        "Utilization"))
                .isEqualTo(90);
        assertThat(gauge("trimtab_autoscaler_policy_metric_target", "web", "metric_name", "cpu"))
                .isEqualTo(50);
        assertThat(gauge(
                        "trimtab_autoscaler_policy_metric_value",
                        "web",
                        "metric_name",
                        "queue_depth",
                        "metric_type",
                        "External"))
                .isEqualTo(45.5);
        assertThat(gauge("trimtab_autoscaler_policy_metric_target", "web", "metric_name", "queue_depth"))
                .isEqualTo(30);
        assertThat(gauge("trimtab_autoscaler_policy_metric_value", "web", "metric_name", "rps"))
                .as("failed")
                .isNaN();
        assertThat(registry.find("trimtab_autoscaler_policy_metric_target")
                        .tag("metric_name", "rps")
                        .gauge())
                .isNotNull();

        // held, then the spec lost two metrics: their gauges go, the replicas follow the decision
        gauges.record(new ScalingPolicy(web, null, false, null), decision(web, 7, 5, List.of(cpu)), "hold");
        assertThat(gauge("trimtab_autoscaler_policy_current_replicas", "web")).isEqualTo(7);
        assertThat(gauge("trimtab_autoscaler_policy_desired_replicas", "web")).isEqualTo(5);
        assertThat(registry.find("trimtab_autoscaler_policy_metric_value").gauges())
                .hasSize(1);
        assertThat(registry.find("trimtab_autoscaler_policy_metric_target").gauges())
                .hasSize(1);
    }

    @Test
    void aPolicyDeletedOrHandedOverLosesItsGauges() {
        ObjectRef web = ref("web");
        ObjectRef api = ref("api");
        owned.add(web);
        owned.add(api);
        MetricResult cpu = new MetricResult(
                MetricSpec.resource("cpu", MetricSpec.Target.utilization(50)), 60, 300L, null, 3, 2.4, null, null);
        gauges.record(new ScalingPolicy(web, null, false, null), decision(web, 2, 3, List.of(cpu)), "written");
        gauges.record(new ScalingPolicy(api, null, false, null), decision(api, 2, 3, List.of(cpu)), "written");
        gauges.sweep();
        assertThat(gauges.policies()).containsExactlyInAnyOrder(web, api);
        assertThat(registry.getMeters()).hasSize(8);

        owned.remove(web);
        gauges.sweep();
        assertThat(gauges.policies()).containsExactly(api);
        assertThat(registry.getMeters())
                .hasSize(4)
                .allSatisfy(m -> assertThat(m.getId().getTag("scalingpolicy")).isEqualTo("api"));
    }
}

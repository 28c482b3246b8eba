package dev.trimtab.ingest.core;

import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The {@link Router} over the autoscaler's view of the cluster: the policies an item would make
 * due when folded (README "Which events trigger an evaluation"), narrowed to those that can use
 * it. A Pods or Object metric is read by a policy with a metric of that name and no
 * {@code selector} (a receiver's sample is one series, not a selection of series; the store keys a
 * selected series by its selector); an External metric by a policy with an External metric of
 * that name in its scope (any namespace for an unscoped series), whose selector then picks among
 * the series. Not thread-safe: the caller holds the state's lock.
 */
public final class PolicyRouter implements Router {
    private final ClusterState state;

    public PolicyRouter(ClusterState state) {
        this.state = state;
    }

    @Override
    public List<Set<String>> workloads(List<MetricItem> items) {
        List<Set<String>> out = new ArrayList<>(items.size());
        for (MetricItem item : items) {
            Set<String> keys = new LinkedHashSet<>();
            if (item instanceof MetricItem.PodValue p) {
                for (ScalingPolicy policy : state.policiesSelectingPods(p.namespace(), List.of(p.pod()))) {
                    if (reads(policy, MetricSpec.Type.Pods, p.metricName(), m -> true)) {
                        keys.add(policy.workloadKey());
                    }
                }
            } else if (item instanceof MetricItem.ObjectValue o) {
                for (ScalingPolicy policy :
                        state.policiesWithMetric(o.namespace(), MetricSpec.Type.Object, o.metricName())) {
                    if (reads(
                            policy,
                            MetricSpec.Type.Object,
                            o.metricName(),
                            m -> m.describedObject().kind().equals(o.kind())
                                    && m.describedObject().name().equals(o.name()))) {
                        keys.add(policy.workloadKey());
                    }
                }
            } else if (item instanceof MetricItem.ExternalValue e) {
                for (ScalingPolicy policy :
                        state.policiesWithMetric(e.namespace(), MetricSpec.Type.External, e.metricName())) {
                    keys.add(policy.workloadKey());
                }
            }
            out.add(keys);
        }
        return out;
    }

    private static boolean reads(ScalingPolicy policy, MetricSpec.Type type, String name, Predicate<MetricSpec> also) {
        return policy.spec().metrics().stream()
                .anyMatch(m ->
                        m.type() == type && m.metricName().equals(name) && m.metricSelector() == null && also.test(m));
    }
}

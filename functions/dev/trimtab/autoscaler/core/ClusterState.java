package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The autoscaler's view of the cluster, folded from events: pods, scale targets, ScalingPolicies,
 * metric samples and each policy's {@link History}. Pods are kept sorted by name and policies in
 * arrival order, so that every evaluation over the same events is identical.
 */
public final class ClusterState {

    /** A scale target's identity independent of its API version. */
    public record TargetKey(String group, String kind, String namespace, String name) {
        public static TargetKey of(ObjectRef ref) {
            return new TargetKey(ref.group(), ref.kind(), ref.namespace(), ref.name());
        }
    }

    private final Map<String, TreeMap<String, Pod>> pods = new HashMap<>();
    private final Map<TargetKey, ScaleTarget> targets = new HashMap<>();
    private final Map<ObjectRef, ScalingPolicy> policies = new LinkedHashMap<>();
    private final Map<ObjectRef, History> histories = new HashMap<>();
    private final MetricStore metrics = new MetricStore();

    public MetricStore metrics() {
        return metrics;
    }

    public void putPod(Pod pod) {
        pods.computeIfAbsent(pod.namespace(), k -> new TreeMap<>()).put(pod.name(), pod);
    }

    public void removePod(String namespace, String name) {
        TreeMap<String, Pod> byName = pods.get(namespace);
        if (byName != null) {
            byName.remove(name);
        }
        metrics.removePod(namespace, name);
    }

    public Pod pod(String namespace, String name) {
        TreeMap<String, Pod> byName = pods.get(namespace);
        return byName == null ? null : byName.get(name);
    }

    public void putTarget(ScaleTarget target) {
        targets.put(TargetKey.of(target.ref()), target);
    }

    public void removeTarget(ObjectRef ref) {
        targets.remove(TargetKey.of(ref));
    }

    public ScaleTarget target(ObjectRef ref) {
        return targets.get(TargetKey.of(ref));
    }

    public void putPolicy(ScalingPolicy policy) {
        policies.put(policy.ref(), policy);
    }

    public void removePolicy(ObjectRef ref) {
        policies.remove(ref);
        histories.remove(ref);
    }

    public ScalingPolicy policy(ObjectRef ref) {
        return policies.get(ref);
    }

    public List<ScalingPolicy> policies() {
        return List.copyOf(policies.values());
    }

    public History history(ObjectRef policy) {
        return histories.computeIfAbsent(policy, k -> new History());
    }

    /** The pods a target's selector selects, sorted by name. */
    public List<Pod> podsOf(ScaleTarget target) {
        TreeMap<String, Pod> byName = pods.get(target.ref().namespace());
        if (byName == null) {
            return List.of();
        }
        List<Pod> selected = new ArrayList<>();
        for (Pod pod : byName.values()) {
            if (target.selector().matches(pod.labels())) {
                selected.add(pod);
            }
        }
        return selected;
    }

    /** The policies whose target selects at least one of the named pods, in arrival order. */
    public List<ScalingPolicy> policiesSelectingPods(String namespace, Iterable<String> podNames) {
        List<ScalingPolicy> found = new ArrayList<>();
        for (ScalingPolicy p : policies.values()) {
            if (!p.ref().namespace().equals(namespace)) {
                continue;
            }
            ScaleTarget t = target(p.targetRef());
            if (t == null) {
                continue;
            }
            for (String name : podNames) {
                Pod pod = pod(namespace, name);
                if (pod != null && t.selector().matches(pod.labels())) {
                    found.add(p);
                    break;
                }
            }
        }
        return found;
    }

    /** The policies in {@code namespace} ("" = any) with a metric of this type and name. */
    public List<ScalingPolicy> policiesWithMetric(String namespace, MetricSpec.Type type, String metricName) {
        List<ScalingPolicy> found = new ArrayList<>();
        for (ScalingPolicy p : policies.values()) {
            if (!namespace.isEmpty() && !p.ref().namespace().equals(namespace)) {
                continue;
            }
            for (MetricSpec m : p.spec().metrics()) {
                if (m.type() == type && metricName.equals(m.metricName())) {
                    found.add(p);
                    break;
                }
            }
        }
        return found;
    }
}

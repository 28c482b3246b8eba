package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private final Map<ObjectRef, Long> arrival = new HashMap<>();
    /** When each ScalingPolicy came to be: its creationTimestamp, or when it was first seen without one. */
    private final Map<ObjectRef, Long> policySince = new HashMap<>();

    private final Map<TargetKey, Set<ObjectRef>> policiesByTarget = new HashMap<>();
    private final Map<String, Set<ObjectRef>> policiesByMetric = new HashMap<>();
    private final Map<ObjectRef, History> histories = new HashMap<>();
    private final MetricStore metrics = new MetricStore();
    private final SelectorIndex selection = new SelectorIndex();
    private final ScaleClaims claims = new ScaleClaims();
    private final ReplicaWriters writers = new ReplicaWriters();

    public MetricStore metrics() {
        return metrics;
    }

    /** Who scales which target: ScalingPolicies, HPAs, ScaledObjects. */
    public ScaleClaims claims() {
        return claims;
    }

    /** Trimtab's own writes of spec.replicas, and the changes nobody at Trimtab made. */
    public ReplicaWriters writers() {
        return writers;
    }

    /**
     * A target as observed on the API at {@code atMillis} (an add or update event): stored like
     * {@link #putTarget}, and a change of its {@code spec.replicas} on a target some policy scales
     * is checked against Trimtab's own writes ({@link ReplicaWriters}).
     */
    public void observeTarget(ScaleTarget target, long atMillis) {
        TargetKey key = TargetKey.of(target.ref());
        ScaleTarget previous = targets.get(key);
        if (!policiesByTarget.getOrDefault(key, Set.of()).isEmpty()) {
            writers.observed(previous, target, atMillis);
        }
        putTarget(target);
    }

    /** The policies whose scale target is {@code target}, in arrival order. */
    public List<ScalingPolicy> policiesTargeting(ObjectRef target) {
        return policiesTargeting(TargetKey.of(target));
    }

    /** The policies whose scale target is {@code target}, in arrival order. */
    public List<ScalingPolicy> policiesTargeting(TargetKey target) {
        return inArrivalOrder(policiesByTarget.getOrDefault(target, Set.of()), "");
    }

    public void putPod(Pod pod) {
        pods.computeIfAbsent(pod.namespace(), k -> new TreeMap<>()).put(pod.name(), pod);
        selection.putPod(pod.namespace(), pod.name(), pod.labels());
        metrics.knownPod(pod.namespace(), pod.name());
    }

    public void removePod(String namespace, String name) {
        TreeMap<String, Pod> byName = pods.get(namespace);
        if (byName != null) {
            byName.remove(name);
        }
        selection.removePod(namespace, name);
        metrics.removePod(namespace, name);
    }

    public Pod pod(String namespace, String name) {
        TreeMap<String, Pod> byName = pods.get(namespace);
        return byName == null ? null : byName.get(name);
    }

    public void putTarget(ScaleTarget target) {
        TargetKey key = TargetKey.of(target.ref());
        targets.put(key, target);
        selection.putTarget(key, target.selector());
    }

    public void removeTarget(ObjectRef ref) {
        TargetKey key = TargetKey.of(ref);
        targets.remove(key);
        selection.removeTarget(key);
        writers.remove(ref);
    }

    public ScaleTarget target(ObjectRef ref) {
        return targets.get(TargetKey.of(ref));
    }

    /**
     * Adds or replaces a policy. A changed spec drops its Kafka metrics' polls and persistent-lag
     * memory (KEDA builds a new scaler when a ScaledObject changes); the same spec again (a resync)
     * keeps them.
     */
    public void putPolicy(ScalingPolicy policy) {
        ScalingPolicy old = policies.put(policy.ref(), policy);
        if (old != null) {
            unindex(old);
            if (!old.spec().equals(policy.spec())) {
                metrics.removeKafkaLag(policy.ref());
            }
        }
        arrival.putIfAbsent(policy.ref(), (long) arrival.size());
        policiesByTarget
                .computeIfAbsent(TargetKey.of(policy.targetRef()), k -> new LinkedHashSet<>())
                .add(policy.ref());
        for (String key : metricKeys(policy)) {
            policiesByMetric.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(policy.ref());
        }
    }

    public void removePolicy(ObjectRef ref) {
        ScalingPolicy old = policies.remove(ref);
        if (old != null) {
            unindex(old);
        }
        histories.remove(ref);
        metrics.removeKafkaLag(ref);
        policySince.remove(ref);
    }

    /**
     * Records when a policy came to be: {@code createdMillis} (its {@code metadata.creationTimestamp},
     * or {@link Long#MAX_VALUE} without one), else the first time it was seen ({@code seenMillis}).
     * KEDA's initial cooldown counts from there, whether or not its target exists yet.
     */
    public void policySeen(ObjectRef ref, long createdMillis, long seenMillis) {
        if (createdMillis != Long.MAX_VALUE) {
            policySince.put(ref, createdMillis);
        } else {
            policySince.putIfAbsent(ref, seenMillis);
        }
    }

    /** When the policy came to be ({@link #policySeen}), or -1 when unknown. */
    public long policySince(ObjectRef ref) {
        return policySince.getOrDefault(ref, -1L);
    }

    /** The index keys of a policy's metrics: type and name, or the consumer group of a Kafka metric. */
    private static List<String> metricKeys(ScalingPolicy policy) {
        List<String> keys = new ArrayList<>();
        for (MetricSpec m : policy.spec().metrics()) {
            if (m.kafka() != null) {
                keys.add(KAFKA_KEY + m.kafka().consumerGroup());
            } else if (m.metricName() != null) {
                keys.add(metricKey(m.type(), m.metricName()));
            }
        }
        return keys;
    }

    private static final String KAFKA_KEY = "Kafka|";

    /** The policies with a Kafka metric on {@code consumerGroup} (any cluster), in arrival order. */
    public List<ScalingPolicy> policiesWithKafkaGroup(String consumerGroup) {
        return inArrivalOrder(policiesByMetric.getOrDefault(KAFKA_KEY + consumerGroup, Set.of()), "");
    }

    private void unindex(ScalingPolicy policy) {
        Set<ObjectRef> byTarget = policiesByTarget.get(TargetKey.of(policy.targetRef()));
        if (byTarget != null) {
            byTarget.remove(policy.ref());
        }
        for (String key : metricKeys(policy)) {
            Set<ObjectRef> byMetric = policiesByMetric.get(key);
            if (byMetric != null) {
                byMetric.remove(policy.ref());
            }
        }
    }

    private static String metricKey(MetricSpec.Type type, String name) {
        return type.name() + '|' + name;
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

    /** Replaces a policy's history (a new owner restoring the previous owner's snapshot). */
    public void putHistory(ObjectRef policy, History history) {
        histories.put(policy, history);
    }

    /** Forgets a policy's history (its workload moved to another owner); returns it, or null. */
    public History removeHistory(ObjectRef policy) {
        return histories.remove(policy);
    }

    /** The history of a policy if it has one, without creating it. */
    public History existingHistory(ObjectRef policy) {
        return histories.get(policy);
    }

    /** The pods a target's selector selects, sorted by name. */
    public List<Pod> podsOf(ScaleTarget target) {
        TreeMap<String, Pod> byName = pods.get(target.ref().namespace());
        Set<String> names = selection.podsOf(TargetKey.of(target.ref()));
        if (byName == null || names.isEmpty()) {
            return List.of();
        }
        List<Pod> selected = new ArrayList<>(names.size());
        for (String name : names) {
            selected.add(byName.get(name));
        }
        return selected;
    }

    /** The policies whose target selects at least one of the named pods, in arrival order. */
    public List<ScalingPolicy> policiesSelectingPods(String namespace, Iterable<String> podNames) {
        Set<ObjectRef> found = new HashSet<>();
        for (String name : podNames) {
            for (TargetKey t : selection.targetsOf(namespace, name)) {
                found.addAll(policiesByTarget.getOrDefault(t, Set.of()));
            }
        }
        return inArrivalOrder(found, "");
    }

    /** The policies in {@code namespace} ("" = any) with a metric of this type and name, in arrival order. */
    public List<ScalingPolicy> policiesWithMetric(String namespace, MetricSpec.Type type, String metricName) {
        return inArrivalOrder(policiesByMetric.getOrDefault(metricKey(type, metricName), Set.of()), namespace);
    }

    private List<ScalingPolicy> inArrivalOrder(Set<ObjectRef> refs, String namespace) {
        List<ObjectRef> sorted = new ArrayList<>();
        for (ObjectRef r : refs) {
            if (namespace.isEmpty() || r.namespace().equals(namespace)) {
                sorted.add(r);
            }
        }
        sorted.sort(Comparator.comparing(arrival::get));
        List<ScalingPolicy> out = new ArrayList<>(sorted.size());
        for (ObjectRef r : sorted) {
            out.add(policies.get(r));
        }
        return out;
    }
}

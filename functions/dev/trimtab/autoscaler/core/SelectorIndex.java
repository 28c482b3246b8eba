package dev.trimtab.autoscaler.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which pods each scale target's selector selects, kept current as pods and targets change, so
 * that an evaluation or an event never scans a whole namespace. Pods and selectors are indexed by
 * one {@code key=value} label pair (a selector by its first matchLabels entry); selectors without
 * matchLabels are checked against every pod of their namespace.
 */
final class SelectorIndex {
    /** A pod's identity. */
    record PodKey(String namespace, String name) {}

    private final Map<PodKey, Map<String, String>> podLabels = new HashMap<>();
    private final Map<String, Set<String>> podsByNamespace = new HashMap<>();
    private final Map<String, Map<String, Set<String>>> podsByPair = new HashMap<>();
    private final Map<ClusterState.TargetKey, LabelSelector> selectors = new HashMap<>();
    private final Map<String, Map<String, Set<ClusterState.TargetKey>>> targetsByPair = new HashMap<>();
    private final Map<String, Set<ClusterState.TargetKey>> targetsToScan = new HashMap<>();
    private final Map<ClusterState.TargetKey, TreeSet<String>> members = new HashMap<>();
    private final Map<PodKey, Set<ClusterState.TargetKey>> memberOf = new HashMap<>();

    void putPod(String namespace, String name, Map<String, String> labels) {
        PodKey key = new PodKey(namespace, name);
        Map<String, String> old = podLabels.get(key);
        if (labels.equals(old)) {
            return;
        }
        if (old != null) {
            removePod(namespace, name);
        }
        podLabels.put(key, labels);
        podsByNamespace.computeIfAbsent(namespace, k -> new HashSet<>()).add(name);
        Map<String, Set<String>> byPair = podsByPair.computeIfAbsent(namespace, k -> new HashMap<>());
        Set<ClusterState.TargetKey> candidates = new LinkedHashSet<>(targetsToScan.getOrDefault(namespace, Set.of()));
        Map<String, Set<ClusterState.TargetKey>> targets = targetsByPair.getOrDefault(namespace, Map.of());
        for (Map.Entry<String, String> e : labels.entrySet()) {
            String pair = pair(e.getKey(), e.getValue());
            byPair.computeIfAbsent(pair, k -> new HashSet<>()).add(name);
            candidates.addAll(targets.getOrDefault(pair, Set.of()));
        }
        for (ClusterState.TargetKey t : candidates) {
            if (selectors.get(t).matches(labels)) {
                link(t, key);
            }
        }
    }

    void removePod(String namespace, String name) {
        PodKey key = new PodKey(namespace, name);
        Map<String, String> labels = podLabels.remove(key);
        if (labels == null) {
            return;
        }
        podsByNamespace.get(namespace).remove(name);
        Map<String, Set<String>> byPair = podsByPair.get(namespace);
        for (Map.Entry<String, String> e : labels.entrySet()) {
            byPair.get(pair(e.getKey(), e.getValue())).remove(name);
        }
        for (ClusterState.TargetKey t : memberOf.getOrDefault(key, Set.of())) {
            members.get(t).remove(name);
        }
        memberOf.remove(key);
    }

    void putTarget(ClusterState.TargetKey target, LabelSelector selector) {
        LabelSelector old = selectors.get(target);
        if (selector.equals(old)) {
            return;
        }
        if (old != null) {
            removeTarget(target);
        }
        selectors.put(target, selector);
        members.put(target, new TreeSet<>());
        String ns = target.namespace();
        String pair = indexPair(selector);
        Set<String> candidates;
        if (pair == null) {
            targetsToScan.computeIfAbsent(ns, k -> new LinkedHashSet<>()).add(target);
            candidates = podsByNamespace.getOrDefault(ns, Set.of());
        } else {
            targetsByPair
                    .computeIfAbsent(ns, k -> new HashMap<>())
                    .computeIfAbsent(pair, k -> new LinkedHashSet<>())
                    .add(target);
            candidates = podsByPair.getOrDefault(ns, Map.of()).getOrDefault(pair, Set.of());
        }
        for (String name : candidates) {
            PodKey key = new PodKey(ns, name);
            if (selector.matches(podLabels.get(key))) {
                link(target, key);
            }
        }
    }

    void removeTarget(ClusterState.TargetKey target) {
        LabelSelector old = selectors.remove(target);
        if (old == null) {
            return;
        }
        String pair = indexPair(old);
        if (pair == null) {
            targetsToScan.get(target.namespace()).remove(target);
        } else {
            targetsByPair.get(target.namespace()).get(pair).remove(target);
        }
        for (String name : members.remove(target)) {
            memberOf.get(new PodKey(target.namespace(), name)).remove(target);
        }
    }

    /** The names of the pods the target selects, sorted. */
    Set<String> podsOf(ClusterState.TargetKey target) {
        TreeSet<String> names = members.get(target);
        return names == null ? Set.of() : Collections.unmodifiableSet(names);
    }

    /** The targets whose selector selects the pod. */
    List<ClusterState.TargetKey> targetsOf(String namespace, String pod) {
        return new ArrayList<>(memberOf.getOrDefault(new PodKey(namespace, pod), Set.of()));
    }

    private void link(ClusterState.TargetKey target, PodKey pod) {
        members.get(target).add(pod.name());
        memberOf.computeIfAbsent(pod, k -> new HashSet<>()).add(target);
    }

    private static String indexPair(LabelSelector selector) {
        return selector.matchLabels().entrySet().stream()
                .min(Map.Entry.comparingByKey())
                .map(e -> pair(e.getKey(), e.getValue()))
                .orElse(null);
    }

    private static String pair(String key, String value) {
        return key + '=' + value;
    }
}

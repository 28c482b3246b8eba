package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the compact node/pod shorthand of the case files into Kubernetes object maps, so cases go
 * through the same parsers as live objects. Node: name, labels, taints, allocatable, unschedulable,
 * images. Pod: name, namespace, node, labels, terminating, containers and initContainers (each a requests map,
 * {@code sidecar: true} for restartPolicy Always), spec (merged as is), controller ({@code {apiVersion, kind,
 * name}}: an owner reference with {@code controller: true}, as upstream's {@code st.MakePod().OwnerReference}).
 * A case's {@code objects} (Services, ReplicationControllers, ReplicaSets, StatefulSets) are whole objects.
 */
final class Objects {
    private Objects() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> node(Map<String, Object> s) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", s.get("name"));
        if (s.get("labels") != null) {
            md.put("labels", s.get("labels"));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        if (s.get("taints") != null) {
            spec.put("taints", s.get("taints"));
        }
        if (s.get("unschedulable") != null) {
            spec.put("unschedulable", s.get("unschedulable"));
        }
        Map<String, Object> status = new LinkedHashMap<>();
        Map<String, Object> alloc = new LinkedHashMap<>();
        alloc.put("pods", "110");
        if (s.get("allocatable") != null) {
            alloc.putAll((Map<String, Object>) s.get("allocatable"));
        }
        status.put("allocatable", alloc);
        if (s.get("images") != null) {
            status.put("images", s.get("images"));
        }
        return Map.of("metadata", md, "spec", spec, "status", status);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pod(Map<String, Object> s, String defaultName) {
        Map<String, Object> md = new LinkedHashMap<>();
        md.put("name", s.getOrDefault("name", defaultName));
        md.put("namespace", s.getOrDefault("namespace", "default"));
        if (s.get("labels") != null) {
            md.put("labels", s.get("labels"));
        }
        if (s.get("controller") != null) {
            Map<String, Object> ref = new LinkedHashMap<>((Map<String, Object>) s.get("controller"));
            ref.putIfAbsent("controller", true);
            md.put("ownerReferences", List.of(ref));
        }
        if (Boolean.TRUE.equals(s.get("terminating"))) {
            md.put("deletionTimestamp", "2024-01-01T00:00:00Z");
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        if (s.get("spec") != null) {
            spec.putAll((Map<String, Object>) s.get("spec"));
        }
        if (s.get("node") != null) {
            spec.put("nodeName", s.get("node"));
        }
        if (s.get("containers") != null) {
            spec.put("containers", containers((List<Object>) s.get("containers"), "c"));
        }
        if (s.get("initContainers") != null) {
            spec.put("initContainers", containers((List<Object>) s.get("initContainers"), "i"));
        }
        return Map.of("metadata", md, "spec", spec);
    }

    /** Containers from requests maps; a map with {@code sidecar: true} is a restartable init container. */
    @SuppressWarnings("unchecked")
    private static List<Object> containers(List<Object> requests, String prefix) {
        List<Object> containers = new ArrayList<>();
        int i = 0;
        for (Object req : requests) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("name", prefix + i++);
            Map<String, Object> r = new LinkedHashMap<>((Map<String, Object>) req);
            if (Boolean.TRUE.equals(r.remove("sidecar"))) {
                c.put("restartPolicy", "Always");
            }
            if (!r.isEmpty()) {
                c.put("resources", Map.of("requests", r));
            }
            containers.add(c);
        }
        return containers;
    }

    /** A snapshot with the case's nodes and existing pods. */
    @SuppressWarnings("unchecked")
    static Snapshot snapshot(Map<String, Object> c) {
        Snapshot s = new Snapshot();
        for (Object n : (List<Object>) c.getOrDefault("nodes", List.of())) {
            s.upsertNode(node((Map<String, Object>) n));
        }
        int i = 0;
        for (Object p : (List<Object>) c.getOrDefault("pods", List.of())) {
            s.upsertPod(pod((Map<String, Object>) p, "existing-" + i++));
        }
        for (Object o : (List<Object>) c.getOrDefault("objects", List.of())) {
            s.upsertWorkload((Map<String, Object>) o);
        }
        for (Map.Entry<String, Object> ns : ((Map<String, Object>) c.getOrDefault("namespaces", Map.of())).entrySet()) {
            s.upsertNamespace(ns.getKey(), (Map<String, String>) ns.getValue());
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static PodInfo incoming(Map<String, Object> c) {
        return PodInfo.fromMap(pod((Map<String, Object>) c.getOrDefault("pod", Map.of()), "incoming"));
    }
}

package dev.trimtab.placement.rebalance;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.placement.rebalance.core.ClusterState;
import dev.trimtab.placement.rebalance.core.EvictionLimits;
import dev.trimtab.placement.rebalance.core.EvictorRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Case files under src/test/resources/rebalance and the shorthand they use for nodes and pods,
 * expanded into Kubernetes object maps the way upstream's {@code test.BuildTestNode} /
 * {@code test.BuildTestPod} build them (one container requesting {@code cpu} milli-cores and
 * {@code mem} bytes, namespace "default", no owner unless {@code owner} says so).
 */
final class Fixtures {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Fixtures() {}

    @SuppressWarnings("unchecked")
    static Stream<Arguments> load(String file) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/rebalance/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing case file " + file);
            }
            Map<String, Object> doc = YAML.readValue(in, Map.class);
            List<Arguments> out = new ArrayList<>();
            for (Object c : (List<Object>) doc.get("cases")) {
                Map<String, Object> m = (Map<String, Object>) c;
                out.add(Arguments.of(m.get("name"), m));
            }
            return out.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static ClusterState state(Map<String, Object> c) {
        ClusterState s = new ClusterState();
        for (Object n : list(c, "nodes")) {
            s.upsertNode(node((Map<String, Object>) n));
        }
        for (Object p : list(c, "pods")) {
            s.upsertPod(pod((Map<String, Object>) p));
        }
        for (Object b : list(c, "pdbs")) {
            s.upsertDisruptionBudget((Map<String, Object>) b);
        }
        return s;
    }

    static List<Object> list(Map<String, Object> c, String key) {
        Object v = c.get(key);
        return v == null ? List.of() : (List<Object>) v;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> node(Map<String, Object> n) {
        Map<String, Object> alloc = new LinkedHashMap<>();
        alloc.put("cpu", n.getOrDefault("cpu", 4000) + "m");
        alloc.put("memory", String.valueOf(n.getOrDefault("mem", 3000)));
        alloc.put("pods", String.valueOf(n.getOrDefault("pods", 10)));
        if (n.get("extended") != null) {
            alloc.putAll((Map<String, Object>) n.get("extended"));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        if (Boolean.TRUE.equals(n.get("unschedulable"))) {
            spec.put("unschedulable", true);
        }
        if (n.get("taints") != null) {
            spec.put("taints", n.get("taints"));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", n.get("name"));
        meta.put("labels", n.getOrDefault("labels", Map.of()));
        boolean ready = !Boolean.TRUE.equals(n.get("notReady"));
        return Map.of(
                "metadata",
                meta,
                "spec",
                spec,
                "status",
                Map.of(
                        "allocatable",
                        alloc,
                        "capacity",
                        alloc,
                        "conditions",
                        List.of(Map.of("type", "Ready", "status", ready ? "True" : "False"))));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> pod(Map<String, Object> p) {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", p.get("name"));
        meta.put("namespace", p.getOrDefault("ns", "default"));
        meta.put("labels", p.getOrDefault("labels", Map.of()));
        Map<String, Object> annotations = new LinkedHashMap<>();
        if (Boolean.TRUE.equals(p.get("mirror"))) {
            annotations.put("kubernetes.io/config.mirror", "mirror");
            annotations.put("kubernetes.io/config.source", "api");
        }
        if (p.get("annotations") != null) {
            annotations.putAll((Map<String, Object>) p.get("annotations"));
        }
        meta.put("annotations", annotations);
        Object owner = p.get("owner");
        if (owner != null) {
            String kind = switch (String.valueOf(owner)) {
                case "RS" -> "ReplicaSet";
                case "DS" -> "DaemonSet";
                case "Pod" -> "Pod";
                default -> String.valueOf(owner);
            };
            String ownerName = String.valueOf(p.getOrDefault(
                    "ownerName",
                    kind.equals("ReplicaSet") ? "replicaset-1" : kind.equals("DaemonSet") ? "daemonset-1" : ""));
            meta.put("ownerReferences", List.of(Map.of("kind", kind, "name", ownerName)));
        }
        if (Boolean.TRUE.equals(p.get("terminating"))) {
            meta.put("deletionTimestamp", "2026-01-01T00:00:00Z");
        }
        List<Object> containers = new ArrayList<>();
        List<Object> images = p.get("images") != null ? (List<Object>) p.get("images") : List.of("");
        for (int i = 0; i < images.size(); i++) {
            Map<String, Object> requests = new LinkedHashMap<>();
            Map<String, Object> limits = new LinkedHashMap<>();
            if (i == 0 && !"BestEffort".equals(p.get("qos"))) {
                long cpu = ((Number) p.getOrDefault("cpu", 0)).longValue();
                long mem = ((Number) p.getOrDefault("mem", 0)).longValue();
                if (cpu >= 0) {
                    requests.put("cpu", cpu + "m");
                }
                if (mem >= 0) {
                    requests.put("memory", String.valueOf(mem));
                }
                if (p.get("extended") != null) {
                    requests.putAll((Map<String, Object>) p.get("extended"));
                }
                if ("Guaranteed".equals(p.get("qos"))) {
                    limits.putAll(requests);
                }
            }
            containers.add(Map.of(
                    "name",
                    "c" + i,
                    "image",
                    images.get(i),
                    "resources",
                    Map.of("requests", requests, "limits", limits)));
        }
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("containers", containers);
        if (p.get("node") != null) {
            spec.put("nodeName", p.get("node"));
        }
        if (p.get("priority") != null) {
            spec.put("priority", p.get("priority"));
        }
        if (Boolean.TRUE.equals(p.get("localStorage"))) {
            spec.put(
                    "volumes",
                    List.of(Map.of("name", "sample", "hostPath", Map.of("path", "somePath"), "emptyDir", Map.of())));
        }
        for (String k : List.of("nodeSelector", "affinity", "tolerations", "topologySpreadConstraints")) {
            if (p.get(k) != null) {
                spec.put(k, p.get(k));
            }
        }
        boolean ready = !Boolean.FALSE.equals(p.get("ready"));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("phase", p.getOrDefault("phase", "Running"));
        status.put("conditions", List.of(Map.of("type", "Ready", "status", ready ? "True" : "False")));
        return Map.of("metadata", meta, "spec", spec, "status", status);
    }

    @SuppressWarnings("unchecked")
    static EvictorRules evictor(Map<String, Object> c) {
        Map<String, Object> e = (Map<String, Object>) c.getOrDefault("evictor", Map.of());
        return new EvictorRules(
                flag(e, "evictLocalStoragePods"),
                flag(e, "evictDaemonSetPods"),
                flag(e, "evictSystemCriticalPods"),
                flag(e, "evictFailedBarePods"),
                flag(e, "ignorePvcPods"),
                flag(e, "nodeFit"),
                (Integer) e.get("priorityThreshold"),
                LabelSelector.fromMap(e.get("labelSelector"), "evictor.labelSelector"));
    }

    @SuppressWarnings("unchecked")
    static EvictionLimits limits(Map<String, Object> c) {
        Map<String, Object> l = (Map<String, Object>) c.getOrDefault("limits", Map.of());
        return new EvictionLimits(
                (Integer) l.get("maxNoOfPodsToEvictPerNode"),
                (Integer) l.get("maxNoOfPodsToEvictPerNamespace"),
                (Integer) l.get("maxNoOfPodsToEvictTotal"));
    }

    static boolean flag(Map<String, Object> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }
}

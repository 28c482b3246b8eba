package dev.trimtab.bench;

import dev.trimtab.placement.core.Placement;
import dev.trimtab.placement.core.Placer;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.Profile;
import dev.trimtab.placement.core.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Placement throughput and latency: 5,000 nodes (4 sizes, 3 zones, some tainted, some with cached
 * images) and 10,000 pods (varied requests; 20% zone spread DoNotSchedule, 10% hostname spread
 * ScheduleAnyway, 10% preferred anti-affinity, 5% required anti-affinity, 10% preferred node
 * affinity), every feasible node scored, each placement assumed into the snapshot. Latency covers
 * place + assume (the pod object is parsed before the clock starts). Memory is an estimate:
 * {@code Runtime} used-memory deltas after {@code System.gc()}, around loading the nodes and around
 * assuming the pods (pod deltas include the per-pod share of node aggregates).
 *
 * <p>Run: {@code mvn -B -q -o test-compile exec:java -Dexec.mainClass=dev.trimtab.bench.PlacementBench
 * -Dexec.classpathScope=test}. Prints one {@code RESULT ...} line. With {@code -Dworkloads=true} each
 * of the 200 apps also has a Service and a ReplicaSet selecting its pods, and every pod is owned by
 * its ReplicaSet: the pods without constraints of their own (60%) then get the system-default
 * spreading (hostname and zone, ScheduleAnyway).
 */
public final class PlacementBench {
    static final int NODES = 5_000;
    static final int PODS = 10_000;
    static final String[] ZONES = {"zone-a", "zone-b", "zone-c"};
    static final boolean WORKLOADS = Boolean.getBoolean("workloads");
    static final String[] IMAGES = {
        "registry.example/shop/web:1.4", "registry.example/shop/api:2.0", "registry.example/base/sidecar:3"
    };

    public static void main(String[] args) {
        Random rnd = new Random(42);
        long before = usedMemory();
        Snapshot snapshot = new Snapshot();
        for (int i = 0; i < NODES; i++) {
            snapshot.upsertNode(node(i, rnd));
        }
        if (WORKLOADS) {
            for (int app = 0; app < 200; app++) {
                workloads(app).forEach(snapshot::upsertWorkload);
            }
        }
        long afterNodes = usedMemory();
        List<PodInfo> pods = new ArrayList<>(PODS);
        for (int i = 0; i < PODS; i++) {
            pods.add(PodInfo.fromMap(pod(i, rnd)));
        }
        long beforePods = afterNodes;
        Placer placer = new Placer();
        Profile profile = Profile.defaults();
        // warm-up on a throwaway snapshot so the JIT has compiled the hot path
        Snapshot warm = new Snapshot();
        Random wr = new Random(7);
        for (int i = 0; i < 500; i++) {
            warm.upsertNode(node(i, wr));
        }
        if (WORKLOADS) {
            for (int app = 0; app < 200; app++) {
                workloads(app).forEach(warm::upsertWorkload);
            }
        }
        for (int i = 0; i < 3000; i++) {
            Placement p = placer.place(warm, pods.get(i), profile);
            if (p.node() != null) {
                warm.assume(pods.get(i), p.node());
            }
        }
        warm = null;
        long[] latencies = new long[PODS];
        int scheduled = 0;
        long start = System.nanoTime();
        for (int i = 0; i < PODS; i++) {
            PodInfo pod = pods.get(i);
            long t0 = System.nanoTime();
            Placement p = placer.place(snapshot, pod, profile);
            if (p.node() != null) {
                snapshot.assume(pod, p.node());
                scheduled++;
            }
            latencies[i] = System.nanoTime() - t0;
        }
        long elapsed = System.nanoTime() - start;
        pods = null;
        long afterPods = usedMemory();
        Arrays.sort(latencies);
        System.out.printf(
                "RESULT pods=%d nodes=%d pods_per_s=%.0f p50_us=%d p99_us=%d bytes_per_node=%d bytes_per_pod=%d"
                        + " scheduled=%d%n",
                PODS,
                NODES,
                PODS / (elapsed / 1e9),
                latencies[PODS / 2] / 1000,
                latencies[PODS * 99 / 100] / 1000,
                (afterNodes - before) / NODES,
                Math.max(0, afterPods - beforePods) / Math.max(1, snapshot.podCount()),
                scheduled);
    }

    static long usedMemory() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    static Map<String, Object> node(int i, Random rnd) {
        String name = String.format("node-%05d", i);
        int size = 1 << rnd.nextInt(4); // 1, 2, 4, 8
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("topology.kubernetes.io/zone", ZONES[i % 3]);
        labels.put("node.kubernetes.io/instance-type", "m" + size + ".large");
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/arch", "amd64");
        List<Object> taints = new ArrayList<>();
        if (i % 10 == 0) {
            taints.add(Map.of("key", "dedicated", "value", "batch", "effect", "NoSchedule"));
        } else if (i % 20 == 1) {
            taints.add(Map.of("key", "spot", "value", "true", "effect", "PreferNoSchedule"));
        }
        List<Object> images = new ArrayList<>();
        for (int k = 0; k < IMAGES.length; k++) {
            if (rnd.nextInt(3) == 0) {
                images.add(Map.of("names", List.of(IMAGES[k]), "sizeBytes", (long) (200 + 100 * k) * 1024 * 1024));
            }
        }
        return Map.of(
                "metadata", Map.of("name", name, "labels", labels),
                "spec", Map.of("taints", taints),
                "status",
                        Map.of(
                                "allocatable",
                                        Map.of(
                                                "cpu",
                                                (4 * size) + "",
                                                "memory",
                                                (16 * size) + "Gi",
                                                "ephemeral-storage",
                                                "100Gi",
                                                "pods",
                                                "110"),
                                "conditions", List.of(Map.of("type", "Ready", "status", "True")),
                                "images", images));
    }

    static Map<String, Object> pod(int i, Random rnd) {
        int app = rnd.nextInt(200);
        String appName = "app-" + app;
        Map<String, Object> spec = new LinkedHashMap<>();
        String cpu = (100 * (1 + rnd.nextInt(10))) + "m";
        String mem = (128 * (1 + rnd.nextInt(16))) + "Mi";
        spec.put(
                "containers",
                List.of(Map.of(
                        "name",
                        "main",
                        "image",
                        IMAGES[app % 3],
                        "resources",
                        Map.of("requests", Map.of("cpu", cpu, "memory", mem)))));
        Map<String, Object> selector = Map.of("matchLabels", Map.of("app", appName));
        int kind = i % 20;
        if (kind < 4) {
            spec.put(
                    "topologySpreadConstraints",
                    List.of(Map.of(
                            "maxSkew",
                            1L,
                            "topologyKey",
                            "topology.kubernetes.io/zone",
                            "whenUnsatisfiable",
                            "DoNotSchedule",
                            "labelSelector",
                            selector)));
        } else if (kind < 6) {
            spec.put(
                    "topologySpreadConstraints",
                    List.of(Map.of(
                            "maxSkew",
                            2L,
                            "topologyKey",
                            "kubernetes.io/hostname",
                            "whenUnsatisfiable",
                            "ScheduleAnyway",
                            "labelSelector",
                            selector)));
        } else if (kind < 8) {
            spec.put(
                    "affinity",
                    Map.of(
                            "podAntiAffinity",
                            Map.of(
                                    "preferredDuringSchedulingIgnoredDuringExecution",
                                    List.of(Map.of(
                                            "weight",
                                            100L,
                                            "podAffinityTerm",
                                            Map.of(
                                                    "labelSelector",
                                                    selector,
                                                    "topologyKey",
                                                    "kubernetes.io/hostname"))))));
        } else if (kind == 8) {
            spec.put(
                    "affinity",
                    Map.of(
                            "podAntiAffinity",
                            Map.of(
                                    "requiredDuringSchedulingIgnoredDuringExecution",
                                    List.of(Map.of(
                                            "labelSelector", selector, "topologyKey", "kubernetes.io/hostname")))));
        } else if (kind < 11) {
            spec.put(
                    "affinity",
                    Map.of(
                            "nodeAffinity",
                            Map.of(
                                    "preferredDuringSchedulingIgnoredDuringExecution",
                                    List.of(Map.of(
                                            "weight",
                                            50L,
                                            "preference",
                                            Map.of(
                                                    "matchExpressions",
                                                    List.of(Map.of(
                                                            "key",
                                                            "node.kubernetes.io/instance-type",
                                                            "operator",
                                                            "In",
                                                            "values",
                                                            List.of("m8.large", "m4.large")))))))));
        } else if (kind == 11) {
            spec.put(
                    "tolerations",
                    List.of(Map.of("key", "dedicated", "operator", "Equal", "value", "batch", "effect", "NoSchedule")));
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "pod-" + i);
        metadata.put("namespace", "ns-" + (app % 20));
        metadata.put("labels", Map.of("app", appName, "pod-template-hash", "h" + app));
        if (WORKLOADS) {
            metadata.put(
                    "ownerReferences",
                    List.of(Map.of(
                            "apiVersion",
                            "apps/v1",
                            "kind",
                            "ReplicaSet",
                            "name",
                            appName + "-h" + app,
                            "controller",
                            true)));
        }
        return Map.of("metadata", metadata, "spec", spec);
    }

    /** A Service and a ReplicaSet selecting app {@code app}'s pods (with {@code -Dworkloads=true}). */
    static List<Map<String, Object>> workloads(int app) {
        String appName = "app-" + app;
        String ns = "ns-" + (app % 20);
        return List.of(
                Map.of(
                        "apiVersion",
                        "v1",
                        "kind",
                        "Service",
                        "metadata",
                        Map.of("namespace", ns, "name", appName),
                        "spec",
                        Map.of("selector", Map.of("app", appName))),
                Map.of(
                        "apiVersion",
                        "apps/v1",
                        "kind",
                        "ReplicaSet",
                        "metadata",
                        Map.of("namespace", ns, "name", appName + "-h" + app),
                        "spec",
                        Map.of(
                                "selector",
                                Map.of("matchLabels", Map.of("app", appName, "pod-template-hash", "h" + app)))));
    }
}

package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * Places a fixed mixed workload (400 nodes, 1,500 pods: spread, (anti-)affinity required and
 * preferred, node affinity, tolerations, host ports, images, extended resources) and compares every
 * decision with the recorded one: chosen node, reason, feasible count, the winner's total and a
 * checksum over all node verdicts (filter, status, per-plugin scores, totals). Guards performance
 * work: decisions must stay byte-identical. To re-record after an intended change of decisions,
 * run with {@code -Dplacement.golden.write=true} and review the diff.
 */
class DecisionIdentityTest {
    static final String GOLDEN = "/placement/golden/mixed_workload.txt";
    static final String[] ZONES = {"zone-a", "zone-b", "zone-c", "zone-d"};
    static final String[] IMAGES = {"shop/web:1", "shop/api:2", "base/sidecar:3", "batch/job"};

    @Test
    void decisionsMatchTheRecordedOnes() throws IOException {
        String got = run();
        if (Boolean.getBoolean("placement.golden.write")) {
            Files.writeString(Path.of("src/test/resources" + GOLDEN), got);
        }
        String want;
        try (InputStream in = getClass().getResourceAsStream(GOLDEN)) {
            assertThat(in).as("golden file " + GOLDEN).isNotNull();
            want = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(got).isEqualTo(want);
    }

    static String run() {
        Random rnd = new Random(1);
        Snapshot snapshot = new Snapshot();
        for (int i = 0; i < 400; i++) {
            snapshot.upsertNode(node(i, rnd));
        }
        for (int ns = 0; ns < 6; ns++) {
            snapshot.upsertNamespace("ns-" + ns, Map.of("team", ns % 2 == 0 ? "shop" : "batch"));
        }
        Placer placer = new Placer();
        Profile profile = Profile.defaults();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 1500; i++) {
            PodInfo pod = PodInfo.fromMap(pod(i, rnd));
            Placement p = placer.place(snapshot, pod, profile);
            CRC32 crc = new CRC32();
            long total = 0;
            for (NodeVerdict v : p.nodes()) {
                crc.update((v.node()
                                + ' '
                                + v.feasible()
                                + ' '
                                + v.rejectedBy()
                                + ' '
                                + v.status()
                                + ' '
                                + v.scores()
                                + ' '
                                + v.total()
                                + '\n')
                        .getBytes(StandardCharsets.UTF_8));
                if (v.node().equals(p.node())) {
                    total = v.total();
                }
            }
            out.append(pod.key())
                    .append(' ')
                    .append(p.reason())
                    .append(' ')
                    .append(p.node())
                    .append(" feasible=")
                    .append(p.feasibleCount())
                    .append(" total=")
                    .append(total)
                    .append(" verdicts=")
                    .append(Long.toHexString(crc.getValue()));
            if (p.node() == null) {
                out.append(' ').append(p.message());
            } else {
                snapshot.assume(pod, p.node());
            }
            out.append('\n');
            if (i % 250 == 249) {
                // churn: remove a few bound pods so removal paths are part of the workload
                for (int k = i - 240; k < i - 200; k += 7) {
                    snapshot.deletePod("ns-" + (k % 6), "pod-" + k);
                }
            }
        }
        return out.toString();
    }

    static Map<String, Object> node(int i, Random rnd) {
        String name = String.format("node-%04d", i);
        int size = 1 << rnd.nextInt(3);
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", name);
        labels.put("topology.kubernetes.io/zone", ZONES[i % ZONES.length]);
        labels.put("rack", "rack-" + (i % 13));
        labels.put("node.kubernetes.io/instance-type", "m" + size);
        if (i % 9 == 0) {
            labels.put("gpu", "true");
        }
        List<Object> taints = new ArrayList<>();
        if (i % 11 == 0) {
            taints.add(Map.of("key", "dedicated", "value", "batch", "effect", "NoSchedule"));
        } else if (i % 7 == 1) {
            taints.add(Map.of("key", "spot", "value", "true", "effect", "PreferNoSchedule"));
        }
        List<Object> images = new ArrayList<>();
        for (int k = 0; k < IMAGES.length; k++) {
            if (rnd.nextInt(3) == 0) {
                images.add(Map.of("names", List.of(IMAGES[k]), "sizeBytes", (long) (50 + 300 * k) * 1024 * 1024));
            }
        }
        Map<String, Object> alloc = new LinkedHashMap<>();
        alloc.put("cpu", (2 * size) + "");
        alloc.put("memory", (8 * size) + "Gi");
        alloc.put("pods", "" + (10 + 5 * size));
        if (i % 9 == 0) {
            alloc.put("example.com/gpu", "2");
        }
        return Map.of(
                "metadata",
                Map.of("name", name, "labels", labels),
                "spec",
                Map.of("taints", taints),
                "status",
                Map.of("allocatable", alloc, "images", images));
    }

    static Map<String, Object> pod(int i, Random rnd) {
        int app = rnd.nextInt(40);
        String appName = "app-" + app;
        String ns = "ns-" + (i % 6);
        Map<String, Object> spec = new LinkedHashMap<>();
        Map<String, Object> requests = new LinkedHashMap<>();
        requests.put("cpu", (50 * (1 + rnd.nextInt(12))) + "m");
        requests.put("memory", (64 * (1 + rnd.nextInt(24))) + "Mi");
        if (i % 37 == 0) {
            requests.put("example.com/gpu", "1");
        }
        if (i % 97 == 0) {
            requests.put("cpu", "12"); // larger than any node: unschedulable
        }
        Map<String, Object> container = new LinkedHashMap<>();
        container.put("name", "main");
        container.put("image", IMAGES[app % IMAGES.length]);
        container.put("resources", Map.of("requests", requests));
        if (i % 29 == 0) {
            container.put("ports", List.of(Map.of("containerPort", 8080, "hostPort", 8080)));
        }
        spec.put("containers", List.of(container));
        Map<String, Object> selector = Map.of("matchLabels", Map.of("app", appName));
        Map<String, Object> affinity = new LinkedHashMap<>();
        switch (i % 16) {
            case 0, 1 ->
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
            case 2 ->
                spec.put(
                        "topologySpreadConstraints",
                        List.of(
                                Map.of(
                                        "maxSkew",
                                        2L,
                                        "topologyKey",
                                        "kubernetes.io/hostname",
                                        "whenUnsatisfiable",
                                        "ScheduleAnyway",
                                        "labelSelector",
                                        selector),
                                Map.of(
                                        "maxSkew",
                                        1L,
                                        "topologyKey",
                                        "rack",
                                        "whenUnsatisfiable",
                                        "ScheduleAnyway",
                                        "labelSelector",
                                        selector,
                                        "nodeTaintsPolicy",
                                        "Honor")));
            case 3, 4 ->
                affinity.put(
                        "podAntiAffinity",
                        Map.of(
                                "preferredDuringSchedulingIgnoredDuringExecution",
                                List.of(Map.of(
                                        "weight",
                                        80L,
                                        "podAffinityTerm",
                                        Map.of("labelSelector", selector, "topologyKey", "kubernetes.io/hostname")))));
            case 5 ->
                affinity.put(
                        "podAntiAffinity",
                        Map.of(
                                "requiredDuringSchedulingIgnoredDuringExecution",
                                List.of(Map.of("labelSelector", selector, "topologyKey", "kubernetes.io/hostname"))));
            case 6 ->
                affinity.put(
                        "podAffinity",
                        Map.of(
                                "requiredDuringSchedulingIgnoredDuringExecution",
                                List.of(Map.of(
                                        "labelSelector", selector, "topologyKey", "topology.kubernetes.io/zone"))));
            case 7 ->
                affinity.put(
                        "podAffinity",
                        Map.of(
                                "preferredDuringSchedulingIgnoredDuringExecution",
                                List.of(Map.of(
                                        "weight",
                                        30L,
                                        "podAffinityTerm",
                                        Map.of(
                                                "labelSelector",
                                                Map.of("matchLabels", Map.of("tier", "db")),
                                                "topologyKey",
                                                "rack",
                                                "namespaceSelector",
                                                Map.of("matchLabels", Map.of("team", "shop")))))));
            case 8, 9 ->
                affinity.put(
                        "nodeAffinity",
                        Map.of(
                                "preferredDuringSchedulingIgnoredDuringExecution",
                                List.of(Map.of(
                                        "weight",
                                        40L,
                                        "preference",
                                        Map.of(
                                                "matchExpressions",
                                                List.of(Map.of(
                                                        "key",
                                                        "node.kubernetes.io/instance-type",
                                                        "operator",
                                                        "In",
                                                        "values",
                                                        List.of("m4", "m2"))))))));
            case 10 ->
                affinity.put(
                        "nodeAffinity",
                        Map.of(
                                "requiredDuringSchedulingIgnoredDuringExecution",
                                Map.of(
                                        "nodeSelectorTerms",
                                        List.of(Map.of(
                                                "matchExpressions",
                                                List.of(Map.of(
                                                        "key",
                                                        "topology.kubernetes.io/zone",
                                                        "operator",
                                                        "NotIn",
                                                        "values",
                                                        List.of("zone-d"))))))));
            case 11 ->
                spec.put(
                        "tolerations",
                        List.of(Map.of(
                                "key", "dedicated", "operator", "Equal", "value", "batch", "effect", "NoSchedule")));
            case 12 -> spec.put("nodeSelector", Map.of("rack", "rack-" + (app % 13)));
            default -> {}
        }
        if (!affinity.isEmpty()) {
            spec.put("affinity", affinity);
        }
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app", appName);
        if (app % 5 == 0) {
            labels.put("tier", "db");
        }
        return Map.of("metadata", Map.of("name", "pod-" + i, "namespace", ns, "labels", labels), "spec", spec);
    }
}

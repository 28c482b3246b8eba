package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacerTest {
    private final Placer placer = new Placer();

    private static Map<String, Object> node(String name, String cpu, List<Object> taints) {
        return Objects.node(Map.of(
                "name",
                name,
                "allocatable",
                Map.of("cpu", cpu, "memory", "8Gi"),
                "taints",
                taints,
                "labels",
                Map.of("kubernetes.io/hostname", name)));
    }

    private static PodInfo pod(String name, String cpu) {
        return PodInfo.fromMap(Objects.pod(
                Map.of("name", name, "namespace", "shop", "containers", List.of(Map.of("cpu", cpu, "memory", "1Gi"))),
                name));
    }

    @Test
    void aPodThatFitsNowhereGetsTheFailedSchedulingMessageWithPerFilterCounts() {
        Snapshot s = new Snapshot();
        s.upsertNode(node("small-1", "3", List.of()));
        s.upsertNode(node("small-2", "3", List.of()));
        for (String n : List.of("small-1", "small-2")) {
            s.upsertPod(Objects.pod(
                    Map.of(
                            "name",
                            "busy-" + n,
                            "namespace",
                            "shop",
                            "node",
                            n,
                            "containers",
                            List.of(Map.of("cpu", "2"))),
                    "busy"));
        }
        List<Object> cp = List.of(Map.of("key", "node-role.kubernetes.io/control-plane", "effect", "NoSchedule"));
        s.upsertNode(node("cp-1", "8", cp));
        s.upsertNode(node("cp-2", "8", cp));
        s.upsertNode(node("cp-3", "8", cp));

        Placement p = placer.place(s, pod("web-1", "2"), Profile.defaults());

        assertThat(p.node()).isNull();
        assertThat(p.reason()).isEqualTo(Placement.Reason.Unschedulable);
        assertThat(p.message())
                .isEqualTo("0/5 nodes are available: 2 Insufficient cpu, "
                        + "3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. "
                        + "preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, "
                        + "3 Preemption is not helpful for scheduling.");
        NodeVerdict small = p.verdict("small-1");
        assertThat(small.feasible()).isFalse();
        assertThat(small.rejectedBy()).isEqualTo("NodeResourcesFit");
        assertThat(p.verdict("cp-2").rejectedBy()).isEqualTo("TaintToleration");
    }

    @Test
    void requestAboveWholeAllocatableIsUnresolvable() {
        Snapshot s = new Snapshot();
        s.upsertNode(node("n1", "1", List.of()));
        Placement p = placer.place(s, pod("big", "2"), Profile.defaults());
        assertThat(p.verdict("n1").status().code()).isEqualTo(Status.Code.UNSCHEDULABLE_AND_UNRESOLVABLE);
        assertThat(p.message())
                .endsWith("preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
    }

    @Test
    void tiesGoToTheSmallestNodeNameEveryTime() {
        Snapshot s = new Snapshot();
        for (String n : List.of("node-c", "node-a", "node-b")) {
            s.upsertNode(node(n, "4", List.of()));
        }
        for (int i = 0; i < 5; i++) {
            Placement p = placer.place(s, pod("web-" + i, "1"), Profile.defaults());
            assertThat(p.node()).isEqualTo("node-a");
            assertThat(p.nodes())
                    .extracting(NodeVerdict::total)
                    .containsOnly(p.verdict("node-a").total());
        }
    }

    @Test
    void assumedPodsCountForTheNextDecision() {
        Snapshot s = new Snapshot();
        s.upsertNode(node("node-a", "4", List.of()));
        s.upsertNode(node("node-b", "4", List.of()));
        PodInfo first = pod("web-1", "3");
        Placement p1 = placer.place(s, first, Profile.defaults());
        s.assume(first, p1.node());
        Placement p2 = placer.place(s, pod("web-2", "3"), Profile.defaults());

        assertThat(p1.node()).isEqualTo("node-a");
        assertThat(p2.node()).isEqualTo("node-b");
        assertThat(p2.verdict("node-a").status().reasons()).containsExactly("Insufficient cpu");
        assertThat(s.node("node-a").requestedMilliCpu()).isEqualTo(3000);
    }

    @Test
    void verdictsCarryNormalizedScoresAndTheWeightedTotal() {
        Snapshot s = new Snapshot();
        s.upsertNode(node("node-a", "4", List.of()));
        s.upsertNode(
                node("node-b", "8", List.of(Map.of("key", "spot", "value", "true", "effect", "PreferNoSchedule"))));
        Placement p = placer.place(s, pod("web-1", "2"), Profile.defaults());

        NodeVerdict b = p.verdict("node-b");
        assertThat(b.scores()).containsEntry("TaintToleration", 0L).containsEntry("NodeResourcesFit", 81L);
        long total = 0;
        for (Map.Entry<String, Long> e : b.scores().entrySet()) {
            total += e.getValue() * Profile.defaults().scoreWeights().get(e.getKey());
        }
        assertThat(b.total()).isEqualTo(total);
        // node-a: untainted (TaintToleration 100 × 3) outweighs node-b's emptier cpu
        assertThat(p.node()).isEqualTo("node-a");
    }

    @Test
    void bestEffortPodsSkipBalancedAllocation() {
        Snapshot s = new Snapshot();
        s.upsertNode(node("node-a", "4", List.of()));
        PodInfo bestEffort = PodInfo.fromMap(Objects.pod(Map.of("name", "be", "containers", List.of(Map.of())), "be"));
        Placement p = placer.place(s, bestEffort, Profile.defaults());
        assertThat(p.verdict("node-a").scores()).containsEntry("NodeResourcesBalancedAllocation", 0L);
    }

    @Test
    void defaultProfileHasTheDefaultSchedulerWeights() {
        assertThat(Profile.defaults().scoreWeights())
                .containsExactly(
                        Map.entry("TaintToleration", 3),
                        Map.entry("NodeAffinity", 2),
                        Map.entry("NodeResourcesFit", 1),
                        Map.entry("PodTopologySpread", 2),
                        Map.entry("InterPodAffinity", 2),
                        Map.entry("NodeResourcesBalancedAllocation", 1),
                        Map.entry("ImageLocality", 1));
        assertThatThrownBy(() -> Profile.defaults().withWeight("NodeAffinity", 0))
                .hasMessageContaining("weight of NodeAffinity: got 0");
    }

    @Test
    void deletedPodsFreeTheirNode() {
        Snapshot s = new Snapshot();
        s.upsertNode(node("node-a", "4", List.of()));
        s.upsertPod(Objects.pod(
                Map.of("name", "old", "namespace", "shop", "node", "node-a", "containers", List.of(Map.of("cpu", "4"))),
                "old"));
        assertThat(placer.place(s, pod("web", "1"), Profile.defaults()).node()).isNull();
        s.deletePod("shop", "old");
        assertThat(placer.place(s, pod("web", "1"), Profile.defaults()).node()).isEqualTo("node-a");
    }
}

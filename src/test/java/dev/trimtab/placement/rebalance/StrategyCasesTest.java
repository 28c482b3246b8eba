package dev.trimtab.placement.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.placement.rebalance.core.ClusterState;
import dev.trimtab.placement.rebalance.core.HighNodeUtilization;
import dev.trimtab.placement.rebalance.core.LowNodeUtilization;
import dev.trimtab.placement.rebalance.core.Namespaces;
import dev.trimtab.placement.rebalance.core.RebalanceProfile;
import dev.trimtab.placement.rebalance.core.Rebalancer;
import dev.trimtab.placement.rebalance.core.Recommendation;
import dev.trimtab.placement.rebalance.core.RemoveDuplicates;
import dev.trimtab.placement.rebalance.core.RemovePodsViolatingInterPodAntiAffinity;
import dev.trimtab.placement.rebalance.core.RemovePodsViolatingNodeAffinity;
import dev.trimtab.placement.rebalance.core.RemovePodsViolatingNodeTaints;
import dev.trimtab.placement.rebalance.core.RemovePodsViolatingTopologySpreadConstraint;
import dev.trimtab.placement.rebalance.core.Strategy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream descheduler plugin cases as data, one file and one parameterized test per strategy.
 * {@code want} is the number of evictions (recommendations not blocked), {@code wantPods} the
 * evicted pods when upstream names them, {@code wantBlocked} pod → blocker, {@code wantOrder} the
 * exact recommendation order ("Strategy ns/pod[!Blocker]").
 */
class StrategyCasesTest {

    static Stream<Arguments> lowNodeUtilization() {
        return Fixtures.load("low_node_utilization.yaml");
    }

    static Stream<Arguments> highNodeUtilization() {
        return Fixtures.load("high_node_utilization.yaml");
    }

    static Stream<Arguments> removeDuplicates() {
        return Fixtures.load("remove_duplicates.yaml");
    }

    static Stream<Arguments> nodeTaints() {
        return Fixtures.load("node_taints.yaml");
    }

    static Stream<Arguments> nodeAffinity() {
        return Fixtures.load("node_affinity.yaml");
    }

    static Stream<Arguments> interPodAntiAffinity() {
        return Fixtures.load("inter_pod_anti_affinity.yaml");
    }

    static Stream<Arguments> topologySpread() {
        return Fixtures.load("topology_spread.yaml");
    }

    static Stream<Arguments> evictor() {
        return Fixtures.load("evictor.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lowNodeUtilization")
    void lowNodeUtilization(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new LowNodeUtilization(new LowNodeUtilization.Args(
                        percent(args(c), "thresholds"),
                        percent(args(c), "targetThresholds"),
                        Fixtures.flag(args(c), "useDeviationThresholds"),
                        (Integer) args(c).getOrDefault("numberOfNodes", 0),
                        namespaces(args(c)),
                        (Integer) args(c).get("evictionLimitsNode")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("highNodeUtilization")
    void highNodeUtilization(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new HighNodeUtilization(new HighNodeUtilization.Args(
                        percent(args(c), "thresholds"),
                        (Integer) args(c).getOrDefault("numberOfNodes", 0),
                        Fixtures.flag(args(c), "onlyThresholdingResources"),
                        namespaces(args(c))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("removeDuplicates")
    void removeDuplicates(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new RemoveDuplicates(new RemoveDuplicates.Args(
                        namespaces(args(c)), Set.copyOf(strings(args(c), "excludeOwnerKinds"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodeTaints")
    void nodeTaints(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new RemovePodsViolatingNodeTaints(new RemovePodsViolatingNodeTaints.Args(
                        namespaces(args(c)),
                        selector(args(c)),
                        Fixtures.flag(args(c), "includePreferNoSchedule"),
                        Set.copyOf(strings(args(c), "excludedTaints")),
                        Set.copyOf(strings(args(c), "includedTaints"))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodeAffinity")
    void nodeAffinity(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new RemovePodsViolatingNodeAffinity(
                        new RemovePodsViolatingNodeAffinity.Args(namespaces(args(c)), selector(args(c))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("interPodAntiAffinity")
    void interPodAntiAffinity(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new RemovePodsViolatingInterPodAntiAffinity(
                        new RemovePodsViolatingInterPodAntiAffinity.Args(namespaces(args(c)), selector(args(c))))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topologySpread")
    void topologySpread(String name, Map<String, Object> c) {
        check(
                c,
                List.of(new RemovePodsViolatingTopologySpreadConstraint(
                        new RemovePodsViolatingTopologySpreadConstraint.Args(
                                namespaces(args(c)),
                                selector(args(c)),
                                Fixtures.flag(args(c), "includeScheduleAnyway"),
                                !Boolean.FALSE.equals(args(c).get("topologyBalanceNodeFit"))))));
    }

    /** Evictor rules, PDBs, limits and order: the strategies named in {@code strategies} with default args. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("evictor")
    void evictor(String name, Map<String, Object> c) {
        List<Strategy> strategies = new ArrayList<>();
        for (String s : strings(c, "strategies")) {
            strategies.add(
                    switch (s) {
                        case RemovePodsViolatingNodeTaints.NAME ->
                            new RemovePodsViolatingNodeTaints(RemovePodsViolatingNodeTaints.Args.defaults());
                        case RemoveDuplicates.NAME -> new RemoveDuplicates(RemoveDuplicates.Args.defaults());
                        case RemovePodsViolatingNodeAffinity.NAME ->
                            new RemovePodsViolatingNodeAffinity(RemovePodsViolatingNodeAffinity.Args.defaults());
                        default -> throw new IllegalArgumentException("strategy " + s);
                    });
        }
        check(c, strategies);
    }

    @SuppressWarnings("unchecked")
    private static void check(Map<String, Object> c, List<Strategy> strategies) {
        ClusterState state = Fixtures.state(c);
        RebalanceProfile profile = new RebalanceProfile("test", Fixtures.evictor(c), Fixtures.limits(c), strategies);
        List<Recommendation> got = new Rebalancer(profile).recommend(state);
        List<Recommendation> again = new Rebalancer(profile).recommend(state);
        assertThat(again).as("deterministic").isEqualTo(got);
        Set<String> evicted = new TreeSet<>();
        Map<String, String> blocked = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (Recommendation r : got) {
            String key = r.namespace().equals("default") ? r.pod() : r.key();
            order.add(r.strategy() + " " + key + (r.blocked() ? "!" + r.blocker() : ""));
            if (r.blocked()) {
                blocked.put(key, r.blocker().name());
            } else {
                evicted.add(key);
            }
            assertThat(r.reason()).isNotBlank();
        }
        assertThat(evicted).as("evicted pods " + got).hasSize(((Number) c.get("want")).intValue());
        if (c.get("wantPods") != null) {
            assertThat(evicted).isEqualTo(new TreeSet<>(strings(c, "wantPods")));
        }
        if (c.get("wantBlocked") != null) {
            assertThat(blocked).isEqualTo(c.get("wantBlocked"));
        }
        if (c.get("wantOrder") != null) {
            assertThat(order).isEqualTo(c.get("wantOrder"));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> args(Map<String, Object> c) {
        return (Map<String, Object>) c.getOrDefault("args", Map.of());
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Map<String, Object> m, String key) {
        return m.get(key) == null ? List.of() : (List<String>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Double> percent(Map<String, Object> args, String key) {
        Map<String, Double> out = new LinkedHashMap<>();
        ((Map<String, Object>) args.get(key)).forEach((k, v) -> out.put(k, ((Number) v).doubleValue()));
        return out;
    }

    private static Namespaces namespaces(Map<String, Object> args) {
        return new Namespaces(Set.copyOf(strings(args, "include")), Set.copyOf(strings(args, "exclude")));
    }

    private static LabelSelector selector(Map<String, Object> args) {
        return LabelSelector.fromMap(args.get("labelSelector"), "args.labelSelector");
    }
}

package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PodTopologySpread's default constraints ({@code defaultingType} System or List): upstream's
 * PreFilter and PreScore state cases (placement/upstream/pod_topology_spread_defaults.yaml) and
 * Trimtab's own cases of scores with the system defaults (placement/upstream/trimtab_spread_defaults.yaml).
 */
class SpreadDefaultsCasesTest {
    static Stream<Arguments> scores() {
        return CaseFiles.load("trimtab_spread_defaults.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void scores(String name, Map<String, Object> file, Map<String, Object> c) {
        PluginCasesTest.check(file, c);
    }

    static Stream<Arguments> upstream() {
        return CaseFiles.load("pod_topology_spread_defaults.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    @SuppressWarnings("unchecked")
    void upstream(String name, Map<String, Object> file, Map<String, Object> c) {
        SpreadDefaults defaults = defaults(c);
        Snapshot snapshot = Objects.snapshot(c);
        PodInfo pod = Objects.incoming(c);
        if (c.containsKey("wantFilterConstraints")) {
            List<String> got = new PodTopologySpreadFilter(defaults)
                    .constraints(pod, snapshot).stream()
                            .map(SpreadDefaultsCasesTest::show)
                            .toList();
            assertThat(got).isEqualTo(c.get("wantFilterConstraints"));
        }
        Object wantScore = c.get("wantScore");
        if (wantScore != null) {
            List<NodeInfo> nodes = snapshot.nodes();
            ScorePlugin.NodeScorer scorer = new PodTopologySpreadScore(defaults).prepare(pod, snapshot, nodes);
            if ("skip".equals(wantScore)) {
                assertThat(scorer).isNull();
                return;
            }
            assertThat(scorer).isNotNull();
            PodTopologySpreadScore.Scorer s = (PodTopologySpreadScore.Scorer) scorer;
            Map<String, Object> got = new LinkedHashMap<>();
            got.put(
                    "constraints",
                    s.constraints().stream().map(SpreadDefaultsCasesTest::show).toList());
            List<Integer> domains = new ArrayList<>();
            for (int i : s.sizes()) {
                domains.add(i);
            }
            got.put("domains", domains);
            List<Map<String, Integer>> counts = new ArrayList<>();
            for (Map<String, long[]> m : s.counts()) {
                Map<String, Integer> cm = new LinkedHashMap<>();
                m.forEach((k, v) -> cm.put(k, (int) v[0]));
                counts.add(cm);
            }
            got.put("counts", counts);
            got.put(
                    "ignored",
                    nodes.stream()
                            .filter(n -> s.score(n) < 0)
                            .map(NodeInfo::name)
                            .toList());
            assertThat(got).isEqualTo(wantScore);
        }
    }

    static String show(SpreadConstraint c) {
        return c.topologyKey() + " maxSkew " + c.maxSkew() + " "
                + (c.doNotSchedule() ? "DoNotSchedule" : "ScheduleAnyway") + " " + c.selector();
    }

    /** {@code defaulting: System} (default) or {@code List} with {@code defaultConstraints}. */
    @SuppressWarnings("unchecked")
    static SpreadDefaults defaults(Map<String, Object> c) {
        if (!"List".equals(c.getOrDefault("defaulting", "System"))) {
            return SpreadDefaults.SYSTEM;
        }
        List<SpreadConstraint> list = new ArrayList<>();
        for (Object o : (List<Object>) c.getOrDefault("defaultConstraints", List.of())) {
            Map<String, Object> m = (Map<String, Object>) o;
            list.add(new SpreadConstraint(
                    ((Number) m.get("maxSkew")).intValue(),
                    (String) m.get("topologyKey"),
                    "DoNotSchedule".equals(m.get("whenUnsatisfiable")),
                    null,
                    1,
                    true,
                    false));
        }
        return SpreadDefaults.list(list);
    }
}

package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream noderesources score cases (least/most allocated, balanced allocation) run as data. */
class ResourceScoreCasesTest {
    static Stream<Arguments> cases() {
        return CaseFiles.load("least_allocated.yaml", "most_allocated.yaml", "balanced_allocation.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void scores(String name, Map<String, Object> file, Map<String, Object> c) {
        List<ScoringStrategy.ResourceWeight> resources = ScoringStrategy.DEFAULT_RESOURCES;
        if (c.get("resources") != null) {
            resources = new ArrayList<>();
            for (Object r : (List<Object>) c.get("resources")) {
                Map<String, Object> m = (Map<String, Object>) r;
                resources.add(new ScoringStrategy.ResourceWeight(
                        (String) m.get("name"), ((Number) m.get("weight")).longValue()));
            }
        }
        List<ScoringStrategy.ResourceWeight> res = resources;
        String plugin = (String) file.get("plugin");
        if (c.get("wantError") != null) {
            assertThatThrownBy(() -> new ScoringStrategy(
                            ScoringStrategy.Type.valueOf((String) file.get("strategy")), res, List.of()))
                    .hasMessageContaining((String) c.get("wantError"));
            return;
        }
        Snapshot snapshot = Objects.snapshot(c);
        PodInfo pod = Objects.incoming(c);
        List<NodeInfo> nodes = snapshot.nodes();
        ScorePlugin.NodeScorer scorer;
        if (plugin.equals(BalancedAllocationScore.NAME)) {
            scorer = new BalancedAllocationScore(res).scorer(ResourceAllocation.podRequests(pod, res, false));
        } else {
            ScoringStrategy strategy =
                    new ScoringStrategy(ScoringStrategy.Type.valueOf((String) file.get("strategy")), res, List.of());
            scorer = new NodeResourcesFitScore(strategy).prepare(pod, snapshot, nodes);
        }
        Map<String, Long> got = new LinkedHashMap<>();
        for (NodeInfo n : nodes) {
            got.put(n.name(), scorer.score(n));
        }
        Map<String, Long> want = new LinkedHashMap<>();
        ((Map<String, Object>) c.get("want")).forEach((k, v) -> want.put(k, ((Number) v).longValue()));
        assertThat(got).isEqualTo(want);
    }
}

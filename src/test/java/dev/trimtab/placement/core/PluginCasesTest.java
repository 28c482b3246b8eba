package dev.trimtab.placement.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstream filter and score cases for the default profile's plugins, as data: {@code wantFilter}
 * maps each node to "Success" or "Code: reason[, reason]"; {@code wantScore} maps each node to its
 * normalized score. Scores cover all case nodes, or only those in {@code feasible} when given (the
 * upstream tests' filtered-out nodes). A case with {@code skip: reason} depends on something the
 * core does not model and is reported as skipped with that reason.
 */
class PluginCasesTest {
    static Stream<Arguments> cases() {
        return CaseFiles.load("taint_toleration.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void verdicts(String name, Map<String, Object> file, Map<String, Object> c) {
        check(file, c);
    }

    @SuppressWarnings("unchecked")
    static void check(Map<String, Object> file, Map<String, Object> c) {
        Assumptions.assumeTrue(c.get("skip") == null, () -> "not modelled: " + c.get("skip"));
        String plugin = (String) c.getOrDefault("plugin", file.get("plugin"));
        Snapshot snapshot = Objects.snapshot(c);
        PodInfo pod = Objects.incoming(c);
        List<NodeInfo> nodes = snapshot.nodes();
        if (c.get("wantFilter") != null) {
            FilterPlugin filter = Profile.defaults().filterPlugins().stream()
                    .filter(f -> f.name().equals(plugin))
                    .findFirst()
                    .orElseThrow();
            FilterPlugin.NodeFilter check = filter.prepare(pod, snapshot);
            Map<String, String> got = new LinkedHashMap<>();
            for (NodeInfo n : nodes) {
                Status s = check == null ? Status.SUCCESS : check.filter(n);
                got.put(n.name(), s.isSuccess() ? "Success" : s.code() + ": " + String.join(", ", s.reasons()));
            }
            assertThat(got).isEqualTo(c.get("wantFilter"));
        }
        if (c.get("wantScore") != null) {
            ScorePlugin score = Profile.defaults().scorePlugins().stream()
                    .filter(s -> s.name().equals(plugin))
                    .findFirst()
                    .orElseThrow();
            List<NodeInfo> feasible = nodes;
            if (c.get("feasible") != null) {
                List<String> names = (List<String>) c.get("feasible");
                feasible = nodes.stream().filter(n -> names.contains(n.name())).toList();
            }
            ScorePlugin.NodeScorer scorer = score.prepare(pod, snapshot, feasible);
            long[] values = new long[feasible.size()];
            NodeInfo[] array = feasible.toArray(new NodeInfo[0]);
            if (scorer != null) {
                for (int i = 0; i < array.length; i++) {
                    values[i] = scorer.score(array[i]);
                }
                scorer.normalize(values, array, array.length);
            }
            Map<String, Long> got = new LinkedHashMap<>();
            for (int i = 0; i < array.length; i++) {
                got.put(array[i].name(), values[i]);
            }
            Map<String, Long> want = new LinkedHashMap<>();
            ((Map<String, Object>) c.get("wantScore")).forEach((k, v) -> want.put(k, ((Number) v).longValue()));
            assertThat(got).isEqualTo(want);
        }
    }
}

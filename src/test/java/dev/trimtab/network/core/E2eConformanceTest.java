package dev.trimtab.network.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes e2e NetworkPolicy suite (test/e2e/network/netpol) as data: for every step of
 * every case, the analyzer's matrix over the case's pods must equal the upstream expected truth
 * table, cell for cell. Unlike upstream, pod-to-itself cells are checked too: upstream ignores them
 * only because CNIs differ on loopback, and its expectations follow the policy semantics there.
 */
class E2eConformanceTest {
    static Stream<E2eCase> cases() {
        return E2eCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void matchesUpstreamTruthTable(E2eCase c) {
        List<Map<String, Object>> steps = c.steps();
        for (int s = 0; s < steps.size(); s++) {
            Map<String, Object> step = steps.get(s);
            NetworkModel model = NetworkModel.fromObjects(c.objects(step));
            assertThat(model.errors()).as("step %d: object errors", s).isEmpty();
            ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
            List<Pod> pods = c.pods().stream()
                    .map(k -> model.pod(k.split("/")[0], k.split("/")[1]).orElseThrow())
                    .toList();
            for (Map<String, Object> probe : (List<Map<String, Object>>) step.get("probes")) {
                Port port = Port.parse((String) probe.get("port"));
                Map<String, Boolean> cells = new LinkedHashMap<>();
                for (Verdict v : analyzer.matrix(pods, port)) {
                    cells.put(v.from().id() + " " + v.to().id(), v.reachable());
                }
                assertThat(E2eCase.table(c.pods(), cells))
                        .as("step %d (%s), probe %s", s, step.getOrDefault("description", "-"), port)
                        .isEqualTo(probe.get("expect"));
            }
        }
    }
}

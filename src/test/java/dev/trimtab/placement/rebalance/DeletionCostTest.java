package dev.trimtab.placement.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.placement.rebalance.core.ClusterState;
import dev.trimtab.placement.rebalance.core.DeletionCostPlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Deletion-cost ordering cases ({@code deletion_cost.yaml}): {@code wantOrder} lists pods lowest cost first. */
class DeletionCostTest {
    static Stream<Arguments> cases() {
        return Fixtures.load("deletion_cost.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void ordering(String name, Map<String, Object> c) {
        ClusterState state = Fixtures.state(c);
        List<Map<String, Object>> workload = new ArrayList<>();
        for (Object p : Fixtures.list(c, "workload")) {
            workload.add(Fixtures.pod((Map<String, Object>) p));
        }
        List<DeletionCostPlanner.DeletionCost> got = DeletionCostPlanner.plan(workload, state);
        List<String> order = new ArrayList<>();
        for (int i = 0; i < got.size(); i++) {
            DeletionCostPlanner.DeletionCost d = got.get(i);
            order.add(d.pod());
            assertThat(d.cost()).isEqualTo(i);
            assertThat(d.mergePatch())
                    .isEqualTo("{\"metadata\":{\"annotations\":{\"controller.kubernetes.io/pod-deletion-cost\":\"" + i
                            + "\"}}}");
        }
        assertThat(order).isEqualTo(c.get("wantOrder"));
    }
}

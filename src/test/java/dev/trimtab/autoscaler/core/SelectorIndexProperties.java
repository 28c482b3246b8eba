package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.testing.Seeded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The selection index always agrees with selecting by brute force. */
class SelectorIndexProperties {

    /** One change: put or remove a pod or a target, with labels / selector drawn from a small alphabet. */
    record Op(boolean pod, boolean remove, int id, String ns, String app, String tier, int selectorKind) {}

    static List<Op> ops(Seeded.Gen g) {
        return g.list(
                0,
                80,
                r -> new Op(
                        r.bool(),
                        r.between(0, 9) == 0,
                        r.between(0, 7),
                        r.oneOf("a", "b"),
                        r.oneOf("x", "y", "z"),
                        r.oneOf("web", "db"),
                        r.between(0, 3)));
    }

    private static LabelSelector selector(Op o) {
        return switch (o.selectorKind()) {
            case 0 -> new LabelSelector(Map.of("app", o.app()), List.of());
            case 1 -> new LabelSelector(Map.of("app", o.app(), "tier", o.tier()), List.of());
            case 2 ->
                new LabelSelector(
                        Map.of(),
                        List.of(new LabelSelector.Requirement("tier", LabelSelector.Operator.In, Set.of(o.tier()))));
            default -> LabelSelector.EVERYTHING;
        };
    }

    @Test
    void indexAgreesWithBruteForce() {
        Seeded.forAll(500, g -> indexAgreesWithBruteForce(ops(g)));
    }

    private static void indexAgreesWithBruteForce(List<Op> ops) {
        ClusterState state = new ClusterState();
        List<ScaleTarget> targets = new ArrayList<>();
        for (Op o : ops) {
            if (o.pod()) {
                if (o.remove()) {
                    state.removePod(o.ns(), "p" + o.id());
                } else {
                    state.putPod(new Pod(
                            o.ns(),
                            "p" + o.id(),
                            Map.of("app", o.app(), "tier", o.tier()),
                            Pod.Phase.Running,
                            true,
                            0,
                            0,
                            false,
                            List.of()));
                }
            } else {
                ObjectRef ref = new ObjectRef("apps/v1", "Deployment", o.ns(), "t" + o.id());
                targets.removeIf(t -> t.ref().equals(ref));
                if (o.remove()) {
                    state.removeTarget(ref);
                } else {
                    ScaleTarget t = new ScaleTarget(ref, 1, 1, selector(o), "1");
                    state.putTarget(t);
                    targets.add(t);
                }
            }
        }
        for (ScaleTarget t : targets) {
            List<String> expected = new ArrayList<>();
            for (int id = 0; id <= 7; id++) {
                Pod p = state.pod(t.ref().namespace(), "p" + id);
                if (p != null && t.selector().matches(p.labels())) {
                    expected.add(p.name());
                }
            }
            expected.sort(null);
            assertThat(state.podsOf(t))
                    .extracting(Pod::name)
                    .as("pods of %s", t.ref())
                    .isEqualTo(expected);
        }
    }
}

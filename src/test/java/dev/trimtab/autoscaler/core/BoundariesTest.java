package dev.trimtab.autoscaler.core;

import static dev.trimtab.autoscaler.core.Fleet.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Where a ScalingPolicy is refused: excluded namespaces, a target another controller owns, a
 * recent second writer. A refused decision writes nothing (desired = current) and says why.
 */
class BoundariesTest {
    static final long HOLD = 300_000;
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");

    /**
     * @param given      what the cluster holds besides Deployment shop/web (4 replicas) and
     *                   ScalingPolicy shop/web (created at T0) on it
     * @param wantReason null: not refused (the HPA path decides)
     */
    record Case(
            String name,
            Set<String> excluded,
            Consumer<ClusterState> given,
            long now,
            Reason wantReason,
            String wantMessage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static ScaleClaim claim(String apiVersion, String kind, String ns, String name, ObjectRef target, long created) {
        ObjectRef source = new ObjectRef(apiVersion, kind, ns, name);
        return new ScaleClaim(source, source, ClusterState.TargetKey.of(target), created);
    }

    static ScaleClaim hpa(String name, ObjectRef target, long created) {
        return claim("autoscaling/v2", ScaleClaim.HPA, target.namespace(), name, target, created);
    }

    static ScalingPolicy policy(String ns, String name, String targetKind, String targetName) {
        ScalingSpec spec = new ScalingSpec(
                new ObjectRef("apps/v1", targetKind, "", targetName),
                1,
                10,
                List.of(MetricSpec.resource("cpu", MetricSpec.Target.utilization(50))),
                null,
                null,
                null,
                null);
        return new ScalingPolicy(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", ns, name), spec, false, null);
    }

    static void foreign(ClusterState s, int to, long at, boolean confirm) {
        s.observeTarget(new ScaleTarget(WEB, to, to, new LabelSelector(Map.of("app", "web"), List.of()), "2"), at);
        for (ReplicaWriters.ForeignWrite f : s.writers().drain()) {
            if (confirm) {
                s.writers().confirm(f);
            }
        }
    }

    static Stream<Case> cases() {
        ObjectRef otherName = new ObjectRef("apps/v1", "Deployment", "shop", "api");
        ObjectRef statefulSet = new ObjectRef("apps/v1", "StatefulSet", "shop", "web");
        ObjectRef otherNs = new ObjectRef("apps/v1", "Deployment", "lab", "web");
        return Stream.of(
                new Case("nobody else scales it: decided", Set.of(), s -> {}, T0, null, null),
                new Case(
                        "an older HPA owns the target",
                        Set.of(),
                        s -> s.claims().put(hpa("web", WEB, T0 - 1000)),
                        T0,
                        Reason.TargetAlreadyScaled,
                        "Deployment shop/web is already scaled by HorizontalPodAutoscaler "
                                + "shop/web: this ScalingPolicy never writes to it, so that two autoscalers do not fight over "
                                + "spec.replicas; delete one of them"),
                new Case(
                        "a newer HPA owns it too: Trimtab yields to what it cannot stop",
                        Set.of(),
                        s -> s.claims().put(hpa("late", WEB, T0 + 60_000)),
                        T0,
                        Reason.TargetAlreadyScaled,
                        "already scaled by HorizontalPodAutoscaler shop/late"),
                new Case(
                        "an HPA of autoscaling/v1 claims the same target",
                        Set.of(),
                        s -> s.claims().put(claim("autoscaling/v1", ScaleClaim.HPA, "shop", "v1", WEB, T0)),
                        T0,
                        Reason.TargetAlreadyScaled,
                        "HorizontalPodAutoscaler shop/v1"),
                new Case(
                        "KEDA's own HPA is named as its ScaledObject",
                        Set.of(),
                        s -> {
                            ObjectRef hpaRef = new ObjectRef("autoscaling/v2", ScaleClaim.HPA, "shop", "keda-hpa-web");
                            ObjectRef so = new ObjectRef("keda.sh/v1alpha1", ScaleClaim.SCALED_OBJECT, "shop", "web");
                            s.claims().put(new ScaleClaim(hpaRef, so, ClusterState.TargetKey.of(WEB), T0 + 5));
                        },
                        T0,
                        Reason.TargetAlreadyScaled,
                        "already scaled by ScaledObject shop/web"),
                new Case(
                        "a ScaledObject",
                        Set.of(),
                        s -> s.claims()
                                .put(claim(
                                        "keda.sh/v1alpha1", ScaleClaim.SCALED_OBJECT, "shop", "web-so", WEB, T0 + 5)),
                        T0,
                        Reason.TargetAlreadyScaled,
                        "ScaledObject shop/web-so"),
                new Case(
                        "an older ScalingPolicy owns it",
                        Set.of(),
                        s -> {
                            ScalingPolicy old = policy("shop", "old", "Deployment", "web");
                            s.putPolicy(old);
                            s.claims()
                                    .put(new ScaleClaim(old.ref(), old.ref(), ClusterState.TargetKey.of(WEB), T0 - 1));
                        },
                        T0,
                        Reason.TargetAlreadyScaled,
                        "already scaled by ScalingPolicy shop/old, an older ScalingPolicy"),
                new Case(
                        "a newer ScalingPolicy does not take it",
                        Set.of(),
                        s -> {
                            ScalingPolicy young = policy("shop", "aaa-young", "Deployment", "web");
                            s.putPolicy(young);
                            s.claims()
                                    .put(new ScaleClaim(
                                            young.ref(), young.ref(), ClusterState.TargetKey.of(WEB), T0 + 1));
                        },
                        T0,
                        null,
                        null),
                new Case(
                        "same creation second: the name decides",
                        Set.of(),
                        s -> {
                            ScalingPolicy twin = policy("shop", "a-twin", "Deployment", "web");
                            s.putPolicy(twin);
                            s.claims().put(new ScaleClaim(twin.ref(), twin.ref(), ClusterState.TargetKey.of(WEB), T0));
                        },
                        T0,
                        Reason.TargetAlreadyScaled,
                        "ScalingPolicy shop/a-twin"),
                new Case(
                        "an HPA on another workload",
                        Set.of(),
                        s -> s.claims().put(hpa("api", otherName, T0 - 1)),
                        T0,
                        null,
                        null),
                new Case(
                        "an HPA on a StatefulSet of the same name",
                        Set.of(),
                        s -> s.claims().put(hpa("web", statefulSet, T0 - 1)),
                        T0,
                        null,
                        null),
                new Case(
                        "an HPA in another namespace",
                        Set.of(),
                        s -> s.claims().put(hpa("web", otherNs, T0 - 1)),
                        T0,
                        null,
                        null),
                new Case(
                        "the HPA was deleted: decided again",
                        Set.of(),
                        s -> {
                            s.claims().put(hpa("web", WEB, T0 - 1));
                            s.claims().remove(new ObjectRef("autoscaling/v2", ScaleClaim.HPA, "shop", "web"));
                        },
                        T0,
                        null,
                        null),
                new Case(
                        "an excluded namespace is refused before anything else",
                        Set.of("shop"),
                        s -> s.claims().put(hpa("web", WEB, T0 - 1)),
                        T0,
                        Reason.NamespaceExcluded,
                        "namespace shop is excluded from autoscaling: Trimtab never writes to Deployment shop/web"),
                new Case(
                        "a confirmed second writer: hold",
                        Set.of(),
                        s -> foreign(s, 7, T0, true),
                        T0 + HOLD - 1,
                        Reason.ReplicasChangedByOther,
                        "spec.replicas of Deployment shop/web changed from 4 to 7, a value "
                                + "Trimtab did not write (it has written none): another writer scales this workload; holding "
                                + "until 2027-01-15T08:05:00Z before deciding again"),
                new Case(
                        "the hold is over: decided again",
                        Set.of(),
                        s -> foreign(s, 7, T0, true),
                        T0 + HOLD,
                        null,
                        null),
                new Case(
                        "an unconfirmed change (replayed, or another replica's write) does not hold",
                        Set.of(),
                        s -> foreign(s, 7, T0, false),
                        T0 + 1,
                        null,
                        null),
                new Case(
                        "Trimtab's own write is no second writer",
                        Set.of(),
                        s -> {
                            s.writers().writing(WEB, 7, T0 - 10);
                            foreign(s, 7, T0, true);
                        },
                        T0 + 1,
                        null,
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusesOrDecides(Case c) {
        ClusterState state = new ClusterState();
        state.putTarget(new ScaleTarget(WEB, 4, 4, new LabelSelector(Map.of("app", "web"), List.of()), "1"));
        ScalingPolicy policy = policy("shop", "web", "Deployment", "web");
        state.putPolicy(policy);
        state.claims().put(new ScaleClaim(policy.ref(), policy.ref(), ClusterState.TargetKey.of(WEB), T0));
        c.given().accept(state);
        ScaleDecision d =
                new Autoscaler(Settings.defaults(), new Boundaries(c.excluded(), HOLD)).decide(state, policy, c.now());
        if (c.wantReason() == null) {
            assertThat(d.reason().refusal()).as(d.reason() + ": " + d.message()).isFalse();
            return;
        }
        assertThat(d.reason()).isEqualTo(c.wantReason());
        assertThat(d.rescale()).as("a refused policy writes nothing").isFalse();
        assertThat(d.desiredReplicas()).isEqualTo(state.target(WEB).specReplicas());
        assertThat(d.message()).contains(c.wantMessage());
        assertThat(state.existingHistory(policy.ref()))
                .as("a refusal leaves the history alone")
                .isNull();
    }

    @Test
    void aPausedPolicyWithPausedReplicasOnAnHpaTargetStillWritesNothing() {
        ClusterState state = new ClusterState();
        state.putTarget(new ScaleTarget(WEB, 4, 4, LabelSelector.NOTHING, "1"));
        ScalingPolicy base = policy("shop", "web", "Deployment", "web");
        ScalingPolicy paused = new ScalingPolicy(base.ref(), base.spec(), true, 9);
        state.putPolicy(paused);
        state.claims().put(hpa("web", WEB, T0));
        ScaleDecision d = new Autoscaler(Settings.defaults()).decide(state, paused, T0);
        assertThat(d.reason()).isEqualTo(Reason.TargetAlreadyScaled);
        assertThat(d.desiredReplicas()).isEqualTo(4);
    }

    @Test
    void secondWritersAreSeenOnlyOnScaledTargetsAndOnlyForValuesTrimtabDidNotWrite() {
        ClusterState state = new ClusterState();
        LabelSelector sel = LabelSelector.NOTHING;
        ObjectRef lone = new ObjectRef("apps/v1", "Deployment", "shop", "lone");
        state.observeTarget(new ScaleTarget(lone, 1, 1, sel, "1"), T0);
        state.observeTarget(new ScaleTarget(lone, 5, 5, sel, "2"), T0 + 1);
        assertThat(state.writers().drain())
                .as("no policy scales it: not watched")
                .isEmpty();

        state.putPolicy(policy("shop", "web", "Deployment", "web"));
        state.observeTarget(new ScaleTarget(WEB, 2, 2, sel, "1"), T0);
        assertThat(state.writers().drain()).as("first sight is no change").isEmpty();
        state.writers().writing(WEB, 4, T0 + 10);
        state.observeTarget(new ScaleTarget(WEB, 4, 2, sel, "2"), T0 + 20);
        state.observeTarget(new ScaleTarget(WEB, 4, 4, sel, "3"), T0 + 30);
        assertThat(state.writers().drain())
                .as("its own write, then a status change")
                .isEmpty();
        state.observeTarget(new ScaleTarget(WEB, 9, 4, sel, "4"), T0 + 40);
        List<ReplicaWriters.ForeignWrite> seen = state.writers().drain();
        assertThat(seen).containsExactly(new ReplicaWriters.ForeignWrite(WEB, 4, 9, T0 + 40, 4, T0 + 10));
        assertThat(seen.get(0).message())
                .isEqualTo("spec.replicas of Deployment shop/web changed from 4 to 9, a value "
                        + "Trimtab did not write (it last wrote 4): another writer scales this workload");
        state.observeTarget(new ScaleTarget(WEB, 4, 4, sel, "5"), T0 + ReplicaWriters.MEMORY_MILLIS + 11);
        assertThat(state.writers().drain())
                .as("its write of 4 is forgotten by now")
                .hasSize(1);
    }
}

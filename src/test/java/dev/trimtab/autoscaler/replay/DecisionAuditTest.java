package dev.trimtab.autoscaler.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.Behavior;
import dev.trimtab.autoscaler.core.ScalingRules;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The oracle's checks, each shown passing a clean run and failing the faulty variant of it: a lost
 * id, a redelivery, a duplicated write, a scale-down window shortened across two instances, a rate
 * limit exceeded, a final mismatch.
 */
class DecisionAuditTest {
    static final String POLICY = "shop/web";
    static final String WORKLOAD = "Deployment/shop/web";
    static final long T0 = 1_800_000_000_000L;

    /** A decision of policy shop/web at T0 + {@code s} seconds. */
    static AuditedDecision d(
            String id, long s, int current, int desired, int recommendation, String outcome, String... inputs) {
        return new AuditedDecision(
                id, POLICY, WORKLOAD, T0 + s * 1000, current, desired, recommendation, outcome, List.of(inputs), 0);
    }

    record Want(
            long lost,
            long redeliveries,
            long duplicatedWrites,
            long windowViolations,
            long rateLimitViolations,
            long finalMismatch) {
        static final Want CLEAN = new Want(0, 0, 0, 0, 0, 0);
    }

    record Case(
            String name,
            List<AuditedDecision> decisions,
            Map<String, Behavior> behaviors,
            List<String> consumed,
            List<String> deadLettered,
            Map<String, String> skipped,
            Map<String, Integer> finalReplicas,
            Map<String, Integer> replay,
            Want want) {
        @Override
        public String toString() {
            return name;
        }

        DecisionAudit.Input input() {
            return new DecisionAudit.Input(
                    decisions, behaviors, consumed, deadLettered, skipped, finalReplicas, replay);
        }
    }

    /** A run: m1..m3 decided by instance A, m4 by instance B after a kill; final 5 = replay 5. */
    static Case clean(String name, Want want, AuditedDecision... extra) {
        List<AuditedDecision> ds = new ArrayList<>(List.of(
                d("a1", 0, 2, 4, 4, "written", "m1", "m2"),
                d("a2", 20, 4, 4, 4, "hold", "m3"),
                d("b1", 40, 4, 5, 5, "written", "m4")));
        ds.addAll(Arrays.asList(extra));
        return new Case(
                name,
                ds,
                Map.of(),
                List.of("m1", "m2", "m3", "m4"),
                List.of(),
                Map.of(),
                Map.of(WORKLOAD, 5),
                Map.of(WORKLOAD, 5),
                want);
    }

    static Behavior upTwoPodsPerMinute() {
        return new Behavior(
                new ScalingRules(
                        0,
                        ScalingRules.SelectPolicy.Max,
                        List.of(new ScalingRules.Policy(ScalingRules.PolicyType.Pods, 2, 60)),
                        null),
                ScalingRules.defaultScaleDown());
    }

    static Stream<Case> cases() {
        Case base = clean("a clean run", Want.CLEAN);
        List<String> withLost = new ArrayList<>(base.consumed());
        withLost.add("m5");
        Map<String, Integer> replay4 = Map.of(WORKLOAD, 4);
        Map<String, Integer> otherWorkload = new HashMap<>(base.finalReplicas());
        otherWorkload.put("Deployment/shop/api", 1);
        return Stream.of(
                base,
                new Case(
                        "a lost id",
                        base.decisions(),
                        Map.of(),
                        withLost,
                        List.of(),
                        Map.of(),
                        base.finalReplicas(),
                        base.replay(),
                        new Want(1, 0, 0, 0, 0, 0)),
                new Case(
                        "a dead-lettered id is accounted for",
                        base.decisions(),
                        Map.of(),
                        withLost,
                        List.of("m5"),
                        Map.of(),
                        base.finalReplicas(),
                        base.replay(),
                        Want.CLEAN),
                new Case(
                        "a skipped id is accounted for",
                        base.decisions(),
                        Map.of(),
                        withLost,
                        List.of(),
                        Map.of("m5", "stale"),
                        base.finalReplicas(),
                        base.replay(),
                        Want.CLEAN),
                new Case(
                        "an unlisted input excuses one unaccounted id",
                        List.of(
                                base.decisions().get(0),
                                base.decisions().get(1),
                                new AuditedDecision(
                                        "b1", POLICY, WORKLOAD, T0 + 40_000, 4, 5, 5, "written", List.of("m4"), 1)),
                        Map.of(),
                        withLost,
                        List.of(),
                        Map.of(),
                        base.finalReplicas(),
                        base.replay(),
                        Want.CLEAN),
                clean(
                        "a redelivery after a kill (counted, not a fault)",
                        new Want(0, 1, 0, 0, 0, 0),
                        d("b2", 45, 5, 5, 5, "hold", "m3")),
                clean(
                        "a duplicated write: the same inputs written again with the same replicas",
                        new Want(0, 1, 1, 0, 0, 0),
                        d("b2", 50, 4, 5, 5, "written", "m4")),
                clean(
                        "the same inputs written with other replicas are no duplicate",
                        new Want(0, 1, 0, 0, 0, 0),
                        d("b2", 50, 5, 6, 6, "written", "m4")),
                clean(
                        "a scale-down window shortened across two instances: A recommended 5, B scales 5 -> 1 "
                                + "60 s later",
                        new Want(0, 0, 0, 1, 0, 0),
                        d("b2", 100, 5, 1, 1, "written")),
                clean("a scale-down after the 300 s window is fine", Want.CLEAN, d("b2", 341, 5, 1, 1, "written")),
                clean(
                        "a scale-down held at the window's maximum is fine",
                        Want.CLEAN,
                        d("b2", 100, 5, 5, 1, "hold"),
                        d("b3", 120, 5, 5, 1, "hold")),
                new Case(
                        "a rate limit exceeded: +2 pods per 60 s, 2 -> 4 then 4 -> 6 after 30 s",
                        List.of(d("a1", 0, 2, 4, 8, "written"), d("b1", 30, 4, 6, 8, "written")),
                        Map.of(POLICY, upTwoPodsPerMinute()),
                        List.of(),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        new Want(0, 0, 0, 0, 1, 0)),
                new Case(
                        "the same two scale-ups 61 s apart are fine",
                        List.of(d("a1", 0, 2, 4, 8, "written"), d("b1", 61, 4, 6, 8, "written")),
                        Map.of(POLICY, upTwoPodsPerMinute()),
                        List.of(),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        Want.CLEAN),
                new Case(
                        "the HPA's default scale-up (max(100%, 4 pods) per 15 s) exceeded: 2 -> 12",
                        List.of(d("a1", 0, 2, 12, 12, "written")),
                        Map.of(),
                        List.of(),
                        List.of(),
                        Map.of(),
                        Map.of(),
                        Map.of(),
                        new Want(0, 0, 0, 0, 1, 0)),
                new Case(
                        "a final mismatch",
                        base.decisions(),
                        Map.of(),
                        base.consumed(),
                        List.of(),
                        Map.of(),
                        base.finalReplicas(),
                        replay4,
                        new Want(0, 0, 0, 0, 0, 1)),
                new Case(
                        "a workload only one side knows is a mismatch",
                        base.decisions(),
                        Map.of(),
                        base.consumed(),
                        List.of(),
                        Map.of(),
                        otherWorkload,
                        base.replay(),
                        new Want(0, 0, 0, 0, 0, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void audits(Case c) {
        DecisionAudit.Report r = DecisionAudit.audit(c.input());
        Want got = new Want(
                r.lost(),
                r.redeliveries(),
                r.duplicatedWrites(),
                r.windowViolations(),
                r.rateLimitViolations(),
                r.finalMismatch());
        assertThat(got).as(r.examples().toString()).isEqualTo(c.want());
        boolean faulty = c.want().lost()
                        + c.want().duplicatedWrites()
                        + c.want().windowViolations()
                        + c.want().rateLimitViolations()
                        + c.want().finalMismatch()
                > 0;
        assertThat(r.clean()).isEqualTo(!faulty);
        assertThat(r.examples().size()).isGreaterThanOrEqualTo(faulty ? 1 : 0);
    }

    @Test
    void theResultLineCarriesEveryFigure() {
        DecisionAudit.Report r = DecisionAudit.audit(clean("x", Want.CLEAN).input());
        assertThat(r.resultLine(new DecisionAudit.RunFigures(3, 1, 42, 2.25, 3)))
                .isEqualTo(
                        "RESULT events=4 kills=3 broker_restarts=1 api_faults=42 lost=0 duplicated_writes=0 window_violations=0 "
                                + "final_mismatch=0 max_converge_s=2.3 writes_per_decision=1.50 rate_limit_violations=0 "
                                + "redeliveries=0");
    }

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void readsADecisionEvent() throws Exception {
        JsonNode e = JSON.readTree("""
                {"specversion":"1.0","id":"d-7","source":"/trimtab/autoscaler","type":"dev.trimtab.decision.scale",
                 "time":"2027-01-15T08:00:00.250Z","data":{"policy":{"namespace":"shop","name":"web"},
                 "target":{"apiVersion":"apps/v1","kind":"Deployment","namespace":"shop","name":"web"},
                 "currentReplicas":3,"desiredReplicas":5,"rescale":true,"reason":"SucceededRescale","recommendation":6,
                 "outcome":"written","inputs":["m1","m2"],"inputsDropped":4}}""");
        AuditedDecision d = AuditedDecision.fromEvent(e);
        assertThat(d)
                .isEqualTo(new AuditedDecision(
                        "d-7",
                        "shop/web",
                        "Deployment/shop/web",
                        Instant.parse("2027-01-15T08:00:00.250Z").toEpochMilli(),
                        3,
                        5,
                        6,
                        "written",
                        List.of("m1", "m2"),
                        4));
        ((ObjectNode) e.get("data")).put("desiredReplicas", "five");
        assertThatThrownBy(() -> AuditedDecision.fromEvent(e))
                .hasMessageContaining("data.desiredReplicas")
                .hasMessageContaining("five");
    }
}

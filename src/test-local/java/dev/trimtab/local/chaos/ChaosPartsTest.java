package dev.trimtab.local.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.events.ScalingPolicyParser;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The chaos command's own arithmetic: options, the fleet's final demands, the schedule, convergence. */
class ChaosPartsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void optionsNameTheOptionAndTheValueThatIsWrong() {
        assertThatThrownBy(() -> ChaosOptions.parse("--kills", "many")).hasMessageContaining("--kills: \"many\"");
        assertThatThrownBy(() -> ChaosOptions.parse("--api-faults", "conflict=2")).hasMessageContaining("conflict=\"2\"");
        assertThatThrownBy(() -> ChaosOptions.parse("--api-faults", "teapot=0.1")).hasMessageContaining("teapot=0.1");
        assertThatThrownBy(() -> ChaosOptions.parse("--instances", "13")).hasMessageContaining("outside [1, 12]");
        ChaosOptions s = ChaosOptions.parse("--short");
        assertThat(s.instances()).isEqualTo(2);
        assertThat(s.apiFaults()).containsEntry("conflict", 0.3).containsEntry("429", 0.2).containsEntry("5xx", 0.05);
        assertThat(ChaosOptions.parse("--events", "1000000", "--duration", "10m").rate()).isEqualTo(1000000 / 600.0);
    }

    /** Every seeded policy is one the parser accepts; final demands never sit within 10% of two replica counts. */
    @Test
    void finalDemandsDetermineTheFinalReplicasWhateverThePath() {
        long seed = new Random().nextLong();
        Fleet fleet = new Fleet(200, seed, 3);
        for (Fleet.Workload w : fleet.workloads()) {
            ScalingPolicy p = ScalingPolicyParser.parse(Fleet.policy(JSON, w));
            assertThat(p.spec().maxReplicas()).as("seed %d", seed).isEqualTo(Fleet.MAX_REPLICAS);
            long demand = fleet.demand(w, 10_000_000, 1_000, 0);
            assertThat(demand).as("seed %d: steady after the load", seed).isEqualTo(w.finalDemand() * 1000);
            double k = (double) w.finalDemand() / Fleet.TARGET;
            for (int current = 1; current <= Fleet.MAX_REPLICAS; current++) {
                double ratio = k / current;
                boolean within = Math.abs(ratio - 1) <= 0.1;
                assertThat(within && current != Math.min(k, Fleet.MAX_REPLICAS))
                        .as("seed %d: demand %d is within the tolerance at %d replicas", seed, w.finalDemand(), current)
                        .isFalse();
            }
        }
    }

    @Test
    void theScheduleHasEveryFaultAskedForInsideTheLoadPhase() {
        ChaosOptions o = ChaosOptions.parse("--kills", "5", "--broker-restarts", "2", "--api-episodes", "1",
                "--api-outages", "1", "--duration", "200s");
        List<FaultPlan.Step> plan = FaultPlan.plan(o, 42);
        assertThat(plan).hasSize(9);
        assertThat(plan.stream().filter(s -> s.kind() == FaultPlan.Kind.KILL)).hasSize(5)
                .allSatisfy(s -> assertThat(s.instance()).isBetween(0, o.instances() - 1));
        assertThat(plan).allSatisfy(s -> assertThat(s.atMillis()).isBetween(20_000L, 192_000L));
        assertThat(plan).isSortedAccordingTo(java.util.Comparator.comparingLong(FaultPlan.Step::atMillis));
        assertThat(FaultPlan.plan(o, 42)).as("seeded").isEqualTo(plan);
    }

    @Test
    void aWorkloadConvergesAtItsFirstCarriedOutDecisionOnInputAsNewAsTheClear() {
        Fleet fleet = new Fleet(2, 1, 1);
        Fleet.Workload a = fleet.workloads().get(0);
        Fleet.Workload b = fleet.workloads().get(1);
        // events: seq n sent at 1000 * n ms, for both workloads
        Convergence.Sent sent = (w, at) -> at / 1000;
        Convergence.Fault fault = new Convergence.Fault(FaultPlan.Kind.KILL, "instance 0", 2_000, 5_500);
        Map<String, List<Decision>> decisions = Map.of(
                a.key(), List.of(
                        decision(a, 5_000, false, null, 5),        // before the clear, on seq 5 = last sent before it
                        decision(a, 6_000, false, null, 6)),
                b.key(), List.of(
                        decision(b, 6_000, true, "failed: HTTP 429 after 4 attempts", 5),   // not carried out
                        decision(b, 7_000, false, null, 4),                                // too old an input
                        decision(b, 8_200, true, "written", 6)));
        Convergence.Result r = Convergence.measure(List.of(fault), fleet.workloads(), decisions, sent).get(0);
        assertThat(r.convergeMillis()).isEqualTo(2_700);
        assertThat(r.fromStartMillis()).isEqualTo(6_200);
        assertThat(r.slowest()).isEqualTo(b.key());

        Map<String, List<Decision>> never = Map.of(a.key(), List.of(decision(a, 9_000, false, null, 3)));
        assertThat(Convergence.measure(List.of(fault), List.of(a), never, sent).get(0).convergeMillis()).isEqualTo(-1);
    }

    private static Decision decision(Fleet.Workload w, long at, boolean rescale, String outcome, long seq) {
        return new Decision(w.key(), at, rescale, 1, rescale ? 2 : 1, rescale ? outcome : "hold", w.key() + "-" + seq,
                null);
    }

    @Test
    void durationsAndIdsAreRead() {
        assertThat(ChaosOptions.duration("--tail", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Fleet.parseId("chaos-a/w0001-17")).isEqualTo(new Fleet.IdParts("chaos-a/w0001", 17));
        assertThat(Fleet.parseId("resync")).isNull();
        assertThat(Checks.idOf("{\"specversion\":\"1.0\",\"id\":\"x-1\",\"source\":\"s\"}")).isEqualTo("x-1");
    }
}

package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.autoscaler.events.DecisionEvents;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One decision that cannot be applied never takes the batch with it, and every logged decision
 * names the metric events it was taken on ({@code inputs}), without a broker or an API server:
 * the real {@link Intake}, engine and {@link ScaleApplier}, a writer that fails for one namespace.
 */
class DecisionIsolationTest {
    final List<String> logged = new ArrayList<>();
    final List<String> written = new ArrayList<>();
    SimpleMeterRegistry registry;
    AutoscalerEngine engine;
    Intake intake;

    /** Writes everything but namespace {@code bad}, whose write conflicts and whose re-read throws. */
    final class FailingReads extends ScaleWriter {
        FailingReads() {
            super(null);
        }

        @Override
        public Outcome write(ScaleDecision d) {
            if (d.target().namespace().equals("bad")) {
                return new Outcome(Outcome.Kind.Conflict, 409, "7", 0, "conflict");
            }
            written.add(d.target().namespace() + "=" + d.desiredReplicas());
            return new Outcome(Outcome.Kind.Written, 200, "9", 0, "ok");
        }

        @Override
        public ScaleTarget read(ObjectRef t) {
            throw new IllegalStateException("cannot read " + t.namespace() + "/" + t.name() + ": connection reset");
        }
    }

    @BeforeEach
    void wire() {
        registry = new SimpleMeterRegistry();
        engine = new AutoscalerEngine(ScaleApplierTest.settings(false));
        ScaleApplier applier = ScaleApplierTest.plainApplier(engine, new FailingReads(), logged, registry);
        intake = new Intake(engine, applier, registry);
    }

    private static Intake.Item item(CloudEvent e) {
        return new Intake.Item(() -> e, rejected -> {
            throw rejected;
        });
    }

    private JsonNode lastDecisionOf(String ns) throws Exception {
        for (int i = logged.size() - 1; i >= 0; i--) {
            JsonNode d = CloudEventCodec.JSON.readTree(logged.get(i));
            if (ns.equals(d.at("/data/target/namespace").asText())) {
                return d.get("data");
            }
        }
        throw new AssertionError("no decision of " + ns + " in " + logged);
    }

    @Test
    void anExceptionApplyingOneWorkloadsDecisionIsItsOutcomeAndTheOthersAreWritten() throws Exception {
        ScaleApplierTest.workload(engine, "bad", 250); // 50 % of request: holds at 2
        ScaleApplierTest.workload(engine, "good", 250);
        ScaleApplierTest.workload(engine, "also", 250);

        List<Delivery> sent = intake.takeAll(
                "metrics",
                List.of(
                        item(ScaleApplierTest.cpuSamples("bad", "b1", 450)),
                        item(ScaleApplierTest.cpuSamples("good", "g1", 450)),
                        item(ScaleApplierTest.cpuSamples("also", "a1", 450))));

        assertThat(written).containsExactly("good=4", "also=4");
        assertThat(lastDecisionOf("bad").get("outcome").asText())
                .isEqualTo("failed: cannot read bad/web: connection reset");
        assertThat(lastDecisionOf("good").get("outcome").asText()).isEqualTo("written");
        assertThat(lastDecisionOf("also").get("outcome").asText()).isEqualTo("written");
        assertThat(registry.counter("trimtab_autoscaler_apply_errors_total").count())
                .isEqualTo(1.0);
        assertThat(sent)
                .as("one decision log delivery each")
                .hasSize(3)
                .allSatisfy(d -> assertThat(d.completion()).isCompleted());
    }

    @Test
    void aDecisionNamesTheMetricEventsFoldedForItsPolicyInArrivalOrder() throws Exception {
        ScaleApplierTest.workload(engine, "shop", 250);
        ScaleApplierTest.workload(engine, "other", 250);
        intake.takeAll(
                "metrics",
                List.of(
                        item(ScaleApplierTest.cpuSamples("shop", "s1", 300)),
                        item(ScaleApplierTest.cpuSamples("other", "o1", 300)),
                        item(ScaleApplierTest.cpuSamples("shop", "s2", 300)),
                        item(ScaleApplierTest.cpuSamples("shop", "s3", 450))));

        JsonNode shop = lastDecisionOf("shop");
        assertThat(shop.get("inputs")).extracting(JsonNode::asText).containsExactly("s1", "s2", "s3");
        assertThat(shop.has("inputsDropped")).isFalse();
        assertThat(lastDecisionOf("other").get("inputs"))
                .extracting(JsonNode::asText)
                .containsExactly("o1");

        // the next decision names only what came after this one
        intake.takeAll("metrics", List.of(item(ScaleApplierTest.cpuSamples("shop", "s4", 450))));
        assertThat(lastDecisionOf("shop").get("inputs"))
                .extracting(JsonNode::asText)
                .containsExactly("s4");
    }

    @Test
    void moreThanAThousandInputsAreCappedAndTheRestCounted() throws Exception {
        ScaleApplierTest.workload(engine, "busy", 250);
        List<Intake.Item> items = new ArrayList<>();
        for (int i = 0; i < DecisionInputs.MAX_IDS + 7; i++) {
            items.add(item(ScaleApplierTest.cpuSamples("busy", "m" + i, 250)));
        }
        intake.takeAll("metrics", items);
        JsonNode busy = lastDecisionOf("busy");
        assertThat(busy.get("inputs")).hasSize(DecisionInputs.MAX_IDS);
        assertThat(busy.get("inputs").get(0).asText()).isEqualTo("m0");
        assertThat(busy.get("inputs").get(DecisionInputs.MAX_IDS - 1).asText()).isEqualTo("m999");
        assertThat(busy.get("inputsDropped").asInt()).isEqualTo(7);
    }

    /** Fenced (membership lease lost), a metric batch is not even folded: it would be committed without a decision. */
    @Test
    void aFencedEngineTakesNoMetricBatchUntilTheLeaseIsBack() throws Exception {
        engine.awaitAssignment();
        engine.assign(1, List.of(0), List.of());
        ScaleApplierTest.workload(engine, "shop", 250);
        engine.fence(true);
        int logBefore = logged.size();
        assertThat(intake.takeAllUnlessFenced("metrics", List.of(item(ScaleApplierTest.cpuSamples("shop", "s1", 450)))))
                .as("not taken")
                .isNull();
        assertThat(logged).hasSize(logBefore);
        assertThat(written).isEmpty();
        assertThat(registry.find("trimtab_autoscaler_events_total").counters())
                .as("nothing folded")
                .isEmpty();

        engine.fence(false);
        List<Delivery> sent =
                intake.takeAllUnlessFenced("metrics", List.of(item(ScaleApplierTest.cpuSamples("shop", "s1", 450))));
        assertThat(sent).hasSize(1);
        assertThat(written).containsExactly("shop=4");
        assertThat(lastDecisionOf("shop").get("inputs"))
                .extracting(JsonNode::asText)
                .containsExactly("s1");
    }

    @Test
    void aResyncDecisionHasNoInputs() throws Exception {
        ScaleApplierTest.workload(engine, "quiet", 250);
        engine.setClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1)));
        List<AutoscalerEngine.Evaluation> resync = engine.resync();
        assertThat(resync)
                .isNotEmpty()
                .allSatisfy(ev -> assertThat(ev.inputs().isEmpty()).isTrue());
        assertThat(DecisionEvents.toEvent(
                                resync.get(0).decision(),
                                "r",
                                Resync.TRIGGER,
                                resync.get(0).inputs().ids(),
                                resync.get(0).inputs().dropped())
                        .data()
                        .has("inputs"))
                .isFalse();
    }
}

package dev.trimtab.autoscaler.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.events.DecisionEvents;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventRecords;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Produces every decision to the decisions topic as a structured-mode CloudEvent, in the replay
 * output's shape, keyed by the workload so a workload's decisions stay in order. Holds are left
 * out unless {@code trimtab.autoscaler.log-holds} is set.
 */
@ApplicationScoped
public class DecisionLog {
    private final Emitter<byte[]> emitter;
    private final boolean logHolds;
    private final MeterRegistry registry;

    @Inject
    public DecisionLog(@Channel("decisions") Emitter<byte[]> emitter, LiveSettings settings, MeterRegistry registry) {
        this.emitter = emitter;
        this.logHolds = settings.logHolds();
        this.registry = registry;
    }

    /**
     * Sends the decision, with its outcome and inputs; the returned delivery completes when the
     * broker has it ({@link Delivery#done()} when nothing is logged). Each attempt is counted in
     * {@code trimtab_autoscaler_decision_log_sends_total{result}}.
     */
    public Delivery record(ScaleDecision decision, String outcome, CloudEvent trigger, DecisionInputs inputs) {
        if (!decision.rescale() && !logHolds) {
            return Delivery.done();
        }
        CloudEvent event =
                DecisionEvents.toEvent(decision, UUID.randomUUID().toString(), trigger, inputs.ids(), inputs.dropped());
        if (outcome != null) {
            ((ObjectNode) event.data()).put("outcome", outcome);
        }
        // the same event (same id) on every attempt: a reader drops a duplicate by its id
        return Delivery.send(
                emitter,
                "decision " + event.id() + " of " + decision.policy(),
                () -> CloudEventRecords.message(event),
                failure -> registry.counter(
                                "trimtab_autoscaler_decision_log_sends_total",
                                "result",
                                failure == null ? "ok" : "error")
                        .increment());
    }
}

package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEventRecords;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.events.DecisionEvents;
import dev.trimtab.cloudevents.CloudEvent;
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

    @Inject
    public DecisionLog(@Channel("decisions") Emitter<byte[]> emitter, LiveSettings settings) {
        this.emitter = emitter;
        this.logHolds = settings.logHolds();
    }

    public void record(ScaleDecision decision, String outcome, CloudEvent trigger) {
        if (!decision.rescale() && !logHolds) {
            return;
        }
        CloudEvent event = DecisionEvents.toEvent(decision, UUID.randomUUID().toString(), trigger);
        if (outcome != null) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) event.data()).put("outcome", outcome);
        }
        CloudEventRecords.send(emitter, event);
    }
}

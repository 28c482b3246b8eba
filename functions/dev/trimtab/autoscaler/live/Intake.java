package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Supplier;

/**
 * The one way an event comes in, whatever carried it (Kafka record, HTTP request): decode, fold
 * and decide, counting it accepted or rejected per channel; then carry the decisions out.
 */
@ApplicationScoped
public class Intake {
    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final MeterRegistry registry;

    @Inject
    public Intake(AutoscalerEngine engine, ScaleApplier applier, MeterRegistry registry) {
        this.engine = engine;
        this.applier = applier;
        this.registry = registry;
    }

    /** An event that can never be processed; its message names the problem. */
    public static final class RejectedEvent extends RuntimeException {
        RejectedEvent(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Decodes with {@code decoder}, folds and decides, then applies every decision.
     *
     * @throws RejectedEvent when the event cannot be decoded or validated (nothing was applied)
     */
    public void take(String channel, Supplier<CloudEvent> decoder) {
        engine.work(() -> {
            CloudEvent event;
            List<AutoscalerEngine.Evaluation> evaluations;
            try {
                event = decoder.get();
                evaluations = engine.accept(event);
            } catch (RuntimeException e) {
                registry.counter("trimtab_autoscaler_events_total", "channel", channel, "result", "rejected").increment();
                throw new RejectedEvent(e);
            }
            registry.counter("trimtab_autoscaler_events_total", "channel", channel, "result", "accepted").increment();
            for (AutoscalerEngine.Evaluation ev : evaluations) {
                applier.apply(ev, event);
            }
            return null;
        });
    }
}

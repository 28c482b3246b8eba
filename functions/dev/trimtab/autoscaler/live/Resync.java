package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * The heartbeat: every second, owned policies not evaluated for {@code trimtab.autoscaler.resync} are
 * evaluated and applied, with trigger {@code dev.trimtab.autoscaler.resync} in the decision log.
 */
@ApplicationScoped
public class Resync {
    static final CloudEvent TRIGGER = new CloudEvent("resync", "/trimtab/autoscaler", "dev.trimtab.autoscaler.resync",
            null, null, null, null, Map.of());

    private final AutoscalerEngine engine;
    private final ScaleApplier applier;

    @Inject
    public Resync(AutoscalerEngine engine, ScaleApplier applier) {
        this.engine = engine;
        this.applier = applier;
    }

    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        engine.work(() -> {
            for (AutoscalerEngine.Evaluation ev : engine.resync()) {
                applier.apply(ev, TRIGGER);
            }
            return null;
        });
    }
}

package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * The heartbeat: every second, owned policies not evaluated for {@code trimtab.autoscaler.resync} are
 * evaluated and applied, with trigger {@code dev.trimtab.autoscaler.resync} in the decision log.
 */
@ApplicationScoped
public class Resync {
    static final CloudEvent TRIGGER = new CloudEvent(
            "resync", "/trimtab/autoscaler", "dev.trimtab.autoscaler.resync", null, null, null, null, Map.of());

    private static final Logger LOG = Logger.getLogger(Resync.class);

    private final AutoscalerEngine engine;
    private final DurableApply durable;

    @Inject
    public Resync(AutoscalerEngine engine, DurableApply durable) {
        this.engine = engine;
        this.durable = durable;
    }

    @Scheduled(
            every = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        List<AutoscalerEngine.Triggered> due = new ArrayList<>();
        for (AutoscalerEngine.Evaluation ev : engine.work(engine::resync)) {
            due.add(new AutoscalerEngine.Triggered(ev, TRIGGER));
        }
        try {
            durable.apply(due, false);
        } catch (RuntimeException e) {
            // the histories could not be written: nothing applied; decided again at the next tick
            LOG.warnf("resync of %d policies not applied: %s", due.size(), e.getMessage());
        }
    }
}

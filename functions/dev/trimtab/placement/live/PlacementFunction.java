package dev.trimtab.placement.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.cloudevents.CloudEventRecords;
import dev.trimtab.input.InputSettings;
import dev.trimtab.placement.PlacementSettings;
import dev.trimtab.placement.core.Placement;
import dev.trimtab.placement.core.Profile;
import dev.trimtab.placement.events.PlacementFolder;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * The placement function, live: object events of the cluster (ApiServerSource add/update/delete
 * on {@code trimtab.cluster-events}, channel {@code placement-events}) keep the snapshot; each
 * pending pod of Trimtab's scheduler is placed, checked against the admission policies
 * ({@link BindGuard}: a denied bind is not made, and the decision names the policy; while the
 * cluster's policies are not yet in force no bind is made, the decision says {@code held: policies
 * not yet in force}, and the pod is placed again once they are), bound
 * ({@link Binder}), reported with an Event
 * ({@code Scheduled} or {@code FailedScheduling}) and logged as a
 * {@code dev.trimtab.decision.placement} CloudEvent on {@code trimtab.decisions} keyed by the pod.
 * A bind that fails (the pod bound meanwhile, the node gone) drops the assumption and decides
 * again, at most {@link #ATTEMPTS} times. A record that is not an object event, one beyond
 * {@code trimtab.autoscaler.input.max-event-bytes} or {@code .max-depth} (the bounds of every
 * decoder of {@code trimtab.cluster-events}), or a malformed Node or Pod, throws and the channel
 * dead-letters it. Replay decides with the same {@link PlacementFolder}.
 */
@ApplicationScoped
public class PlacementFunction {
    private static final Logger LOG = Logger.getLogger(PlacementFunction.class);
    static final int ATTEMPTS = 3;

    private final PlacementFolder folder;
    private final Binder binder;
    private final BindGuard guard;
    private final Rebalance rebalance;
    private final Emitter<byte[]> decisions;
    private final MeterRegistry registry;
    private final CloudEventCodec.Limits limits;

    @Inject
    public PlacementFunction(
            Config config,
            Binder binder,
            BindGuard guard,
            Rebalance rebalance,
            @Channel("placement-decisions") Emitter<byte[]> decisions,
            MeterRegistry registry,
            InputSettings input) {
        this.limits = input.limits().codec();
        Properties p = new Properties();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("trimtab.placement.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> p.setProperty(name, v));
            }
        }
        Profile profile = PlacementSettings.profile(p);
        this.folder = new PlacementFolder(profile);
        this.binder = binder;
        this.guard = guard;
        this.rebalance = rebalance;
        this.decisions = decisions;
        this.registry = registry;
    }

    @Incoming("placement-events")
    @Blocking(ordered = true)
    public void event(ConsumerRecord<String, byte[]> record) {
        accept(CloudEventCodec.fromRecord(record, limits));
    }

    /** Folds one object event; places, binds and logs a pending pod of ours. */
    public synchronized Optional<Placement> accept(CloudEvent e) {
        if (e.data() == null || !e.data().isObject() || !e.type().startsWith("dev.knative.apiserver.resource.")) {
            throw new IllegalArgumentException("event " + e.id() + ": type \"" + e.type()
                    + "\" with an object in data expected (dev.knative.apiserver.resource.add, .update or .delete)");
        }
        if (e.data().path("kind").asText().equals("Pod")) {
            // the pod's newest version decides: a bind held for an older one is dropped
            held.remove(e.data().at("/metadata/namespace").asText() + "/"
                    + e.data().at("/metadata/name").asText());
        }
        rebalance.fold(e);
        Optional<Placement> decided = folder.fold(e);
        if (decided.isEmpty()) {
            return decided;
        }
        JsonNode pod = e.data();
        return Optional.of(bind(
                pod.at("/metadata/namespace").asText(), pod.at("/metadata/name").asText(), pod, decided.get(), e));
    }

    /** A pod whose bind waits until the cluster's policies are in force, and the event it came with. */
    private record Held(String namespace, String name, JsonNode pod, CloudEvent trigger) {}

    /** Pods held by {@link BindGuard#held}, by {@code namespace/name}, in arrival order. */
    private final Map<String, Held> held = new LinkedHashMap<>();

    /**
     * Once the cluster's policies are in force, places the held pods again on the snapshot as it
     * is now and binds them (the retry of a bind held while they were not).
     */
    @Scheduled(
            every = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    synchronized void retryHeld() {
        if (held.isEmpty() || !guard.inForce()) {
            return;
        }
        List<Held> pending = List.copyOf(held.values());
        held.clear();
        LOG.infof("policies in force: placing %d held pods again", pending.size());
        for (Held h : pending) {
            folder.redecide(h.namespace(), h.name(), h.pod(), null)
                    .ifPresent(p -> bind(h.namespace(), h.name(), h.pod(), p, h.trigger()));
        }
    }

    /** Binds a placed pod (or reports why not) and logs the decision; the placement finally taken. */
    private Placement bind(String namespace, String name, JsonNode pod, Placement placed, CloudEvent e) {
        Placement p = placed;
        String outcome;
        for (int attempt = 1; ; attempt++) {
            if (p.node() == null) {
                outcome = "unschedulable";
                binder.failed(namespace, name, p.message());
                break;
            }
            String notInForce = guard.held("bind");
            if (notInForce != null) {
                outcome = "held: " + notInForce;
                folder.forget(namespace, name, pod);
                held.put(namespace + "/" + name, new Held(namespace, name, pod, e));
                binder.failed(namespace, name, "binding to " + p.node() + " " + outcome);
                break;
            }
            String denied = guard.denial(namespace, name, p.node());
            if (denied != null) {
                outcome = "denied by policy: " + denied;
                folder.forget(namespace, name, pod);
                binder.failed(namespace, name, "binding to " + p.node() + " " + outcome);
                break;
            }
            Binder.Result bound =
                    binder.bind(namespace, name, pod.at("/metadata/uid").asText(null), p.node());
            if (bound == Binder.Result.BOUND) {
                outcome = "bound";
                binder.scheduled(namespace, name, p.node());
                break;
            }
            if (bound == Binder.Result.ALREADY_BOUND || attempt >= ATTEMPTS) {
                outcome = bound == Binder.Result.ALREADY_BOUND ? "already bound" : "bind failed";
                folder.forget(namespace, name, pod);
                break;
            }
            // the node or its room went away under us: forget the assumption and decide again
            p = folder.redecide(namespace, name, pod, p.node()).orElse(p);
        }
        registry.counter(
                        "trimtab_placement_decisions_total",
                        "reason",
                        p.reason().name(),
                        "outcome",
                        outcome.replaceAll(":.*", ""))
                .increment();
        log(p, namespace, name, e, outcome);
        return p;
    }

    private void log(Placement p, String namespace, String name, CloudEvent trigger, String outcome) {
        CloudEvent event =
                PlacementFolder.toEvent(p, namespace, name, UUID.randomUUID().toString(), Instant.now(), trigger);
        ((ObjectNode) event.data()).put("outcome", outcome);
        LOG.infof("%s/%s -> %s (%s, %s)", namespace, name, p.node(), p.reason(), outcome);
        CloudEventRecords.send(decisions, event);
    }

    /** The folder's snapshot, for the extender endpoints (read under this object's lock). */
    synchronized <T> T withFolder(Function<PlacementFolder, T> read) {
        return read.apply(folder);
    }
}

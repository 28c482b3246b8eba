package dev.trimtab.autoscaler.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trimtab.autoscaler.core.MetricResult;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ReplicaWriters;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.events.DecisionEvents;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * What the HPA leaves behind, left by Trimtab too: Kubernetes Events on the ScalingPolicy itself
 * (involvedObject with its uid, so {@code kubectl describe scalingpolicy} lists them, as the HPA's
 * are on the HPA): {@code SuccessfulRescale}, and as Warnings {@code FailedRescale},
 * {@code FailedGetMetrics} and {@code FailedGetScale}; and the ScalingPolicy's {@code status} like
 * an HPA's (current and desired replicas, lastScaleTime, current metrics, conditions AbleToScale /
 * ScalingActive / ScalingLimited). Events are aggregated as client-go's EventCorrelator does
 * ({@link EventAggregator}: a repeated Event raises its {@code count}, written at most every 30 s;
 * many different messages share one combined Event), so a decision every second does not make an
 * Event every second. The status is written only when it changes. Both are written by one
 * background thread, so the decision path never waits for them: writes queue up to a bound
 * (beyond it they are dropped and counted), statuses coalesce to the newest per policy. Failures
 * here are logged; they never block a decision.
 */
@ApplicationScoped
public class StatusRecorder {
    private static final Logger LOG = Logger.getLogger(StatusRecorder.class);
    private static final String COMPONENT = "trimtab-autoscaler";
    private static final String REPORTER = System.getenv().getOrDefault("POD_NAME", COMPONENT);
    private static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("trimtab.dev")
            .withVersion("v1alpha1")
            .withKind("ScalingPolicy")
            .withPlural("scalingpolicies")
            .withNamespaced(true)
            .build();
    private static final Set<Reason> LIMITS =
            Set.of(Reason.TooManyReplicas, Reason.TooFewReplicas, Reason.ScaleUpLimit, Reason.ScaleDownLimit);

    private static final int EVENT_QUEUE = 10_000;
    private static final Set<Reason> WARNINGS = Set.of(Reason.FailedGetMetrics, Reason.FailedGetScale);

    /** Repeated Events counted rather than written again; guarded by itself. */
    private final EventAggregator events = new EventAggregator();

    private final AtomicLong eventSequence = new AtomicLong();
    /** Wall-clock milliseconds; tests move it. */
    LongSupplier clock = System::currentTimeMillis;

    private final KubernetesClient client;
    private final MeterRegistry registry;
    private final Map<ObjectRef, Map<String, Object>> lastStatus = new HashMap<>();
    private final Map<ObjectRef, String> lastScaleTime = new HashMap<>();
    private final Map<ObjectRef, Map<String, Object>> pendingStatus = new LinkedHashMap<>();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(EVENT_QUEUE),
            r -> {
                Thread t = new Thread(r, "trimtab-status-writer");
                t.setDaemon(true);
                return t;
            },
            (task, pool) -> dropped());

    @Inject
    public StatusRecorder(KubernetesClient client, MeterRegistry registry) {
        this.client = client;
        this.registry = registry;
    }

    private void dropped() {
        registry.counter("trimtab_autoscaler_status_writes_dropped_total").increment();
    }

    @PreDestroy
    void stop() {
        writer.shutdownNow();
    }

    /** @param outcome "written", "hold", "dry-run", or a failure text */
    public synchronized void record(ScaleDecision d, String outcome) {
        boolean written = "written".equals(outcome);
        boolean failed = outcome.startsWith("failed") || outcome.startsWith("conflict");
        if (written || failed) {
            event(
                    d.policy(),
                    true,
                    written ? "Normal" : "Warning",
                    written ? "SuccessfulRescale" : "FailedRescale",
                    written ? d.message() : "New size: " + d.desiredReplicas() + "; error: " + outcome);
        } else if (WARNINGS.contains(d.reason())) {
            event(d.policy(), true, "Warning", d.reason().name(), d.message());
        }
        if (written) {
            lastScaleTime.put(d.policy(), Instant.ofEpochMilli(d.timeMillis()).toString());
        }
        status(d, written, failed, outcome);
    }

    /** A Warning Event {@code ReplicasChangedByOther} on the workload another writer scaled. */
    public void foreignWrite(ReplicaWriters.ForeignWrite f, String message) {
        event(f.target(), false, "Warning", Reason.ReplicasChangedByOther.name(), message);
    }

    /**
     * One occurrence of an Event on {@code object}, aggregated: queued for the writer when it is new
     * or its count is due, else only counted.
     */
    private void event(ObjectRef object, boolean policy, String type, String reason, String message) {
        EventAggregator.Write w;
        synchronized (events) {
            w = events.offer(
                    new EventAggregator.Subject(
                            object.namespace() + "/" + object.kind() + "/" + object.name(), type, reason),
                    message,
                    clock.getAsLong());
        }
        if (w == null) {
            registry.counter("trimtab_autoscaler_policy_events_total", "reason", reason, "action", "aggregated")
                    .increment();
            return;
        }
        writer.execute(() -> {
            if (!writer.isShutdown()) {
                write(object, policy, w);
            }
        });
    }

    /** Writes the counts of repeated Events not written yet (each at most every 30 s). */
    @Scheduled(
            every = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void flushEvents() {
        List<EventAggregator.Write> due;
        synchronized (events) {
            due = events.due(clock.getAsLong());
        }
        for (EventAggregator.Write w : due) {
            writer.execute(() -> {
                if (!writer.isShutdown()) {
                    update(w);
                }
            });
        }
    }

    /** The policy was deleted: its Events' counts start afresh for a new one of the name. */
    public void forget(ObjectRef policy) {
        synchronized (events) {
            events.forget(policy.namespace() + "/" + policy.kind() + "/" + policy.name());
        }
    }

    private void write(ObjectRef t, boolean policy, EventAggregator.Write w) {
        if (!w.create()) {
            update(w);
            return;
        }
        String reason = w.subject().reason();
        try {
            String uid = null;
            if (policy) {
                var p = client.genericKubernetesResources(POLICIES)
                        .inNamespace(t.namespace())
                        .withName(t.name())
                        .get();
                if (p == null) {
                    count(reason, "skipped"); // deleted meanwhile: no Event on a missing object
                    return;
                }
                uid = p.getMetadata().getUid();
            }
            String first = Instant.ofEpochMilli(w.firstMillis()).toString();
            String last = Instant.ofEpochMilli(w.lastMillis()).toString();
            // named as client-go names Events: the object's name and a unique hex suffix
            String name = t.name() + "."
                    + Long.toHexString(w.firstMillis() * 1_000_000L + eventSequence.incrementAndGet() % 1_000_000L);
            client.v1()
                    .events()
                    .inNamespace(t.namespace())
                    .resource(new EventBuilder()
                            .withNewMetadata()
                            .withName(name)
                            .withNamespace(t.namespace())
                            .endMetadata()
                            .withNewInvolvedObject()
                            .withApiVersion(t.apiVersion())
                            .withKind(t.kind())
                            .withName(t.name())
                            .withNamespace(t.namespace())
                            .withUid(uid)
                            .endInvolvedObject()
                            .withType(w.subject().type())
                            .withReason(reason)
                            .withMessage(w.message())
                            .withNewSource()
                            .withComponent(COMPONENT)
                            .endSource()
                            .withReportingComponent(COMPONENT)
                            .withReportingInstance(REPORTER)
                            .withFirstTimestamp(first)
                            .withLastTimestamp(last)
                            .withCount(w.count())
                            .build())
                    .create();
            synchronized (events) {
                events.created(w, name);
            }
            count(reason, "created");
        } catch (RuntimeException e) {
            count(reason, "failed");
            LOG.warnf("could not record the %s event on %s: %s", reason, t, e.getMessage());
        }
    }

    /** Raises an existing Event's count (and moves its lastTimestamp, message). */
    private void update(EventAggregator.Write w) {
        String namespace =
                w.subject().object().substring(0, w.subject().object().indexOf('/'));
        try {
            // a JSON merge patch (no read first): needs only patch on events, as the HPA's role has
            Map<String, Object> change = new LinkedHashMap<>();
            change.put("count", w.count());
            change.put("lastTimestamp", Instant.ofEpochMilli(w.lastMillis()).toString());
            change.put("message", w.message());
            var updated = client.v1()
                    .events()
                    .inNamespace(namespace)
                    .withName(w.name())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), CloudEventCodec.JSON.writeValueAsString(change));
            count(w.subject().reason(), updated == null ? "failed" : "updated");
        } catch (RuntimeException | JsonProcessingException e) {
            // gone (Events expire after an hour) or refused: the next occurrence creates it again
            synchronized (events) {
                events.lost(w);
            }
            count(w.subject().reason(), "failed");
            LOG.debugf("could not update event %s/%s: %s", namespace, w.name(), e.getMessage());
        }
    }

    private void count(String reason, String action) {
        registry.counter("trimtab_autoscaler_policy_events_total", "reason", reason, "action", action)
                .increment();
    }

    private void status(ScaleDecision d, boolean written, boolean failed, String outcome) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("currentReplicas", written ? d.desiredReplicas() : d.currentReplicas());
        status.put("desiredReplicas", d.desiredReplicas());
        if (lastScaleTime.containsKey(d.policy())) {
            status.put("lastScaleTime", lastScaleTime.get(d.policy()));
        }
        List<Map<String, Object>> metrics = new ArrayList<>();
        for (MetricResult m : d.metrics()) {
            if (!m.failed()) {
                metrics.add(metricStatus(m));
            }
        }
        status.put("currentMetrics", metrics);
        List<Map<String, Object>> conditions = new ArrayList<>();
        if (d.reason().refusal()) {
            // refused (Boundaries): not able to scale, not scaling, and why, naming the other owner
            conditions.add(condition("AbleToScale", false, d.reason().name(), d.message()));
            conditions.add(condition(
                    "ScalingActive", false, d.reason().name(), d.reason().message()));
            conditions.add(
                    condition("ScalingLimited", false, "DesiredWithinRange", Reason.DesiredWithinRange.message()));
            status.put("conditions", conditions);
            publish(d.policy(), status, conditions);
            return;
        }
        conditions.add(condition(
                "AbleToScale",
                !failed && d.reason() != Reason.FailedGetScale,
                failed
                        ? "FailedUpdateScale"
                        : d.reason() == Reason.FailedGetScale
                                ? "FailedGetScale"
                                : written
                                        ? "SucceededRescale"
                                        : d.reason().name().endsWith("Stabilized")
                                                ? d.reason().name()
                                                : "ReadyForNewScale",
                failed ? outcome : written ? d.message() : d.reason().message()));
        boolean active = d.reason() != Reason.FailedGetMetrics
                && d.reason() != Reason.ScalingDisabled
                && d.reason() != Reason.Paused;
        conditions.add(condition(
                "ScalingActive",
                active,
                active
                        ? "ValidMetricFound"
                        : d.reason() == Reason.Paused
                                ? "ScalingPaused"
                                : d.reason().name(),
                active ? "the autoscaler was able to compute a replica count" : d.message()));
        boolean limited = LIMITS.contains(d.reason());
        conditions.add(condition(
                "ScalingLimited",
                limited,
                limited ? d.reason().name() : "DesiredWithinRange",
                limited ? d.reason().message() : Reason.DesiredWithinRange.message()));
        status.put("conditions", conditions);
        publish(d.policy(), status, conditions);
    }

    /** Queues the status for writing when it differs from the last one written. */
    private void publish(ObjectRef policy, Map<String, Object> status, List<Map<String, Object>> conditions) {
        if (status.equals(stripTimes(lastStatus.get(policy)))) {
            return;
        }
        stampTransitions(policy, conditions);
        lastStatus.put(policy, status);
        synchronized (pendingStatus) {
            pendingStatus.put(policy, status);
        }
        if (flushing.compareAndSet(false, true)) {
            writer.execute(this::flushStatuses);
        }
    }

    /** Writes the newest pending status of each policy; runs on the writer thread. */
    private void flushStatuses() {
        while (true) {
            List<Map.Entry<ObjectRef, Map<String, Object>>> batch;
            synchronized (pendingStatus) {
                batch = new ArrayList<>(pendingStatus.entrySet());
                pendingStatus.clear();
                if (batch.isEmpty()) {
                    flushing.set(false);
                    return;
                }
            }
            for (Map.Entry<ObjectRef, Map<String, Object>> e : batch) {
                ObjectRef policy = e.getKey();
                if (writer.isShutdown()) {
                    return;
                }
                try {
                    client.genericKubernetesResources(POLICIES)
                            .inNamespace(policy.namespace())
                            .withName(policy.name())
                            .editStatus(p -> {
                                p.setAdditionalProperty("status", e.getValue());
                                return p;
                            });
                } catch (RuntimeException ex) {
                    LOG.warnf(
                            "could not update the status of ScalingPolicy %s/%s: %s",
                            policy.namespace(), policy.name(), ex.getMessage());
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metricStatus(MetricResult m) {
        Map<String, Object> current = CloudEventCodec.JSON.convertValue(DecisionEvents.current(m), LinkedHashMap.class);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("type", m.spec().type().name());
        s.put("name", m.spec().displayName());
        s.put("current", current);
        return s;
    }

    private static Map<String, Object> condition(String type, boolean status, String reason, String message) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("type", type);
        c.put("status", status ? "True" : "False");
        c.put("reason", reason);
        c.put("message", message);
        return c;
    }

    /** lastTransitionTime changes only when a condition's status does. */
    @SuppressWarnings("unchecked")
    private void stampTransitions(ObjectRef policy, List<Map<String, Object>> conditions) {
        Map<String, Object> previous = lastStatus.get(policy);
        String now = Instant.now().toString();
        for (Map<String, Object> c : conditions) {
            String time = now;
            if (previous != null) {
                for (Map<String, Object> old : (List<Map<String, Object>>) previous.get("conditions")) {
                    if (old.get("type").equals(c.get("type"))
                            && old.get("status").equals(c.get("status"))) {
                        time = (String) old.get("lastTransitionTime");
                    }
                }
            }
            c.put("lastTransitionTime", time);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stripTimes(Map<String, Object> status) {
        if (status == null) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>(status);
        List<Map<String, Object>> conditions = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) status.get("conditions")) {
            Map<String, Object> cc = new LinkedHashMap<>(c);
            cc.remove("lastTransitionTime");
            conditions.add(cc);
        }
        copy.put("conditions", conditions);
        return copy;
    }
}

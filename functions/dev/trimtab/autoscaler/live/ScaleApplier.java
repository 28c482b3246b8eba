package dev.trimtab.autoscaler.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.cloudevents.CloudEvent;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import org.jboss.logging.Logger;

/**
 * Carries a decision out: a hold writes nothing; a rescale the policy engine's guardrail denies
 * ({@link ScaleGuard}), or made while the cluster's policies are not yet in force (outcome
 * {@code held: policies not yet in force}, tried again at the next evaluation), writes nothing either; a rescale PUTs {@code /scale} once, and on a 409
 * re-reads the target, decides again and retries (at most {@code conflict-retries} times); on 429
 * and 5xx it backs off, honouring Retry-After. Dry-run decides and logs but never writes. Every
 * decision then goes to the decision log with the outcome, and (outside dry-run) to the ScalingPolicy's
 * Events and the ScalingPolicy's status.
 */
@ApplicationScoped
public class ScaleApplier {
    private static final Logger LOG = Logger.getLogger(ScaleApplier.class);
    private static final int TRANSIENT_RETRIES = 3;

    private final AutoscalerEngine engine;
    private final ScaleWriter writer;
    private final DecisionLog log;
    private final StatusRecorder status;
    private final MeterRegistry registry;
    private final LiveSettings settings;
    private final Event<ScaleWritten> written;
    private final ScaleGuard guard;
    private final DeletionCosts deletionCosts;
    private final ScaleClaimReader claims;
    /** The per-policy gauges; null in tests that build the applier alone. */
    @Inject
    PolicyGauges gauges;

    @Inject
    public ScaleApplier(
            AutoscalerEngine engine,
            ScaleWriter writer,
            DecisionLog log,
            StatusRecorder status,
            MeterRegistry registry,
            LiveSettings settings,
            Event<ScaleWritten> written,
            ScaleGuard guard,
            DeletionCosts deletionCosts,
            ScaleClaimReader claims) {
        this.claims = claims;
        this.guard = guard;
        this.deletionCosts = deletionCosts;
        this.written = written;
        this.engine = engine;
        this.writer = writer;
        this.log = log;
        this.status = status;
        this.registry = registry;
        this.settings = settings;
    }

    /**
     * Carries the decision out and logs it. An exception while carrying it out (reading the API,
     * the guardrail, a deletion cost) is this decision's outcome, {@code failed: <message>}: it is
     * counted ({@code trimtab_autoscaler_apply_errors_total}), logged and on the decision log, and
     * the next evaluation (an event, the resync) tries the workload again; the other decisions of
     * the batch go on.
     *
     * @return the decision log's delivery, which the caller waits for before committing its input
     */
    public Delivery apply(AutoscalerEngine.Evaluation evaluation, CloudEvent trigger) {
        AutoscalerEngine.Evaluation[] current = {evaluation};
        String outcome;
        try {
            outcome = carryOut(current, trigger);
        } catch (RuntimeException e) {
            outcome = "failed: " + (e.getMessage() == null ? e.toString() : e.getMessage());
            registry.counter("trimtab_autoscaler_apply_errors_total").increment();
            registry.counter(
                            "trimtab_autoscaler_decisions_total",
                            "reason",
                            current[0].decision().reason().name())
                    .increment();
            LOG.errorf(
                    e,
                    "%s %s: applying %d -> %d failed; tried again at the next evaluation",
                    current[0].decision().policy(),
                    current[0].decision().target(),
                    current[0].decision().currentReplicas(),
                    current[0].decision().desiredReplicas());
        }
        ScaleDecision d = current[0].decision();
        if (gauges != null) {
            gauges.record(current[0].policy(), d, outcome);
        }
        Delivery logged = log.record(d, outcome, trigger, evaluation.inputs());
        if (!settings.dryRun()) {
            try {
                status.record(d, outcome);
            } catch (RuntimeException e) {
                registry.counter("trimtab_autoscaler_apply_errors_total").increment();
                LOG.warnf("%s: cannot record the status of the decision: %s", d.policy(), e.toString());
            }
        }
        return logged;
    }

    /** Carries the decision out; {@code current[0]} ends as the decision taken last (after re-reads). */
    private String carryOut(AutoscalerEngine.Evaluation[] current, CloudEvent trigger) {
        AutoscalerEngine.Evaluation ev = current[0];
        latency(
                "trimtab_autoscaler_event_to_decision_seconds",
                trigger,
                ev.decision().timeMillis());
        String outcome = "hold";
        if (ev.decision().rescale()) {
            outcome = settings.dryRun() ? dryRun(ev.decision()) : write(current, trigger);
            ev = current[0];
            LOG.infof(
                    "%s %s: %d -> %d (%s): %s",
                    ev.decision().target(),
                    ev.decision().reason(),
                    ev.decision().currentReplicas(),
                    ev.decision().desiredReplicas(),
                    outcome,
                    ev.decision().message());
        }
        ScaleDecision d = ev.decision();
        foreignWrites(engine.drainForeignWrites()); // a re-read after a conflict may have shown one
        refusal(d);
        if (settings.dryRun() && d.rescale() && trigger.time() != null) {
            written.fire(new ScaleWritten(d.target(), trigger.time(), Instant.now(), d.desiredReplicas(), false));
        }
        registry.counter(
                        "trimtab_autoscaler_decisions_total",
                        "reason",
                        d.reason().name())
                .increment();
        return outcome;
    }

    /**
     * Writes a rescale: guardrail, the namespace's autoscalers, then, holding the target's write
     * lock ({@link #lockOf}), the write and its retries. A decision taken before another write of
     * the target ({@link AutoscalerEngine#current}) is decided again first, and checked again.
     * {@code current[0]} ends as the decision taken last.
     */
    private String write(AutoscalerEngine.Evaluation[] current, CloudEvent trigger) {
        AutoscalerEngine.Evaluation ev = current[0];
        String outcome = null;
        int conflicts = 0;
        int transients = 0;
        ObjectRef locked = null;
        try {
            while (outcome == null) {
                String held = guard.held();
                if (held != null) {
                    outcome = "held: " + held; // the next evaluation (an event, the resync) tries again
                    break;
                }
                String denied = guard.denial(ev.decision());
                if (denied != null) {
                    outcome = "denied by policy: " + denied;
                    break;
                }
                if (!checked.contains(ev.policy().ref())) {
                    List<JsonNode> found = claims.claims(ev.policy().ref().namespace());
                    if (found == null) {
                        // an HPA or ScaledObject we have not seen may own the target: fail safe
                        outcome = "held: the autoscalers of namespace "
                                + ev.policy().ref().namespace()
                                + " could not be listed; tried again at the next evaluation";
                        break;
                    }
                    checked.add(ev.policy().ref());
                    AutoscalerEngine.Evaluation again = engine.withClaims(ev.policy(), found);
                    if (again != null) {
                        ev = again;
                        current[0] = ev;
                        if (!ev.decision().rescale()) {
                            outcome = "hold after reading the namespace's autoscalers";
                            break;
                        }
                    }
                }
                if (!ev.decision().target().equals(locked)) {
                    if (locked != null) {
                        lockOf(locked).unlock(); // the policy now scales another target
                    }
                    locked = ev.decision().target();
                    lockOf(locked).lock(); // never while holding the engine's monitor: its calls return first
                    AutoscalerEngine.Evaluation now = engine.current(ev);
                    if (now != ev) {
                        ev = now;
                        current[0] = ev;
                        if (!ev.decision().rescale()) {
                            outcome = "hold after a concurrent write";
                            break;
                        }
                        continue; // the guard and the claims check the decision now to be written
                    }
                }
                deletionCosts.beforeScaleDown(
                        ev.decision(), engine.target(ev.decision().target()));
                engine.writing(ev.decision());
                ScaleWriter.Outcome o = writer.write(ev.decision());
                registry.counter("trimtab_autoscaler_writes_total", "code", Integer.toString(o.httpCode()))
                        .increment();
                switch (o.kind()) {
                    case Written -> {
                        engine.applied(ev.policy(), ev.decision(), o.resourceVersion());
                        outcome = "written";
                        long ack = System.currentTimeMillis();
                        latency("trimtab_autoscaler_event_to_write_seconds", trigger, ack);
                        if (trigger.time() != null) {
                            written.fire(new ScaleWritten(
                                    ev.decision().target(),
                                    trigger.time(),
                                    Instant.now(),
                                    ev.decision().desiredReplicas(),
                                    true));
                        }
                    }
                    case Conflict -> {
                        ScaleTarget fresh = writer.read(ev.decision().target());
                        if (fresh == null || ++conflicts > settings.conflictRetries()) {
                            outcome = "conflict: gave up after " + conflicts + " attempts";
                        } else {
                            ev = engine.redecide(ev.policy(), fresh);
                            current[0] = ev;
                            if (!ev.decision().rescale()) {
                                outcome = "hold after re-read";
                            }
                        }
                    }
                    case Retry -> {
                        if (++transients > TRANSIENT_RETRIES) {
                            outcome = "failed: HTTP " + o.httpCode() + " after " + transients + " attempts";
                        } else {
                            sleep(
                                    o.retryAfterMillis() > 0
                                            ? Math.min(o.retryAfterMillis(), 10_000)
                                            : 100L << transients);
                        }
                    }
                    case NotFound, Failed -> outcome = "failed: HTTP " + o.httpCode() + ": " + o.message();
                }
            }
        } finally {
            if (locked != null) {
                lockOf(locked).unlock();
            }
        }
        return outcome;
    }

    /**
     * Write locks of the scale targets, striped by the target's hash: a rescale holds its target's
     * from just before the write until the write is recorded ({@code engine.applied}), through
     * conflict retries and back-offs, so two decisions never write one target at once and the
     * second is decided again on the first one's result. Two targets may share a stripe; a thread
     * holds at most one.
     */
    private final ReentrantLock[] targetLocks = newLocks(64);

    private static ReentrantLock[] newLocks(int n) {
        ReentrantLock[] out = new ReentrantLock[n];
        for (int i = 0; i < n; i++) {
            out[i] = new ReentrantLock();
        }
        return out;
    }

    /** The write lock of {@code target} (shared with the targets of the same stripe). */
    ReentrantLock lockOf(ObjectRef target) {
        return targetLocks[Math.floorMod(target.hashCode(), targetLocks.length)];
    }

    /** What a dry run would have done: held while the policies are not in force, else denied or not. */
    private String dryRun(ScaleDecision d) {
        String held = guard.held();
        if (held != null) {
            return "dry-run: held: " + held;
        }
        String denied = guard.denial(d);
        return denied == null ? "dry-run" : "dry-run: denied by policy: " + denied;
    }

    /**
     * Policies whose namespace's autoscalers were read from the API before their first write: before
     * a policy's first write since start, the HPAs and ScaledObjects of its namespace are read and
     * folded in (one may scale the target without its event having arrived yet); when they cannot
     * be listed the write is held, and the next evaluation checks again.
     */
    private final Set<ObjectRef> checked = ConcurrentHashMap.newKeySet();

    /** The reason each policy was last refused for, to log a refusal once, when it starts or changes. */
    private final Map<ObjectRef, Reason> refused = new ConcurrentHashMap<>();

    private void refusal(ScaleDecision d) {
        if (d.reason().refusal()) {
            if (refused.put(d.policy(), d.reason()) != d.reason()) {
                LOG.warnf("%s %s refused: %s: %s", d.policy(), d.target(), d.reason(), d.message());
            }
        } else if (refused.remove(d.policy()) != null) {
            LOG.infof("%s %s no longer refused: %s", d.policy(), d.target(), d.reason());
        }
    }

    /**
     * Reports second writers of {@code spec.replicas}: counted
     * ({@code trimtab_autoscaler_foreign_writes_total}), logged, and (outside dry-run) a Warning
     * Event {@code ReplicasChangedByOther} on the workload naming the value.
     */
    public void foreignWrites(List<AutoscalerEngine.ForeignWrite> writes) {
        for (AutoscalerEngine.ForeignWrite w : writes) {
            registry.counter(
                            "trimtab_autoscaler_foreign_writes_total",
                            "kind",
                            w.write().target().kind())
                    .increment();
            String hold = settings.foreignWriteHold().isZero()
                    ? "Trimtab keeps deciding"
                    : "ScalingPolicy " + w.policy().ref().namespace() + "/"
                            + w.policy().ref().name() + " holds for "
                            + settings.foreignWriteHold().toSeconds() + " s";
            LOG.warnf("%s; %s", w.write().message(), hold);
            if (!settings.dryRun()) {
                status.foreignWrite(w.write(), w.write().message() + "; " + hold);
            }
        }
    }

    /** From the triggering event's {@code time} to {@code atMillis}, as a histogram. */
    private void latency(String name, CloudEvent trigger, long atMillis) {
        if (trigger.time() != null) {
            Timer.builder(name)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry)
                    .record(Duration.ofMillis(
                            Math.max(0, atMillis - trigger.time().toEpochMilli())));
        }
    }

    /** How the applier waits between retries; tests replace it to record the waits. */
    LongConsumer sleeper = Delivery.SLEEP;

    private void sleep(long millis) {
        sleeper.accept(millis);
    }
}

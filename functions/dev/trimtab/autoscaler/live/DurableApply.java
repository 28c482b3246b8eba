package dev.trimtab.autoscaler.live;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Carries decisions out only once the histories they changed are on the state topic: a decision is
 * acted on (a write, a hold) and logged only when the recommendation it added is durable, so an
 * instance killed or cut off right after logging a decision never leaves its successor without the
 * recommendations that decision was taken with (found by the fault suite: logged recommendations
 * the next owner did not know, and scale-downs inside their window, after kills and lost
 * partitions). The scale events of the writes are written before the batch's commit, as before
 * ({@link StateStore#writeBeforeCommit}).
 *
 * <p>Histories are written outside the engine's work lock (a slow broker never holds up a handover);
 * the decisions are then applied under it, those of workloads released meanwhile are not (their
 * records are read again by the new owner).
 */
@ApplicationScoped
public class DurableApply {
    private static final Logger LOG = Logger.getLogger(DurableApply.class);
    /** How long a decision that no metric batch waits for waits for its history to be written. */
    static final Duration UNBATCHED_TIMEOUT = Duration.ofSeconds(5);

    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final StateStore state;
    private final Duration timeout;
    private final ExecutorService appliers;

    @Inject
    public DurableApply(
            AutoscalerEngine engine,
            ScaleApplier applier,
            LiveSettings settings,
            @Identifier(StateStore.NAME) StateStore state) {
        this(engine, applier, state, settings.deliveryTimeout(), settings.writeConcurrency());
    }

    /** Without a state store (tests of the applying alone): decisions are applied at once. */
    public DurableApply(AutoscalerEngine engine, ScaleApplier applier) {
        this(engine, applier, null, Duration.ZERO, 1);
    }

    DurableApply(AutoscalerEngine engine, ScaleApplier applier, StateStore state, Duration timeout, int concurrency) {
        if (concurrency < 1) {
            throw new IllegalArgumentException(
                    "trimtab.autoscaler.write-concurrency must be at least 1, not " + concurrency);
        }
        this.engine = engine;
        this.applier = applier;
        this.state = state;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.appliers = concurrency == 1
                ? null
                : Executors.newFixedThreadPool(concurrency, r -> {
                    Thread t = new Thread(r, "trimtab-apply-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Lets the writes under way and queued finish (each is bounded by its retries and Retry-After
     * cap): a batch waiting for them holds the engine's work lock, which the shutdown's handover
     * needs; tasks dropped by {@code shutdownNow} would leave it waiting for ever.
     */
    @PreDestroy
    void stop() {
        if (appliers != null) {
            appliers.shutdown();
        }
    }

    /**
     * Writes the changed histories, then applies each decision whose workload this instance still
     * decides for. Fenced meanwhile (membership lease lost): with {@code waitWhileFenced} (a metric
     * batch, which must not be committed without its decisions) it waits for the lease, at most the
     * delivery timeout; otherwise (an informer event, a resync tick) nothing is applied.
     *
     * @return the deliveries of the decisions logged
     * @throws Delivery.NotDelivered   when the histories are not written within the delivery timeout (5 s
     *                                 at most without {@code waitWhileFenced})
     * @throws MembershipLease.NotRenewed when a metric batch stayed fenced for the delivery timeout
     */
    public List<Delivery> apply(List<AutoscalerEngine.Triggered> due, boolean waitWhileFenced) {
        if (due.isEmpty()) {
            return List.of();
        }
        // an informer event or a resync tick gives up sooner: it holds no offset, its policy is decided
        // again at the next event or tick, and the state writer is not held for long while the broker is away
        long deadline = System.nanoTime() + (waitWhileFenced ? timeout : min(timeout, UNBATCHED_TIMEOUT)).toNanos();
        if (!waitWhileFenced) {
            List<Delivery> sent = attempt(deadline, due);
            return sent == null ? List.of() : sent;
        }
        return MembershipLease.whenUnfenced(
                Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                Delivery.SLEEP,
                () -> attempt(deadline, due));
    }

    /** Null while fenced: a fenced engine hands no history out, so nothing could be made durable. */
    private List<Delivery> attempt(long deadline, List<AutoscalerEngine.Triggered> due) {
        if (engine.fenced()) {
            return null;
        }
        if (state != null) {
            state.writeBeforeCommit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return engine.work(() -> engine.fenced() ? null : applyOwned(due));
    }

    /**
     * Applies the decisions still owned, up to {@code write-concurrency} at once (the caller holds
     * the engine's work lock throughout, so no handover falls between a decision and its write).
     * Each decision concerns another workload; two policies scaling one target are serialised by
     * the applier's target locks.
     */
    private List<Delivery> applyOwned(List<AutoscalerEngine.Triggered> due) {
        applier.foreignWrites(engine.drainForeignWrites());
        List<AutoscalerEngine.Triggered> owned = new ArrayList<>(due.size());
        for (AutoscalerEngine.Triggered t : due) {
            if (engine.decidesFor(t.evaluation().policy())) {
                owned.add(t);
            } else {
                LOG.debugf(
                        "%s: its partition went to another instance before its decision was applied",
                        t.evaluation().policy().ref());
            }
        }
        List<Delivery> sent = new ArrayList<>(owned.size());
        if (appliers == null || owned.size() < 2) {
            for (AutoscalerEngine.Triggered t : owned) {
                sent.add(applier.apply(t.evaluation(), t.trigger()));
            }
            return sent;
        }
        List<Future<Delivery>> running = new ArrayList<>(owned.size());
        for (AutoscalerEngine.Triggered t : owned) {
            running.add(appliers.submit(() -> applier.apply(t.evaluation(), t.trigger())));
        }
        for (Future<Delivery> f : running) {
            sent.add(join(f));
        }
        return sent;
    }

    /** A decision's delivery; {@link ScaleApplier#apply} turns its own failures into outcomes, so any other is a bug. */
    private static Delivery join(Future<Delivery> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the work lock must not be left while a write is under way
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException r) {
                        throw r;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

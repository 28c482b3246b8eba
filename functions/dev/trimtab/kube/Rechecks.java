package dev.trimtab.kube;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runs a check on its own thread {@code delay} after a change, at most one run pending: a burst of
 * changes (an informer's listing, a rollout) costs one or two runs, and every run starts after the
 * changes that asked for it, so it sees them. A run that throws is logged and does not stop later
 * ones; {@link #retry} asks for a run later (a write the API refused).
 */
public final class Rechecks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Rechecks.class);

    private final ScheduledExecutorService thread;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final Duration delay;
    private final Runnable check;

    public Rechecks(String name, Duration delay, Runnable check) {
        this.delay = delay;
        this.check = check;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Something changed: run the check after the delay unless a run is already pending. */
    public void changed() {
        schedule(delay);
    }

    /** Run the check again after {@code after}, unless a run is already pending. */
    public void retry(Duration after) {
        schedule(after);
    }

    private void schedule(Duration after) {
        if (pending.compareAndSet(false, true) && !thread.isShutdown()) {
            thread.schedule(this::run, after.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void run() {
        pending.set(false);
        try {
            check.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "check failed");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

package dev.trimtab.auth.live;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A fixed set of threads for one kind of HTTP work, apart from Quarkus' shared worker pool, with a
 * bounded queue and an optional time limit: a full pool answers at once ({@code whenFull}); work not
 * done in time is answered 503 and interrupted (work that checks interruption stops; the bounds on
 * the work itself keep the rest short).
 */
public final class BoundedPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BoundedPool.class);
    private final String name;
    private final ThreadPoolExecutor executor;
    private final Duration timeout;
    private final Supplier<Response> whenFull;
    private final ScheduledExecutorService timer;

    /**
     * @param timeout null: no limit (the caller has its own, e.g. the webhook's timeoutSeconds)
     */
    public BoundedPool(String name, int threads, int queue, Duration timeout, Supplier<Response> whenFull) {
        if (threads <= 0) {
            throw new IllegalArgumentException(name + ": " + threads + " threads, must be more than 0");
        }
        if (queue < 0) {
            throw new IllegalArgumentException(name + ": queue " + queue + ", must be at least 0");
        }
        this.name = name;
        this.timeout = timeout;
        this.whenFull = whenFull;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.executor.allowCoreThreadTimeOut(true);
        this.timer = timeout == null
                ? null
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, name + "-timer");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** {@code work}'s answer, or the pool's own when it is full or the time runs out. */
    public CompletionStage<Response> run(Supplier<Response> work) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        Future<?> running;
        try {
            running = executor.submit(() -> {
                try {
                    answer.complete(work.get());
                } catch (RuntimeException | Error e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            answer.complete(whenFull.get());
            return answer;
        }
        if (timer != null) {
            timer.schedule(
                    () -> {
                        if (answer.complete(Response.status(503)
                                .type(MediaType.TEXT_PLAIN)
                                .entity("the answer took longer than " + timeout.toMillis() + " ms (trimtab.limits."
                                        + name + ".timeout) and was cancelled")
                                .build())) {
                            LOG.warnf(
                                    "%s: a request ran out of time (%d ms); interrupting it", name, timeout.toMillis());
                            running.cancel(true);
                        }
                    },
                    timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return answer;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** 429 with Retry-After, as the API server answers when its in-flight limit is reached. */
    public static Supplier<Response> tooManyRequests(String property, int concurrency, int queue) {
        return () -> Response.status(429)
                .header("Retry-After", "1")
                .type(MediaType.TEXT_PLAIN)
                .entity("too many requests at once: " + concurrency + " running and " + queue + " waiting (" + property
                        + "); retry later")
                .build();
    }
}

package dev.trimtab.autoscaler.live;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * One record sent through an {@link Emitter}, complete when the broker acknowledged it (the
 * channels produce with {@code acks=all}, so: written to every in-sync replica). An input is
 * committed only once the records it caused are delivered: {@link #awaitAll} waits for them,
 * sending a failed one again with backoff, until the delivery timeout
 * ({@code trimtab.autoscaler.delivery-timeout}); then it throws and the input is not committed.
 */
public final class Delivery {
    private static final Delivery DONE = new Delivery("nothing", null);
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final String what;
    private final Supplier<CompletableFuture<Void>> attempt;
    private CompletableFuture<Void> current;
    private int attempts;

    private Delivery(String what, Supplier<CompletableFuture<Void>> attempt) {
        this.what = what;
        this.attempt = attempt;
        this.current = attempt == null ? CompletableFuture.completedFuture(null) : attempt.get();
        this.attempts = attempt == null ? 0 : 1;
    }

    /** Nothing was sent: nothing to wait for. */
    public static Delivery done() {
        return DONE;
    }

    /**
     * Sends {@code message} (built afresh for each attempt) now; {@code what} names the record in
     * errors. A send the emitter refuses (its buffer full, its channel down) is a failed attempt.
     */
    public static Delivery send(Emitter<byte[]> emitter, String what, Supplier<Message<byte[]>> message) {
        return send(emitter, what, message, failure -> {});
    }

    /** As {@link #send(Emitter, String, Supplier)}; {@code outcome} hears of each attempt (null: acknowledged). */
    public static Delivery send(
            Emitter<byte[]> emitter, String what, Supplier<Message<byte[]>> message, Consumer<Throwable> outcome) {
        return new Delivery(what, () -> {
            CompletableFuture<Void> acked = new CompletableFuture<>();
            acked.whenComplete((ok, failure) -> outcome.accept(failure));
            try {
                emitter.send(message.get()
                        .withAck(() -> {
                            acked.complete(null);
                            return CompletableFuture.completedFuture(null);
                        })
                        .withNack(failure -> {
                            acked.completeExceptionally(failure);
                            return CompletableFuture.completedFuture(null);
                        }));
            } catch (RuntimeException e) {
                acked.completeExceptionally(e);
            }
            return acked;
        });
    }

    /** The current attempt's completion (for callers that only count the outcome). */
    public CompletableFuture<Void> completion() {
        return current;
    }

    /** Not delivered within the delivery timeout. */
    public static final class NotDelivered extends RuntimeException {
        NotDelivered(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Sleeps {@code millis}; an interrupt ends the sleep and stays set (the waits that use it then
     * end at their next look). The one sleeper of the live path; tests pass their own.
     */
    public static final LongConsumer SLEEP = millis -> {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    };

    /**
     * Waits until every delivery is acknowledged, sending failed ones again after a backoff
     * (100 ms doubling to 5 s), for at most {@code timeout} in all.
     *
     * @throws NotDelivered naming the first record not acknowledged in time, and how many were not
     */
    public static void awaitAll(Collection<Delivery> deliveries, Duration timeout, LongConsumer sleeper) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Delivery d : deliveries) {
            d.await(deadline, sleeper);
        }
    }

    private void await(long deadline, LongConsumer sleeper) {
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                current.get(Math.max(0, left), TimeUnit.NANOSECONDS);
                return;
            } catch (ExecutionException e) {
                long backoff = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(attempts - 1, 6));
                if (attempt == null || deadline - System.nanoTime() <= TimeUnit.MILLISECONDS.toNanos(backoff)) {
                    throw new NotDelivered(
                            what + " not acknowledged by the broker after " + attempts + " attempts: " + e.getCause(),
                            e.getCause());
                }
                sleeper.accept(backoff);
                attempts++;
                current = attempt.get();
            } catch (TimeoutException e) {
                throw new NotDelivered(
                        what + " not acknowledged by the broker within the delivery timeout (" + attempts
                                + " attempts)",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new NotDelivered(what + ": interrupted while waiting for the broker", e);
            }
        }
    }
}

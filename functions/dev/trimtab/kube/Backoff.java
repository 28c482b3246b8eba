package dev.trimtab.kube;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * The delays between attempts, as client-go's reflector backs off a failing list and watch
 * ({@code wait.NewExponentialBackoffManager(800ms, 30s, 2m, 2.0, 1.0)}): the base doubles from
 * {@code initial} up to {@code max}, and each delay adds up to 100 % random jitter on top, so that
 * many replicas that lost the API server at the same moment do not come back in step.
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private final RandomGenerator random;
    private long base;

    public Backoff(Duration initial, Duration max, RandomGenerator random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "backoff: initial " + initial + " must be positive and at most max " + max);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The delay before the next attempt, in milliseconds: base in [initial, max], plus [0, base) of jitter. */
    public synchronized long next() {
        base = base == 0 ? initialMillis : Math.min(maxMillis, base * 2);
        return base + (long) (random.nextDouble() * base);
    }

    /** After a success: the next failure starts again from {@code initial}. */
    public synchronized void reset() {
        base = 0;
    }
}

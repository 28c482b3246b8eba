package dev.trimtab.testing;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The contract every fuzz test checks, per input: the code under test returns, or throws one of
 * its documented exception types with a message; it never throws anything else (a
 * NullPointerException, ClassCastException, ArithmeticException, StackOverflowError,
 * OutOfMemoryError… is a crash), and it stays within a time and heap bound.
 *
 * <p>Bounds, per input, measured on the calling thread: {@value #DEFAULT_MAX_CPU_MILLIS} ms of CPU
 * time, {@value #DEFAULT_MAX_WALL_MILLIS} ms of wall time (generous: CI machines are shared, and a
 * GC pause or another process must not fail a test; the CPU bound is the one that measures the
 * work) and {@value #DEFAULT_MAX_ALLOCATED_MIB} MiB allocated
 * ({@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes}). Override with
 * {@code -Dfuzz.max-cpu-millis}, {@code -Dfuzz.max-wall-millis}, {@code -Dfuzz.max-allocated-mib}.
 * The libFuzzer {@code -timeout} of the fuzz profile catches a hang that never returns.
 *
 * <p>A bound passed is confirmed by a second run of the same input: the first inputs of a JVM also
 * pay for class loading, static initialisation and the JIT, which are not the input's cost. Every
 * target starts each input from fresh state, so the second run does the same work.
 *
 * <p>One instance per fuzz target; it keeps the worst figures seen and prints them
 * ({@link #report()}), which is where docs/fuzzing.md's table comes from.
 */
public final class FuzzBounds {
    public static final long DEFAULT_MAX_CPU_MILLIS = 1_000;
    public static final long DEFAULT_MAX_WALL_MILLIS = 5_000;
    public static final long DEFAULT_MAX_ALLOCATED_MIB = 64;

    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final String target;
    private final List<Class<? extends Throwable>> documented;
    private final long maxCpuNanos = Long.getLong("fuzz.max-cpu-millis", DEFAULT_MAX_CPU_MILLIS) * 1_000_000;
    private final long maxWallNanos = Long.getLong("fuzz.max-wall-millis", DEFAULT_MAX_WALL_MILLIS) * 1_000_000;
    private final long maxBytes = Long.getLong("fuzz.max-allocated-mib", DEFAULT_MAX_ALLOCATED_MIB) << 20;

    private long inputs;
    private long rejected;
    /** Inputs left out of the worst figures: the JVM's first ones also load classes and run the JIT. */
    static final int WARM_UP = 100;

    private long warmWallNanos;
    private long warmBytes;
    private long worstWallNanos;
    private long worstCpuNanos;
    private long worstBytes;
    private String worstWallInput = "";
    private String worstBytesInput = "";

    /** The code under test's work on one input. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    @SafeVarargs
    public FuzzBounds(String target, Class<? extends Throwable>... documented) {
        this.target = target;
        this.documented = Arrays.asList(documented);
        THREADS.setThreadCpuTimeEnabled(true);
        THREADS.setThreadAllocatedMemoryEnabled(true);
    }

    /**
     * Runs {@code work} on one input ({@code shown} describes it in a failure): a documented
     * exception with a message is a rejection, anything else thrown is a crash, and a bound
     * passed is a failure naming the bound, the figure and the input.
     */
    public void check(Object shown, Work work) {
        Measured m = measure(work);
        if (m.over()) {
            // the first inputs of a JVM also pay for class loading, static initialisation and the JIT:
            // a bound passed counts only if the same input passes it again (each target is deterministic
            // and starts from fresh state)
            m = measure(work);
        }
        inputs++;
        warmWallNanos = Math.max(warmWallNanos, m.wall);
        warmBytes = Math.max(warmBytes, m.bytes);
        if (inputs > WARM_UP) {
            if (m.wall > worstWallNanos) {
                worstWallNanos = m.wall;
                worstWallInput = shorten(shown);
            }
            worstCpuNanos = Math.max(worstCpuNanos, m.cpu);
            if (m.bytes > worstBytes) {
                worstBytes = m.bytes;
                worstBytesInput = shorten(shown);
            }
        }
        Throwable thrown = m.thrown;
        if (thrown != null) {
            if (thrown instanceof AssertionError a) {
                throw a; // the test's own oracle
            }
            if (documented.stream().noneMatch(c -> c.isInstance(thrown))) {
                throw new AssertionError(
                        target + ": undocumented " + thrown.getClass().getName() + " (documented: "
                                + documented.stream().map(Class::getSimpleName).toList() + ") on input "
                                + shorten(shown),
                        thrown);
            }
            if (thrown.getMessage() == null || thrown.getMessage().isBlank()) {
                throw new AssertionError(
                        target + ": " + thrown.getClass().getName() + " without a message on input " + shorten(shown),
                        thrown);
            }
            rejected++;
        }
        if (m.cpu > maxCpuNanos || m.wall > maxWallNanos) {
            throw new AssertionError(String.format(
                    "%s: one input took %d ms of CPU, %d ms of wall time (bounds %d ms," + " %d ms): %s",
                    target,
                    m.cpu / 1_000_000,
                    m.wall / 1_000_000,
                    maxCpuNanos / 1_000_000,
                    maxWallNanos / 1_000_000,
                    shorten(shown)));
        }
        if (m.bytes > maxBytes) {
            throw new AssertionError(String.format(
                    "%s: one input allocated %d MiB (bound %d MiB): %s",
                    target, m.bytes >> 20, maxBytes >> 20, shorten(shown)));
        }
    }

    private record Measured(long wall, long cpu, long bytes, Throwable thrown, boolean over) {}

    private Measured measure(Work work) {
        long bytes0 = THREADS.getCurrentThreadAllocatedBytes();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long wall0 = System.nanoTime();
        Throwable thrown = null;
        try {
            work.run();
        } catch (Throwable t) {
            thrown = t;
        }
        long wall = System.nanoTime() - wall0;
        long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - bytes0;
        return new Measured(wall, cpu, bytes, thrown, cpu > maxCpuNanos || wall > maxWallNanos || bytes > maxBytes);
    }

    /**
     * The figures so far, one line: inputs, rejected, worst wall and CPU time, worst allocation.
     * The worst figures leave out the JVM's first {@value #WARM_UP} inputs (the seeds, mostly),
     * which also pay for class loading, static initialisation and the JIT; the worst of all inputs
     * is shown apart.
     */
    public String report() {
        return String.format(
                "FUZZ-FIGURES %s: %d inputs (%d rejected with a documented exception); after the first %d:"
                        + " worst wall %.1f ms, worst CPU %.1f ms, worst allocated %.2f MiB; all inputs: worst wall %.1f ms,"
                        + " worst allocated %.2f MiB (worst wall on %s; worst heap on %s)",
                target,
                inputs,
                rejected,
                WARM_UP,
                worstWallNanos / 1e6,
                worstCpuNanos / 1e6,
                worstBytes / 1048576.0,
                warmWallNanos / 1e6,
                warmBytes / 1048576.0,
                worstWallInput,
                worstBytesInput);
    }

    /** An input as a failure shows it: Java-escaped, at most 300 characters. */
    public static String shorten(Object input) {
        String s = input instanceof byte[] b
                ? "bytes " + escape(new String(b, StandardCharsets.ISO_8859_1))
                : escape(String.valueOf(input));
        return s.length() <= 300 ? s : s.substring(0, 300) + "…(" + s.length() + " characters)";
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length() && sb.length() < 400; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                String hex = Integer.toHexString(c); // not String.format: fuzzing hooks make its regex slow
                sb.append("\\u").append("0".repeat(4 - hex.length())).append(hex);
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}

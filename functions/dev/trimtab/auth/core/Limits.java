package dev.trimtab.auth.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounds on a request's work (trimtab.limits.*): body sizes per surface, the pairs one
 * {@code /network/matrix} may compute, the time a query may take and how many run at once.
 * Admission bodies are bounded by the API server (3 MiB requests) and Quarkus' global
 * {@code quarkus.http.limits.max-body-size}, not here.
 */
public record Limits(
        long queryBody,
        long extenderBody,
        long pushBody,
        long ingestBody,
        int matrixMaxPairs,
        Duration queryTimeout,
        int queryConcurrency,
        int queryQueue) {

    /** The largest body a surface accepts, in bytes; -1 when only the server-wide limit applies. */
    public long maxBody(Surface surface) {
        return switch (surface) {
            case Query, Metrics, Other -> queryBody;
            case Extender -> extenderBody;
            case Push -> pushBody;
            case Ingest -> ingestBody;
            case Health, Admission -> -1;
        };
    }

    /** The 413 message for a body of {@code size} bytes, or null when it is within the surface's limit. */
    public String bodyTooLarge(Surface surface, long size) {
        long max = maxBody(surface);
        if (max < 0 || size <= max) {
            return null;
        }
        return "request body of " + size + " bytes is more than the " + max + " bytes allowed here ("
                + property(surface) + "=" + max + ")";
    }

    private static String property(Surface surface) {
        return switch (surface) {
            case Extender -> "trimtab.limits.extender.max-body-size";
            case Push -> "trimtab.limits.push.max-body-size";
            case Ingest -> "trimtab.limits.ingest.max-body-size";
            default -> "trimtab.limits.query.max-body-size";
        };
    }

    /**
     * The 422 message when a matrix over {@code pods} pods (every ordered pair, each pod with itself
     * too) would be more than {@link #matrixMaxPairs}, or null when it is not.
     */
    public String matrixTooLarge(int pods) {
        long pairs = (long) pods * pods;
        if (pairs <= matrixMaxPairs) {
            return null;
        }
        return "namespace: the matrix of the " + pods + " pods selected would be " + pairs + " pairs, more than "
                + "trimtab.limits.network.matrix-max-pairs=" + matrixMaxPairs + " (at most "
                + (long) Math.floor(Math.sqrt(matrixMaxPairs)) + " pods); narrow it with namespace=NS";
    }

    /** Every setting that cannot work, each naming its property and value. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        positive(out, "trimtab.limits.query.max-body-size", queryBody);
        positive(out, "trimtab.limits.extender.max-body-size", extenderBody);
        positive(out, "trimtab.limits.push.max-body-size", pushBody);
        positive(out, "trimtab.limits.ingest.max-body-size", ingestBody);
        positive(out, "trimtab.limits.network.matrix-max-pairs", matrixMaxPairs);
        positive(out, "trimtab.limits.query.concurrency", queryConcurrency);
        if (queryQueue < 0) {
            out.add("trimtab.limits.query.queue: " + queryQueue + ", must be at least 0");
        }
        if (queryTimeout.isNegative() || queryTimeout.isZero()) {
            out.add("trimtab.limits.query.timeout: " + queryTimeout + ", must be more than 0s");
        }
        return out;
    }

    private static void positive(List<String> out, String name, long value) {
        if (value <= 0) {
            out.add(name + ": " + value + ", must be more than 0");
        }
    }
}

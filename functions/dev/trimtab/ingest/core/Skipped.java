package dev.trimtab.ingest.core;

/**
 * A series that was read but feeds nothing, and why: a valid payload may carry samples that no
 * metric can use (a NaN or staleness marker, a negative or infinite value, native histograms
 * only, an OpenTelemetry point without a value). They are counted and reported, not an error: one odd series must not make the sender
 * drop every other series of its request.
 */
public record Skipped(String series, Reason reason) {
    public enum Reason {
        /** NaN, including Prometheus' staleness marker: the series has no usable value now. */
        NotANumber,
        /** +Inf or -Inf, or beyond what a Kubernetes quantity in milli-units holds (9e15). */
        OutOfRange,
        /** Below zero: the HPA's ratios assume metric values that are not negative. */
        Negative,
        /** Only native histograms or exemplars, no float samples. */
        NoSamples,
        /**
         * An External series with more labels, or a longer label, than a metric event may carry
         * ({@code trimtab.autoscaler.input.max-labels}, {@code max-label-length}).
         */
        TooManyLabels,
        /** An OpenTelemetry data point flagged "no recorded value" (its source stopped reporting). */
        NoRecordedValue,
        /** A histogram or summary point of no observations: it has no mean and no quantiles. */
        NoObservations,
        /** A delta sum point without a start time before its time: there is no interval to divide by. */
        NoInterval,
        /** Alerts an Alertmanager notification left out (its webhook's {@code max_alerts}): a count undercounts. */
        Truncated
    }
}

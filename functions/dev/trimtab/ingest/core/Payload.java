package dev.trimtab.ingest.core;

import java.util.List;

/**
 * What one request to a metric receiver carried, read but not yet turned into metrics: its
 * series, each with its latest value ({@link Series}), how many samples or data points were read,
 * and what was read but can feed nothing ({@link Skipped}).
 */
public record Payload(List<Series> series, long samples, List<Skipped> skipped) {
    public Payload {
        series = List.copyOf(series);
        skipped = List.copyOf(skipped);
    }
}

package dev.trimtab.ingest.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The bounds on one request to a metric receiver ({@code trimtab.ingest.*}): the uncompressed
 * body, the series and samples it may hold, the labels of a series and the bytes of a label name
 * or value. A request past any of them is a 400 naming the bound and its property.
 */
public record IngestLimits(int maxUncompressedBytes, int maxSeries, int maxSamples, int maxLabels, int maxLabelBytes) {
    /** 32 MiB uncompressed, 100,000 series, 1,000,000 samples, 128 labels, 4,096 bytes a label. */
    public static IngestLimits defaults() {
        return new IngestLimits(32 << 20, 100_000, 1_000_000, 128, 4096);
    }

    /** Every setting that cannot work, each naming its property and value. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        positive(out, "trimtab.ingest.max-uncompressed-size", maxUncompressedBytes);
        positive(out, "trimtab.ingest.max-series", maxSeries);
        positive(out, "trimtab.ingest.max-samples", maxSamples);
        positive(out, "trimtab.ingest.max-labels", maxLabels);
        positive(out, "trimtab.ingest.max-label-bytes", maxLabelBytes);
        return out;
    }

    private static void positive(List<String> out, String name, long value) {
        if (value <= 0) {
            out.add(name + ": " + value + ", must be more than 0");
        }
    }
}

package dev.trimtab.ingest.core;

import java.util.Map;

/**
 * One time series of a monitoring system's payload with its latest sample: the metric's
 * {@code name} (Prometheus' {@code __name__}), its other labels (empty values dropped, as
 * Prometheus treats them as absent), the value and when it was measured (milliseconds since the
 * epoch).
 */
public record Series(String name, Map<String, String> labels, double value, long timestampMillis) {
    public Series {
        labels = Map.copyOf(labels);
    }

    /** As Prometheus prints it, {@code name{a="b",c="d"}}, labels sorted, cut after 200 characters. */
    public String describe() {
        StringBuilder sb = new StringBuilder(Text.echo(name)).append('{');
        labels.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            if (sb.charAt(sb.length() - 1) != '{') {
                sb.append(',');
            }
            sb.append(Text.echo(e.getKey()))
                    .append("=\"")
                    .append(Text.echo(e.getValue()))
                    .append('"');
        });
        sb.append('}');
        return sb.length() > 200 ? sb.substring(0, 197) + "..." : sb.toString();
    }
}

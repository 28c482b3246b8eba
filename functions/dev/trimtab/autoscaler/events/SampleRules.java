package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.input.InputLimits;
import dev.trimtab.kube.LabelSelector;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The rules every metric sample passes while it is folded (docs/decisions/0018): its time against
 * the decision clock and the allowed skew, its value not negative, its selector within the label
 * limit. Problems go to the item's {@link Fields}, with their {@link RejectReason}.
 */
final class SampleRules {
    private final InputLimits limits;
    /** Samples dated ahead of the decision clock, within the allowed skew, taken as measured then. */
    private long clamped;

    SampleRules(InputLimits limits) {
        this.limits = limits;
    }

    long futureSamplesClamped() {
        return clamped;
    }

    /** An item list was applied: its samples taken as measured now count from here on. */
    void applied(Fields f) {
        clamped += f.clampedSamples;
    }

    /**
     * The time a sample was measured: its {@code timestamp}, else the CloudEvent's time. Ahead of
     * the decision clock by more than the allowed skew: a problem; by less: the decision clock.
     */
    long sampleTime(JsonNode m, String path, Fields f, EventFolder.Clock clock) {
        boolean own = m.hasNonNull("timestamp");
        long ts = KubeObjects.time(m, "timestamp", path, f, clock.eventTime());
        if (ts <= clock.now()) {
            return ts;
        }
        long skew = limits.maxClockSkew().toMillis();
        if (ts - clock.now() > skew) {
            f.problem(
                    RejectReason.FutureTimestamp,
                    own ? path : "time (the CloudEvent's, for " + path + ")",
                    "\"" + Instant.ofEpochMilli(ts) + "\"",
                    "more than " + skew + " ms (max-clock-skew) ahead of " + "the decision clock "
                            + Instant.ofEpochMilli(clock.now()));
        } else {
            f.clampedSamples++;
        }
        return clock.now();
    }

    /** A quantity that must not be negative (usage, metric values): the HPA's ratios assume it. */
    static Long nonNegative(Fields f, JsonNode parent, String name, String path, Supplier<String> whose) {
        Long v = f.quantity(parent, name, path, true);
        if (v != null && v < 0) {
            f.problem(
                    RejectReason.NegativeValue,
                    path,
                    "\"" + Fields.echo(parent.get(name).asText()) + "\"",
                    "must not be negative (" + whose.get() + ")");
            return null;
        }
        return v;
    }

    /** A metric selector, its size checked before it is read. */
    LabelSelector selector(JsonNode s, String path, Fields f) {
        int terms = s.path("matchLabels").size() + s.path("matchExpressions").size();
        if (terms > limits.maxLabels()) {
            f.problem(
                    RejectReason.TooLarge,
                    path,
                    terms + " terms",
                    "at most " + limits.maxLabels() + " are accepted (max-labels)");
            return LabelSelector.NOTHING;
        }
        return KubeObjects.selector(s, path, f);
    }
}

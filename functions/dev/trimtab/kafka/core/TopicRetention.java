package dev.trimtab.kafka.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether the records of a topic that is read from its beginning to rebuild a view can expire, from
 * the topic's effective configuration ({@code cleanup.policy}, {@code retention.ms},
 * {@code retention.bytes}; Kafka's defaults where a key is absent: {@code delete}, 7 days,
 * unlimited).
 *
 * <p>Kafka's semantics: with {@code delete} in the policy, a segment is removed once it is older
 * than {@code retention.ms} or the partition is larger than {@code retention.bytes} ({@code -1} =
 * no limit for either). With {@code compact} alone nothing expires by age, but only the latest
 * record of each key is kept, and a record without a key is refused by the broker: the
 * ApiServerSource's KafkaSink writes records without a key, so such a topic cannot take its events
 * at all.
 *
 * @param retentionMs    milliseconds, {@code -1} for no time limit
 * @param retentionBytes bytes per partition, {@code -1} for no size limit
 */
public record TopicRetention(String topic, List<String> cleanupPolicy, long retentionMs, long retentionBytes) {
    /** Kafka's broker default for {@code retention.ms} (log.retention.hours=168). */
    public static final long DEFAULT_RETENTION_MS = 7L * 24 * 3600 * 1000;

    /** The verdict on one topic, with the sentence operators read in the log. */
    public enum Verdict {
        /** Nothing expires: a restart rebuilds the whole view. */
        Kept,
        /** Records older or beyond the size limit are deleted: objects unchanged for longer vanish at a restart. */
        Expiring,
        /** Compacted without deletion: unkeyed object events are refused, older ones per key replaced. */
        CompactedUnkeyed
    }

    public TopicRetention {
        cleanupPolicy = List.copyOf(cleanupPolicy);
    }

    /**
     * From a topic's configuration entries (as {@code describeConfigs} returns them). A value that
     * is not a number names the key and the value.
     */
    public static TopicRetention of(String topic, Map<String, String> config) {
        String policy = config.getOrDefault("cleanup.policy", "delete");
        List<String> policies = Arrays.stream(policy.split(","))
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty())
                .toList();
        return new TopicRetention(
                topic,
                policies,
                number(config, "retention.ms", DEFAULT_RETENTION_MS),
                number(config, "retention.bytes", -1));
    }

    private static long number(Map<String, String> config, String key, long absent) {
        String v = config.get(key);
        if (v == null || v.isBlank()) {
            return absent;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": got \"" + v + "\", expected a whole number (-1 for no limit)");
        }
    }

    public Verdict verdict() {
        boolean deletes = cleanupPolicy.contains("delete");
        if (!deletes && cleanupPolicy.contains("compact")) {
            return Verdict.CompactedUnkeyed;
        }
        // an empty or unknown policy: Kafka refuses it, but read as the default (delete)
        return retentionMs >= 0 || retentionBytes >= 0 ? Verdict.Expiring : Verdict.Kept;
    }

    /** What an operator needs to know about this topic as a source of a view, in one sentence. */
    public String describe() {
        return switch (verdict()) {
            case Kept ->
                topic + " keeps every record (cleanup.policy=" + String.join(",", cleanupPolicy)
                        + ", retention.ms=-1, retention.bytes=-1)";
            case Expiring ->
                topic + " deletes records " + limits() + " (cleanup.policy=" + String.join(",", cleanupPolicy)
                        + "): an object unchanged for longer is missing from the view of an instance that starts after that";
            case CompactedUnkeyed ->
                topic + " is compacted without deletion (cleanup.policy=" + String.join(",", cleanupPolicy)
                        + "): the broker refuses the ApiServerSource's records, which have no key";
        };
    }

    private String limits() {
        String time =
                retentionMs >= 0 ? "older than " + duration(retentionMs) + " (retention.ms=" + retentionMs + ")" : null;
        String size = retentionBytes >= 0
                ? "beyond " + retentionBytes + " bytes per partition (retention.bytes=" + retentionBytes + ")"
                : null;
        return time != null && size != null ? time + " or " + size : time != null ? time : size;
    }

    private static String duration(long ms) {
        if (ms % 86_400_000L == 0 && ms > 0) {
            return ms / 86_400_000L + " d";
        }
        if (ms % 3_600_000L == 0 && ms > 0) {
            return ms / 3_600_000L + " h";
        }
        return ms / 1000 + " s";
    }
}

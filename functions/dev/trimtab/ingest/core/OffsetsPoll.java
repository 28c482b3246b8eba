package dev.trimtab.ingest.core;

import dev.trimtab.autoscaler.core.KafkaOffsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One poll of a consumer group's offsets for a watch: the {@link KafkaOffsets} a
 * {@code dev.trimtab.kafka.offsets} event carries (issue 16), built from what the source knows:
 * for each topic read, every partition with its end offset and the group's committed offset (null:
 * none committed). Topics in name order, partitions in number order.
 */
public final class OffsetsPoll {
    private OffsetsPoll() {}

    /** Why no poll could be made for a watch. */
    public enum Problem {
        /** the topic does not exist (or its partitions are not known yet) */
        unknown_topic,
        /** a partition's end offset could not be read */
        no_end_offset
    }

    /** A poll, or why there is none. */
    public record Outcome(KafkaOffsets poll, Problem problem, String detail) {
        static Outcome of(KafkaOffsets poll) {
            return new Outcome(poll, null, "");
        }

        static Outcome failed(Problem problem, String detail) {
            return new Outcome(null, problem, detail);
        }
    }

    /**
     * The topics {@code watch} reads now: its topic, or every topic {@code committed} (the group's
     * committed offsets, topic → partition → offset) has an offset on, as KEDA's Kafka scaler reads
     * them when no topic is named.
     */
    public static Set<String> topics(LagWatch watch, Map<String, Map<Integer, Long>> committed) {
        if (watch.topic() != null) {
            return Set.of(watch.topic());
        }
        Set<String> out = new TreeSet<>();
        committed.forEach((t, ps) -> {
            if (!ps.isEmpty()) {
                out.add(t);
            }
        });
        return out;
    }

    /**
     * The poll for {@code watch}: every partition of each of its {@linkplain #topics topics}
     * ({@code partitions}: topic → partition numbers, as described by the cluster), with its end
     * offset ({@code ends}: topic → partition → offset) and the committed offset. An end offset
     * read before a newer commit is raised to that commit: the log end is at least what the group
     * has committed, and a lag is never negative.
     */
    public static Outcome of(
            LagWatch watch,
            Map<String, Map<Integer, Long>> committed,
            Map<String, List<Integer>> partitions,
            Map<String, Map<Integer, Long>> ends) {
        List<KafkaOffsets.Topic> topics = new ArrayList<>();
        for (String t : new TreeSet<>(topics(watch, committed))) {
            List<Integer> ids = partitions.get(t);
            if (ids == null) {
                return Outcome.failed(Problem.unknown_topic, "topic \"" + t + "\" is not known to the cluster");
            }
            Map<Integer, Long> topicEnds = ends.getOrDefault(t, Map.of());
            Map<Integer, Long> topicCommitted = committed.getOrDefault(t, Map.of());
            List<KafkaOffsets.Partition> ps = new ArrayList<>();
            for (int p : new TreeSet<>(ids)) {
                Long end = topicEnds.get(p);
                if (end == null) {
                    return Outcome.failed(Problem.no_end_offset, "the end offset of " + t + "-" + p + " is not known");
                }
                Long c = topicCommitted.get(p);
                ps.add(new KafkaOffsets.Partition(p, c == null ? end : Math.max(end, c), c));
            }
            topics.add(new KafkaOffsets.Topic(t, ps));
        }
        return Outcome.of(new KafkaOffsets(watch.bootstrapServers(), watch.consumerGroup(), topics));
    }
}

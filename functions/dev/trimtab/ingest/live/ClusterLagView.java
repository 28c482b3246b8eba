package dev.trimtab.ingest.live;

import dev.trimtab.ingest.core.ConsumerOffsetsDecoder;
import dev.trimtab.ingest.core.EmitPacer;
import dev.trimtab.ingest.core.LagBook;
import dev.trimtab.ingest.core.LagWatch;
import dev.trimtab.ingest.core.OffsetsPoll;
import dev.trimtab.ingest.events.KafkaOffsetsEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What a {@link ClusterLagReader} knows of its cluster, shared by its two threads under this
 * object's monitor: the watched groups' committed offsets ({@link LagBook}), when each metric's
 * next event is due ({@link EmitPacer}), the partitions of the topics read (cached 30 s) and the
 * last poll's end offsets; and the events made from them, handed to the {@link LagSender}.
 */
final class ClusterLagView {
    private static final long TOPIC_CACHE_MILLIS = 30_000;

    private final String cluster;
    private final LagSender sender;
    private final LagOutcomes outcomes;
    private final LagBook book;
    private final EmitPacer pacer;
    private final Map<String, List<Integer>> partitions = new HashMap<>();
    private final Map<String, Long> describedAt = new HashMap<>();
    private Map<String, Map<Integer, Long>> ends = Map.of();
    private long endsAt;
    private Set<String> overLimit = Set.of();

    ClusterLagView(String cluster, KafkaLagRunner.Options options, LagSender sender, LagOutcomes outcomes) {
        this.cluster = cluster;
        this.sender = sender;
        this.outcomes = outcomes;
        this.book = new LagBook(options.maxPartitions());
        this.pacer = new EmitPacer(options.commitGap().toMillis());
    }

    /** Watches the groups of {@code ws} only. */
    synchronized void watch(List<LagWatch> ws) {
        book.watch(groups(ws));
        Set<String> keys = new HashSet<>();
        ws.forEach(w -> keys.add(w.eventKey()));
        pacer.retain(keys);
    }

    synchronized Set<String> unseeded() {
        return book.unseeded();
    }

    synchronized void unseed(String group) {
        book.unseed(group);
    }

    synchronized void unseedAll() {
        book.unseedAll();
    }

    /** Takes the groups' offsets as read whole; returns whether one of them was not known whole before. */
    synchronized boolean seeded(Map<String, Map<String, Map<Integer, Long>>> offsets, List<LagWatch> ws) {
        boolean fresh = false;
        for (Map.Entry<String, Map<String, Map<Integer, Long>>> e : offsets.entrySet()) {
            fresh |= !book.seeded(e.getKey());
            book.seed(e.getKey(), e.getValue());
            commitSeen(e.getKey(), ws); // known now: an event at once, if the end offsets are
        }
        return fresh;
    }

    /** Applies one record of the log; a change of a watched group makes its metrics' events due. */
    synchronized void apply(ConsumerOffsetsDecoder.Entry entry, List<LagWatch> ws) {
        String changed = book.apply(entry);
        if (changed != null) {
            commitSeen(changed, ws);
        }
    }

    /** Milliseconds until an event is due (0: now), or -1. */
    synchronized long untilNext(long now) {
        return pacer.untilNext(now);
    }

    /** Sends the events due after commits. */
    synchronized void emitDue(List<LagWatch> ws, long now) {
        Set<String> due = new HashSet<>(pacer.due(now));
        if (due.isEmpty()) {
            return;
        }
        for (LagWatch w : distinct(ws)) {
            if (due.contains(w.eventKey())) {
                emit(w, now, false);
            }
        }
    }

    /** The topics each watch of a known group reads now. */
    synchronized Map<LagWatch, Set<String>> topicsOf(List<LagWatch> ws) {
        Map<LagWatch, Set<String>> out = new LinkedHashMap<>();
        for (LagWatch w : distinct(ws)) {
            if (book.seeded(w.consumerGroup())) {
                out.put(w, OffsetsPoll.topics(w, book.committed(w.consumerGroup())));
            }
        }
        return out;
    }

    /** Forgets the topics not read; returns those whose partitions are unknown or older than 30 s. */
    synchronized List<String> stale(Set<String> topics, long now) {
        partitions.keySet().retainAll(topics);
        describedAt.keySet().retainAll(topics);
        List<String> out = new ArrayList<>();
        for (String t : topics) {
            Long at = describedAt.get(t);
            if (at == null || !partitions.containsKey(t) || now - at >= TOPIC_CACHE_MILLIS || now < at) {
                out.add(t);
            }
        }
        return out;
    }

    synchronized void described(LagAdmin.Described d, long now) {
        d.partitions().forEach((t, ids) -> {
            partitions.put(t, ids);
            describedAt.put(t, now);
        });
        d.unknown().forEach(partitions::remove);
    }

    synchronized Map<String, List<Integer>> partitions() {
        return new HashMap<>(partitions);
    }

    /** A poll's end offsets: an event for every metric (or its outcome counted). */
    synchronized void polled(
            List<LagWatch> ws, Map<String, Map<Integer, Long>> endOffsets, Set<String> tooMany, long now) {
        ends = endOffsets;
        endsAt = now;
        overLimit = tooMany;
        for (LagWatch w : distinct(ws)) {
            emit(w, now, true);
        }
    }

    /** Sends {@code w}'s event, or counts why not (a poll's outcome is always counted; a commit's only when sent). */
    private void emit(LagWatch w, long now, boolean poll) {
        pacer.sent(w.eventKey(), now);
        String g = w.consumerGroup();
        if (!book.seeded(g) || endsAt == 0) {
            if (poll) {
                outcomes.count(LagResult.not_seeded, 1); // being read; a failure to read it is logged where it fails
            }
            return;
        }
        if (book.overflowed(g) || overLimit.contains(w.eventKey())) {
            if (poll) {
                outcomes.failed(
                        LagResult.over_limit,
                        cluster + " " + w.eventKey(),
                        w.describe() + " on " + cluster
                                + ": nothing sent, more partitions than trimtab.ingest.kafka-lag.max-partitions (or more than "
                                + ClusterLagReader.MAX_TOPICS_PER_EVENT + " topics)");
            }
            return;
        }
        OffsetsPoll.Outcome out = OffsetsPoll.of(w, book.committed(g), partitions, ends);
        if (out.poll() == null) {
            if (poll) {
                outcomes.failed(
                        out.problem() == OffsetsPoll.Problem.unknown_topic
                                ? LagResult.unknown_topic
                                : LagResult.no_end_offset,
                        cluster + " " + w.eventKey(),
                        w.describe() + " on " + cluster + ": nothing sent, " + out.detail());
            }
            return;
        }
        sender.offer(
                w.eventKey(),
                w.workloadKey(),
                KafkaOffsetsEvents.event(
                        LagOutcomes.RECEIVER + "-" + UUID.randomUUID(),
                        out.poll(),
                        w.subject(),
                        w.workloadKey(),
                        Instant.ofEpochMilli(now)));
    }

    private void commitSeen(String group, List<LagWatch> ws) {
        for (LagWatch w : ws) {
            if (w.consumerGroup().equals(group)) {
                pacer.commitSeen(w.eventKey());
            }
        }
    }

    static Set<String> groups(List<LagWatch> ws) {
        Set<String> out = new LinkedHashSet<>();
        ws.forEach(w -> out.add(w.consumerGroup()));
        return out;
    }

    /** One watch per event key (two metrics of a policy reading the same lag share their events). */
    static List<LagWatch> distinct(List<LagWatch> ws) {
        Map<String, LagWatch> out = new LinkedHashMap<>();
        ws.forEach(w -> out.putIfAbsent(w.eventKey(), w));
        return new ArrayList<>(out.values());
    }
}

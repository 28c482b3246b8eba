package dev.trimtab.ingest.core;

import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The committed offsets of the watched consumer groups of one Kafka cluster, as the group
 * coordinator's log says them (docs/decisions/0034): seeded from the Admin API
 * ({@code listConsumerGroupOffsets}), then kept by each {@code __consumer_offsets} record read.
 * Only watched groups are kept; a group is {@linkplain #seeded seeded} once its offsets were read
 * whole, and only then is it known which partitions have no committed offset. At most
 * {@code maxPartitions} partitions per group are kept: a group past it is {@linkplain #overflowed}
 * (its events are not sent) until it is seeded again within the bound. Not thread-safe.
 */
public final class LagBook {
    private final int maxPartitions;
    /** group → topic → partition → committed offset. */
    private final Map<String, Map<String, TreeMap<Integer, Long>>> committed = new HashMap<>();

    private final Map<String, Integer> sizes = new HashMap<>();
    private final Set<String> seeded = new HashSet<>();
    private final Set<String> overflowed = new HashSet<>();

    public LagBook(int maxPartitions) {
        if (maxPartitions < 1) {
            throw new IllegalArgumentException("maxPartitions: " + maxPartitions + ", must be at least 1");
        }
        this.maxPartitions = maxPartitions;
    }

    /** Watches exactly {@code groups}, forgetting the others; returns those newly watched (to be seeded). */
    public Set<String> watch(Set<String> groups) {
        committed.keySet().retainAll(groups);
        sizes.keySet().retainAll(groups);
        seeded.retainAll(groups);
        overflowed.retainAll(groups);
        Set<String> added = new LinkedHashSet<>();
        for (String g : groups) {
            if (!committed.containsKey(g)) {
                committed.put(g, new TreeMap<>());
                sizes.put(g, 0);
                added.add(g);
            }
        }
        return added;
    }

    /** The watched groups whose offsets are not known whole. */
    public Set<String> unseeded() {
        Set<String> out = new LinkedHashSet<>(committed.keySet());
        out.removeAll(seeded);
        return out;
    }

    public boolean seeded(String group) {
        return seeded.contains(group);
    }

    public boolean overflowed(String group) {
        return overflowed.contains(group);
    }

    /**
     * Replaces a watched group's offsets by what the Admin API answered (topic → partition →
     * offset; negative offsets mean none). Ignored for a group not watched.
     */
    public void seed(String group, Map<String, Map<Integer, Long>> offsets) {
        if (!committed.containsKey(group)) {
            return;
        }
        Map<String, TreeMap<Integer, Long>> topics = new TreeMap<>();
        committed.put(group, topics);
        sizes.put(group, 0);
        overflowed.remove(group);
        offsets.forEach((topic, partitions) -> partitions.forEach((p, o) -> put(group, topic, p, o)));
        seeded.add(group);
    }

    /** Forgets that {@code group} is known whole (a record of it could not be read): seed it again. */
    public void unseed(String group) {
        seeded.remove(group);
    }

    /** After the log could not be read (a connection lost): every group is seeded again. */
    public void unseedAll() {
        seeded.clear();
    }

    /**
     * Applies one {@code __consumer_offsets} record; returns the group whose committed offsets
     * changed, or null (not an offset, a group not watched, or the same offset again).
     */
    public String apply(ConsumerOffsetsDecoder.Entry entry) {
        if (entry instanceof ConsumerOffsetsDecoder.Commit c && committed.containsKey(c.group())) {
            return put(c.group(), c.topic(), c.partition(), c.offset()) ? c.group() : null;
        }
        if (entry instanceof ConsumerOffsetsDecoder.Deletion d && committed.containsKey(d.group())) {
            return remove(d.group(), d.topic(), d.partition()) ? d.group() : null;
        }
        return null;
    }

    /** A watched group's committed offsets, topic → partition → offset (a copy, in order). */
    public Map<String, Map<Integer, Long>> committed(String group) {
        Map<String, TreeMap<Integer, Long>> topics = committed.get(group);
        if (topics == null) {
            return Map.of();
        }
        Map<String, Map<Integer, Long>> out = new TreeMap<>();
        topics.forEach((t, ps) -> out.put(t, Collections.unmodifiableMap(new TreeMap<>(ps))));
        return out;
    }

    private boolean put(String group, String topic, int partition, long offset) {
        if (offset < 0) {
            return remove(group, topic, partition);
        }
        Map<String, TreeMap<Integer, Long>> topics = committed.get(group);
        TreeMap<Integer, Long> ps = topics.get(topic);
        if (ps == null || !ps.containsKey(partition)) {
            if (sizes.get(group) >= maxPartitions) {
                overflowed.add(group);
                return false;
            }
            sizes.merge(group, 1, Integer::sum);
            ps = topics.computeIfAbsent(topic, t -> new TreeMap<>());
        }
        Long was = ps.put(partition, offset);
        return was == null || was != offset;
    }

    private boolean remove(String group, String topic, int partition) {
        Map<String, TreeMap<Integer, Long>> topics = committed.get(group);
        TreeMap<Integer, Long> ps = topics.get(topic);
        if (ps == null || ps.remove(partition) == null) {
            return false;
        }
        sizes.merge(group, -1, Integer::sum);
        if (ps.isEmpty()) {
            topics.remove(topic);
        }
        return true;
    }
}

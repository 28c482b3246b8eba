package dev.trimtab.ingest.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * When the Kafka-lag source sends an event for a watch (docs/decisions/0034): at every poll of the
 * end offsets (each {@code interval}), and in between as soon as a commit of the watch's group is
 * read, but then at most once per {@code minGapMillis} per watch: a group committing a hundred
 * times a second gives ten events a second, each with its latest offsets. Time is passed in.
 * Not thread-safe.
 */
public final class EmitPacer {
    private final long minGapMillis;
    private final Map<String, Long> lastSent = new HashMap<>();
    private final Set<String> pending = new HashSet<>();

    public EmitPacer(long minGapMillis) {
        if (minGapMillis < 0) {
            throw new IllegalArgumentException("minGapMillis: " + minGapMillis + ", must not be negative");
        }
        this.minGapMillis = minGapMillis;
    }

    /** A commit for {@code key}'s group was read: an event is due within the gap. */
    public void commitSeen(String key) {
        pending.add(key);
    }

    /** An event for {@code key} was made (a poll's, or a due one): the gap starts again. */
    public void sent(String key, long nowMillis) {
        lastSent.put(key, nowMillis);
        pending.remove(key);
    }

    /** The keys with a commit to send whose gap has passed (or whose clock went back), in no order. */
    public List<String> due(long nowMillis) {
        List<String> out = new ArrayList<>();
        for (String key : pending) {
            Long last = lastSent.get(key);
            if (last == null || nowMillis < last || nowMillis - last >= minGapMillis) {
                out.add(key);
            }
        }
        return out;
    }

    /** Milliseconds until the next key is due (0: now), or -1 when none is pending. */
    public long untilNext(long nowMillis) {
        long best = -1;
        for (String key : pending) {
            Long last = lastSent.get(key);
            long wait = last == null || nowMillis < last ? 0 : Math.max(0, last + minGapMillis - nowMillis);
            best = best < 0 ? wait : Math.min(best, wait);
        }
        return best;
    }

    /** Forgets the keys not listed (watches gone). */
    public void retain(Set<String> keys) {
        lastSent.keySet().retainAll(keys);
        pending.retainAll(keys);
    }
}

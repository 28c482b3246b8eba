package dev.trimtab.autoscaler.live;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps Kubernetes Events few, as client-go's EventCorrelator does for the kubelet and the HPA:
 * <ul>
 *   <li>an Event identical to one recorded within {@link #WINDOW_MILLIS} (same object, type,
 *       reason, message) is not created again: the existing one's {@code count} goes up and its
 *       {@code lastTimestamp} moves (client-go's eventLogger);</li>
 *   <li>after {@link #MAX_SIMILAR} different messages for one object, type and reason within the
 *       window, the next ones share one Event whose message starts
 *       {@code (combined from similar events): } (client-go's EventAggregator);</li>
 *   <li>a counted Event is written again at most every {@link #MIN_UPDATE_MILLIS}: occurrences in
 *       between only raise the count in memory, and {@link #due} hands out the counts still
 *       unwritten.</li>
 * </ul>
 * At most {@link #MAX_KEYS} Events are remembered (least recently seen forgotten first). Time is
 * passed in; not thread-safe (the caller holds its lock). No Kubernetes types: what to write is
 * returned as a value.
 */
final class EventAggregator {
    static final long WINDOW_MILLIS = 10 * 60_000L;
    static final long MIN_UPDATE_MILLIS = 30_000L;
    static final int MAX_SIMILAR = 10;
    static final int MAX_KEYS = 4096;
    static final String COMBINED = "(combined from similar events): ";

    /** What an Event is about: the object's identity, the Event's type and reason. */
    record Subject(String object, String type, String reason) {}

    /** What to write. {@code name} is null for a new Event (the caller names it and calls {@link #created}). */
    record Write(Subject subject, String message, int count, long firstMillis, long lastMillis, String name) {
        boolean create() {
            return name == null;
        }
    }

    private record Key(Subject subject, String message) {}

    private static final class Seen {
        String name;
        String message;
        int count;
        int written;
        long first;
        long last;
        long writtenAt;
    }

    private final Map<Key, Seen> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Seen> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private final Map<Subject, Set<String>> similar = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Subject, Set<String>> eldest) {
            return size() > MAX_KEYS;
        }
    };
    private final Map<Subject, Long> similarSince = new HashMap<>();

    /**
     * One occurrence at {@code now}. Returns a new Event to create, a count to write, or null
     * when the write waits (the count is kept for {@link #due}).
     */
    Write offer(Subject subject, String message, long now) {
        Long since = similarSince.get(subject);
        if (since == null || now - since > WINDOW_MILLIS) {
            similarSince.put(subject, now);
            similar.put(subject, new LinkedHashSet<>());
        }
        Set<String> messages = similar.computeIfAbsent(subject, s -> new LinkedHashSet<>());
        boolean combined = !messages.contains(message) && messages.size() >= MAX_SIMILAR - 1;
        if (!combined) {
            messages.add(message);
        }
        Key key = new Key(subject, combined ? null : message);
        String shown = combined ? COMBINED + message : message;
        Seen s = seen.get(key);
        if (s == null || now - s.last > WINDOW_MILLIS || s.name == null && now - s.writtenAt > MIN_UPDATE_MILLIS) {
            s = new Seen();
            s.first = now;
            s.last = now;
            s.count = 1;
            s.message = shown;
            s.writtenAt = now;
            seen.put(key, s);
            return new Write(subject, shown, 1, now, now, null);
        }
        s.count++;
        s.last = now;
        s.message = shown;
        if (s.name == null || now - s.writtenAt < MIN_UPDATE_MILLIS) {
            return null;
        }
        return written(s, subject, now);
    }

    /** The Event created for {@code w} is called {@code name}: later counts update it. */
    void created(Write w, String name) {
        for (Map.Entry<Key, Seen> e : seen.entrySet()) {
            Seen s = e.getValue();
            if (e.getKey().subject().equals(w.subject()) && s.name == null && s.first == w.firstMillis()) {
                s.name = name;
                s.written = w.count();
                return;
            }
        }
    }

    /** The Event written for {@code w} is gone (expired, deleted): the next occurrence creates one. */
    void lost(Write w) {
        seen.values().removeIf(s -> w.name() != null && w.name().equals(s.name));
    }

    /** Counts not yet written whose last write is at least {@link #MIN_UPDATE_MILLIS} old. */
    List<Write> due(long now) {
        List<Write> out = new ArrayList<>();
        for (Map.Entry<Key, Seen> e : new ArrayList<>(seen.entrySet())) {
            Seen s = e.getValue();
            if (s.name != null && s.count > s.written && now - s.writtenAt >= MIN_UPDATE_MILLIS) {
                out.add(written(s, e.getKey().subject(), now));
            }
        }
        return out;
    }

    /** Forgets everything about {@code object} (deleted: a new object of the name starts afresh). */
    void forget(String object) {
        seen.keySet().removeIf(k -> k.subject().object().equals(object));
        similar.keySet().removeIf(s -> s.object().equals(object));
        similarSince.keySet().removeIf(s -> s.object().equals(object));
    }

    private static Write written(Seen s, Subject subject, long now) {
        s.written = s.count;
        s.writtenAt = now;
        return new Write(subject, s.message, s.count, s.first, s.last, s.name);
    }
}

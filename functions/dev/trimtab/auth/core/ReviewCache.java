package dev.trimtab.auth.core;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Review answers kept until they expire, at most {@code maxEntries} (the least recently used goes
 * first). Time is an argument: the caller's clock decides. Thread-safe.
 */
public final class ReviewCache<K, V> {
    private record Entry<V>(V value, Instant expires) {}

    private final int maxEntries;
    private final LinkedHashMap<K, Entry<V>> entries;

    public ReviewCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries: " + maxEntries + ", must be at least 0");
        }
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > ReviewCache.this.maxEntries;
            }
        };
    }

    /** The value stored for {@code key} if it has not expired at {@code now}, else null. */
    public synchronized V get(K key, Instant now) {
        Entry<V> e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (!now.isBefore(e.expires())) {
            entries.remove(key);
            return null;
        }
        return e.value();
    }

    /** Keeps {@code value} until {@code expires} (nothing is kept when that is not after {@code now}). */
    public synchronized void put(K key, V value, Instant now, Instant expires) {
        if (maxEntries == 0 || !expires.isAfter(now)) {
            return;
        }
        entries.put(key, new Entry<>(value, expires));
    }

    public synchronized int size() {
        return entries.size();
    }

    public synchronized void clear() {
        entries.clear();
    }
}

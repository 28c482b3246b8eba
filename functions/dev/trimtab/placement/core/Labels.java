package dev.trimtab.placement.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * An immutable label map kept as two sorted arrays of (interned) strings: about 40 bytes plus the
 * arrays, against ~50 bytes an entry for a {@code HashMap}. Lookups are binary searches; nodes and
 * pods carry a handful of labels, so this is as fast as hashing and much smaller.
 */
public final class Labels extends AbstractMap<String, String> {
    public static final Labels EMPTY = new Labels(new String[0], new String[0]);

    private final String[] keys;
    private final String[] values;
    private final int hash;

    private Labels(String[] keys, String[] values) {
        this.keys = keys;
        this.values = values;
        this.hash = 31 * Arrays.hashCode(keys) + Arrays.hashCode(values);
    }

    public static Labels of(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return EMPTY;
        }
        if (map instanceof Labels l) {
            return l;
        }
        TreeMap<String, String> sorted = new TreeMap<>(map);
        String[] k = new String[sorted.size()];
        String[] v = new String[sorted.size()];
        int i = 0;
        for (Map.Entry<String, String> e : sorted.entrySet()) {
            k[i] = e.getKey().intern();
            v[i] = e.getValue().intern();
            i++;
        }
        return new Labels(k, v);
    }

    @Override
    public String get(Object key) {
        int i = indexOf(key);
        return i >= 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    /** Keys are interned, and so are the keys plugins look up: try identity first, then search. */
    private int indexOf(Object key) {
        String[] k = keys;
        for (int i = 0; i < k.length; i++) {
            if (k[i] == key) {
                return i;
            }
        }
        return key instanceof String s ? Arrays.binarySearch(k, s) : -1;
    }

    @Override
    public int size() {
        return keys.length;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, String>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return i < keys.length;
                    }

                    @Override
                    public Entry<String, String> next() {
                        if (i >= keys.length) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, String> e = new SimpleImmutableEntry<>(keys[i], values[i]);
                        i++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return keys.length;
            }
        };
    }

    String keyAt(int i) {
        return keys[i];
    }

    String valueAt(int i) {
        return values[i];
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        if (o instanceof Labels l) {
            return hash == l.hash && Arrays.equals(keys, l.keys) && Arrays.equals(values, l.values);
        }
        return super.equals(o);
    }
}

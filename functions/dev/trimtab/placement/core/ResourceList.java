package dev.trimtab.placement.core;

import dev.trimtab.kube.Quantity;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resource amounts in the scheduler's units: cpu in milli-cores, everything else in whole units
 * (bytes for memory and ephemeral-storage, counts for pods and extended resources), each rounded up
 * like {@code Quantity.Value()}. Scalar resources (extended {@code vendor/name}, {@code hugepages-*},
 * {@code attachable-volumes-*}, prefixed native {@code *kubernetes.io/*}) are kept in two sorted arrays; other names are ignored, as upstream.
 */
public final class ResourceList {
    public static final String CPU = "cpu";
    public static final String MEMORY = "memory";
    public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
    public static final String PODS = "pods";
    static final String[] NO_NAMES = new String[0];
    static final long[] NO_VALUES = new long[0];
    public static final ResourceList EMPTY = new ResourceList(0, 0, 0, 0, NO_NAMES, NO_VALUES);

    public final long milliCpu;
    public final long memory;
    public final long ephemeralStorage;
    public final long pods;
    final String[] scalarNames;
    final long[] scalarValues;

    ResourceList(
            long milliCpu, long memory, long ephemeralStorage, long pods, String[] scalarNames, long[] scalarValues) {
        this.milliCpu = milliCpu;
        this.memory = memory;
        this.ephemeralStorage = ephemeralStorage;
        this.pods = pods;
        this.scalarNames = scalarNames;
        this.scalarValues = scalarValues;
    }

    /** Parses a {@code requests}/{@code allocatable} map; problems name {@code path}. */
    static ResourceList parse(Fields f, Map<String, Object> parent, String key, String path) {
        Map<String, Object> m = f.map(parent, key, path);
        if (m == null || m.isEmpty()) {
            return EMPTY;
        }
        Builder b = new Builder();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String name = e.getKey();
            long milli;
            try {
                milli = Quantity.parseMilli(e.getValue());
            } catch (IllegalArgumentException bad) {
                throw f.error(path + "." + name, e.getValue(), "a quantity");
            }
            if (milli < 0) {
                throw f.error(path + "." + name, e.getValue(), "a non-negative quantity");
            }
            b.set(name, CPU.equals(name) ? milli : ceilDiv(milli, 1000));
        }
        return b.build();
    }

    static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /**
     * Whether upstream's {@code IsScalarResourceName} holds: extended, hugepages, attachable volumes
     * or a prefixed native resource (a name containing {@code kubernetes.io/}).
     */
    static boolean isScalar(String name) {
        if (name.startsWith("hugepages-")
                || name.startsWith("attachable-volumes-")
                || name.contains("kubernetes.io/")) {
            return true;
        }
        return isExtended(name);
    }

    /** Extended: has a domain prefix that is not {@code kubernetes.io} and is not a {@code requests.} quota name. */
    static boolean isExtended(String name) {
        int slash = name.indexOf('/');
        if (slash < 0 || name.startsWith("requests.")) {
            return false;
        }
        String domain = name.substring(0, slash);
        return !(domain.equals("kubernetes.io") || domain.endsWith(".kubernetes.io"));
    }

    public long get(String name) {
        return switch (name) {
            case CPU -> milliCpu;
            case MEMORY -> memory;
            case EPHEMERAL_STORAGE -> ephemeralStorage;
            case PODS -> pods;
            default -> scalar(name);
        };
    }

    public long scalar(String name) {
        int i = Arrays.binarySearch(scalarNames, name);
        return i >= 0 ? scalarValues[i] : 0;
    }

    /** Whether the list names {@code name} at all (an extended resource the node does not offer is absent). */
    boolean hasScalar(String name) {
        return Arrays.binarySearch(scalarNames, name) >= 0;
    }

    boolean isZero() {
        if (milliCpu != 0 || memory != 0 || ephemeralStorage != 0) {
            return false;
        }
        for (long v : scalarValues) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResourceList r
                && r.milliCpu == milliCpu
                && r.memory == memory
                && r.ephemeralStorage == ephemeralStorage
                && r.pods == pods
                && Arrays.equals(r.scalarNames, scalarNames)
                && Arrays.equals(r.scalarValues, scalarValues);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(milliCpu * 31 + memory) ^ Arrays.hashCode(scalarNames) ^ Arrays.hashCode(scalarValues);
    }

    @Override
    public String toString() {
        StringBuilder sb =
                new StringBuilder("{cpu=").append(milliCpu).append("m, memory=").append(memory);
        if (ephemeralStorage != 0) {
            sb.append(", ephemeral-storage=").append(ephemeralStorage);
        }
        if (pods != 0) {
            sb.append(", pods=").append(pods);
        }
        for (int i = 0; i < scalarNames.length; i++) {
            sb.append(", ").append(scalarNames[i]).append('=').append(scalarValues[i]);
        }
        return sb.append('}').toString();
    }

    /** Accumulates amounts with upstream's {@code addResourceList} / {@code maxResourceList} semantics. */
    static final class Builder {
        long milliCpu;
        long memory;
        long ephemeralStorage;
        long pods;
        final TreeMap<String, Long> scalars = new TreeMap<>();

        Builder() {}

        Builder(ResourceList r) {
            add(r);
        }

        void set(String name, long v) {
            switch (name) {
                case CPU -> milliCpu = v;
                case MEMORY -> memory = v;
                case EPHEMERAL_STORAGE -> ephemeralStorage = v;
                case PODS -> pods = v;
                default -> {
                    if (isScalar(name)) {
                        scalars.put(name.intern(), v);
                    }
                }
            }
        }

        Builder add(ResourceList r) {
            milliCpu += r.milliCpu;
            memory += r.memory;
            ephemeralStorage += r.ephemeralStorage;
            pods += r.pods;
            for (int i = 0; i < r.scalarNames.length; i++) {
                scalars.merge(r.scalarNames[i], r.scalarValues[i], Long::sum);
            }
            return this;
        }

        Builder max(ResourceList r) {
            milliCpu = Math.max(milliCpu, r.milliCpu);
            memory = Math.max(memory, r.memory);
            ephemeralStorage = Math.max(ephemeralStorage, r.ephemeralStorage);
            pods = Math.max(pods, r.pods);
            for (int i = 0; i < r.scalarNames.length; i++) {
                scalars.merge(r.scalarNames[i], r.scalarValues[i], Math::max);
            }
            return this;
        }

        ResourceList build() {
            if (milliCpu == 0 && memory == 0 && ephemeralStorage == 0 && pods == 0 && scalars.isEmpty()) {
                return EMPTY;
            }
            String[] names = scalars.isEmpty() ? NO_NAMES : scalars.keySet().toArray(NO_NAMES);
            long[] values = scalars.isEmpty()
                    ? NO_VALUES
                    : scalars.values().stream().mapToLong(Long::longValue).toArray();
            return new ResourceList(milliCpu, memory, ephemeralStorage, pods, names, values);
        }
    }
}

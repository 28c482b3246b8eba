package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The metadata of a {@code type: Kafka} metric: KEDA's Kafka scaler trigger (kedacore/keda
 * {@code pkg/scalers/kafka_scaler.go} at 8b4f083), validated and defaulted by the ScalingPolicy
 * parser. Pure data; {@link KafkaLagCalculator} does the arithmetic.
 *
 * @param bootstrapServers the cluster, as a set of {@code host:port} (trimmed, host lower-cased): an
 *                         offsets event names the same cluster when its list is the same set
 * @param consumerGroup    the group whose lag is measured
 * @param topic            the topic, or null for every topic of the offsets event (KEDA: every
 *                         topic the group has committed offsets for)
 * @param lagThreshold     the lag one replica handles: the AverageValue target (default 10, > 0)
 * @param activationLagThreshold with minReplicas 0, active while the total lag (persistent lag
 *                         included) is strictly above this (default 0, >= 0)
 * @param partitionLimitation the partition ids counted, or null for all (only with a topic, as KEDA)
 */
public record KafkaLag(
        Set<String> bootstrapServers,
        String consumerGroup,
        String topic,
        long lagThreshold,
        long activationLagThreshold,
        OffsetResetPolicy offsetResetPolicy,
        boolean allowIdleConsumers,
        boolean limitToPartitionsWithLag,
        boolean ensureEvenDistributionOfPartitions,
        boolean excludePersistentLag,
        boolean scaleToZeroOnInvalidOffset,
        PartitionLimitation partitionLimitation,
        int pollingIntervalSeconds) {

    public static final long DEFAULT_LAG_THRESHOLD = 10;
    /**
     * KEDA's default {@code pollingInterval} (a ScaledObject field, here the metric's): the span
     * over which {@code excludePersistentLag} compares committed offsets.
     */
    public static final int DEFAULT_POLLING_INTERVAL_SECONDS = 30;

    public static final long DEFAULT_ACTIVATION_LAG_THRESHOLD = 0;
    /** The largest threshold whose milli-units fit a long (values are carried in milli-units). */
    public static final long MAX_THRESHOLD = Long.MAX_VALUE / 1000;

    /** KEDA's {@code offsetResetPolicy}: how a partition without a committed offset counts. */
    public enum OffsetResetPolicy {
        /** Lag 1 (0 with scaleToZeroOnInvalidOffset): the group would start at the end. */
        latest,
        /** Lag = the end offset (0 with scaleToZeroOnInvalidOffset): the group would read it all. */
        earliest
    }

    /** The metadata with KEDA's default {@code pollingInterval}. */
    public KafkaLag(
            Set<String> bootstrapServers,
            String consumerGroup,
            String topic,
            long lagThreshold,
            long activationLagThreshold,
            OffsetResetPolicy offsetResetPolicy,
            boolean allowIdleConsumers,
            boolean limitToPartitionsWithLag,
            boolean ensureEvenDistributionOfPartitions,
            boolean excludePersistentLag,
            boolean scaleToZeroOnInvalidOffset,
            PartitionLimitation partitionLimitation) {
        this(
                bootstrapServers,
                consumerGroup,
                topic,
                lagThreshold,
                activationLagThreshold,
                offsetResetPolicy,
                allowIdleConsumers,
                limitToPartitionsWithLag,
                ensureEvenDistributionOfPartitions,
                excludePersistentLag,
                scaleToZeroOnInvalidOffset,
                partitionLimitation,
                DEFAULT_POLLING_INTERVAL_SECONDS);
    }

    public KafkaLag {
        bootstrapServers = Collections.unmodifiableSet(new TreeSet<>(bootstrapServers));
        if (topic != null && topic.isEmpty()) {
            topic = null;
        }
        if (topic == null) {
            partitionLimitation = null; // KEDA: the limitation applies to a named topic only
        }
    }

    /** The metadata with every default: a topic or null, nothing else set. */
    public static KafkaLag of(String bootstrapServers, String consumerGroup, String topic) {
        return new KafkaLag(
                servers(bootstrapServers),
                consumerGroup,
                topic,
                DEFAULT_LAG_THRESHOLD,
                DEFAULT_ACTIVATION_LAG_THRESHOLD,
                OffsetResetPolicy.latest,
                false,
                false,
                false,
                false,
                false,
                null);
    }

    /**
     * A comma-separated list of {@code host:port} as a set to compare clusters by: each element
     * trimmed, the host part lower-cased (DNS names are case-insensitive), empty elements dropped.
     */
    public static Set<String> servers(String list) {
        Set<String> out = new TreeSet<>();
        for (String s : list.split(",", -1)) {
            String t = s.trim();
            if (!t.isEmpty()) {
                int colon = t.lastIndexOf(':');
                out.add(
                        colon < 0
                                ? t.toLowerCase(Locale.ROOT)
                                : t.substring(0, colon).toLowerCase(Locale.ROOT) + t.substring(colon));
            }
        }
        return out;
    }

    /** Whether an offsets event's {@code bootstrapServers} names this metric's cluster. */
    public boolean sameCluster(String eventServers) {
        return bootstrapServers.equals(servers(eventServers));
    }

    /** The bootstrap servers as KEDA's metadata writes them: comma-separated. */
    public String bootstrapServersText() {
        return String.join(",", bootstrapServers);
    }

    /**
     * KEDA's metric name: {@code s<index>-kafka-<topic>}, or {@code s<index>-kafka-<group>-topics}
     * without a topic, with '/', '.', ':', '%', '(' and ')' turned into '-' (KEDA's NormalizeString).
     */
    public String metricName(int index) {
        String name = topic != null ? "kafka-" + topic : "kafka-" + consumerGroup + "-topics";
        return "s" + index + "-" + normalize(name);
    }

    static String normalize(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c == '/' || c == '.' || c == ':' || c == '%' || c == '(' || c == ')' ? '-' : c);
        }
        return sb.toString();
    }

    /** Whether partition {@code id} of the named topic counts (KEDA's isActivePartition). */
    public boolean counts(int id) {
        return partitionLimitation == null || partitionLimitation.contains(id);
    }

    /**
     * KEDA's {@code partitionLimitation}, {@code "1,2,10-20"}: ids and inclusive ranges, kept as
     * ranges (a range such as {@code 0-2147483647} costs nothing).
     */
    public record PartitionLimitation(List<Range> ranges) {
        /** The most elements (ids or ranges) a limitation may list. */
        public static final int MAX_ELEMENTS = 1000;

        public record Range(int from, int to) {}

        public PartitionLimitation {
            ranges = List.copyOf(ranges);
        }

        public boolean contains(int id) {
            for (Range r : ranges) {
                if (id >= r.from && id <= r.to) {
                    return true;
                }
            }
            return false;
        }

        /** The ids in ascending order, without duplicates; at most {@code max} (for tests and messages). */
        public List<Integer> ids(int max) {
            TreeSet<Integer> out = new TreeSet<>();
            for (Range r : ranges) {
                for (long i = r.from; i <= r.to && out.size() < max; i++) {
                    out.add((int) i);
                }
            }
            return new ArrayList<>(out);
        }

        /**
         * Parses KEDA's format: elements separated by ',', each trimmed, an element with a '-' is a
         * range {@code a-b} of two trimmed decimal int32, any other a single id. Blank text means no
         * limitation (null). Deviations, each refused where KEDA accepts: a negative id (KEDA cannot
         * write one either), a range whose end is below its start (KEDA counts no partition of it,
         * so every poll fails), more than {@value #MAX_ELEMENTS} elements.
         *
         * @throws IllegalArgumentException with KEDA's message, naming the element
         */
        public static PartitionLimitation parse(String text) {
            if (text == null || text.isBlank()) {
                return null;
            }
            String[] elements = text.split(",", -1);
            if (elements.length > MAX_ELEMENTS) {
                throw new IllegalArgumentException("at most " + MAX_ELEMENTS + " ids or ranges are accepted");
            }
            List<Range> out = new ArrayList<>();
            for (String e : elements) {
                String part = e.trim();
                if (part.contains("-")) {
                    String[] bounds = part.split("-", -1);
                    if (bounds.length != 2) {
                        throw new IllegalArgumentException("invalid partition limitation range: " + part);
                    }
                    int from = id(bounds[0].trim(), part);
                    int to = id(bounds[1].trim(), part);
                    if (to < from) {
                        throw new IllegalArgumentException("invalid partition limitation range: " + part
                                + " (its end is below its start: no partition would count)");
                    }
                    out.add(new Range(from, to));
                } else {
                    int id = id(part, part);
                    out.add(new Range(id, id));
                }
            }
            return new PartitionLimitation(out);
        }

        private static int id(String s, String part) {
            try {
                int v = Integer.parseInt(s);
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid partition limitation: " + part);
            }
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            for (Range r : ranges) {
                sb.append(sb.isEmpty() ? "" : ",")
                        .append(r.from == r.to ? String.valueOf(r.from) : r.from + "-" + r.to);
            }
            return sb.toString();
        }
    }
}

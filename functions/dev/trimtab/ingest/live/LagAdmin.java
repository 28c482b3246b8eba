package dev.trimtab.ingest.live;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The Admin API requests of the Kafka-lag source on one cluster, each bounded by
 * {@code request-timeout}; every answer says what failed, per topic, partition or group, so that one
 * bad topic or group does not hide the others.
 */
final class LagAdmin implements AutoCloseable {
    private final Admin admin;
    private final long timeoutMillis;
    private final Clock clock;

    /** Topic partitions (topic → sorted partition numbers), topics that do not exist, and failures by topic. */
    record Described(Map<String, List<Integer>> partitions, Set<String> unknown, Map<String, String> failed) {}

    /** End offsets (topic → partition → offset) and the first failure, or null. */
    record Ends(Map<String, Map<Integer, Long>> offsets, String failure) {}

    /** Committed offsets by group (topic → partition → offset), and failures by group. */
    record Committed(Map<String, Map<String, Map<Integer, Long>>> offsets, Map<String, String> failed) {}

    LagAdmin(Map<String, Object> config, Duration timeout, Clock clock) {
        this.admin = Admin.create(config);
        this.timeoutMillis = timeout.toMillis();
        this.clock = clock;
    }

    Described describe(Collection<String> topics) throws InterruptedException {
        Map<String, List<Integer>> partitions = new HashMap<>();
        Set<String> unknown = new LinkedHashSet<>();
        Map<String, String> failed = new LinkedHashMap<>();
        long deadline = clock.millis() + timeoutMillis;
        Map<String, KafkaFuture<TopicDescription>> futures =
                admin.describeTopics(topics).topicNameValues();
        for (String t : topics) {
            KafkaFuture<TopicDescription> f = futures.get(t);
            if (f == null) {
                continue;
            }
            try {
                TopicDescription d = f.get(left(deadline), TimeUnit.MILLISECONDS);
                partitions.put(
                        t,
                        d.partitions().stream()
                                .map(TopicPartitionInfo::partition)
                                .sorted()
                                .toList());
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    unknown.add(t);
                } else {
                    failed.put(t, describe(e));
                }
            } catch (TimeoutException e) {
                failed.put(t, "no answer within " + timeoutMillis + " ms");
            }
        }
        return new Described(partitions, unknown, failed);
    }

    /** The latest offsets (high watermarks, as KEDA reads them); a partition that failed is absent. */
    Ends endOffsets(Collection<TopicPartition> partitions) throws InterruptedException {
        Map<String, Map<Integer, Long>> out = new HashMap<>();
        if (partitions.isEmpty()) {
            return new Ends(out, null);
        }
        Map<TopicPartition, OffsetSpec> wanted = new LinkedHashMap<>();
        partitions.forEach(tp -> wanted.put(tp, OffsetSpec.latest()));
        long deadline = clock.millis() + timeoutMillis;
        ListOffsetsResult result = admin.listOffsets(wanted, new ListOffsetsOptions().timeoutMs((int) timeoutMillis));
        String failure = null;
        for (TopicPartition tp : wanted.keySet()) {
            try {
                long offset = result.partitionResult(tp)
                        .get(left(deadline), TimeUnit.MILLISECONDS)
                        .offset();
                out.computeIfAbsent(tp.topic(), t -> new HashMap<>()).put(tp.partition(), offset);
            } catch (ExecutionException | TimeoutException e) {
                if (failure == null) {
                    failure = tp + ": " + describe(e);
                }
            }
        }
        return new Ends(out, failure);
    }

    /** Each group's committed offsets, whole ({@code OffsetFetch} of every partition). */
    Committed committed(Set<String> groups) throws InterruptedException {
        Map<String, ListConsumerGroupOffsetsSpec> specs = new LinkedHashMap<>();
        groups.forEach(g -> specs.put(g, new ListConsumerGroupOffsetsSpec()));
        long deadline = clock.millis() + timeoutMillis;
        ListConsumerGroupOffsetsResult result = admin.listConsumerGroupOffsets(
                specs, new ListConsumerGroupOffsetsOptions().timeoutMs((int) timeoutMillis));
        Map<String, Map<String, Map<Integer, Long>>> out = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        for (String g : groups) {
            try {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        result.partitionsToOffsetAndMetadata(g).get(left(deadline), TimeUnit.MILLISECONDS);
                Map<String, Map<Integer, Long>> byTopic = new TreeMap<>();
                offsets.forEach((tp, om) -> {
                    if (om != null) {
                        byTopic.computeIfAbsent(tp.topic(), t -> new TreeMap<>())
                                .put(tp.partition(), om.offset());
                    }
                });
                out.put(g, byTopic);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                failed.put(g, describe(e));
            }
        }
        return new Committed(out, failed);
    }

    private long left(long deadline) {
        return Math.max(1, deadline - clock.millis());
    }

    static String describe(Throwable e) {
        Throwable c = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}

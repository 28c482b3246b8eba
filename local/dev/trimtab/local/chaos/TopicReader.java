package dev.trimtab.local.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads whole topics back after a run, partition by partition, and measures a group's lag. */
final class TopicReader implements AutoCloseable {
    private final String bootstrap;
    private final Admin admin;

    TopicReader(String bootstrap) {
        this.bootstrap = bootstrap;
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(p);
    }

    /**
     * Hands every record of {@code topic}, partition after partition (each in offset order, up to
     * the end offset when the call starts), to {@code sink}; returns how many there were.
     */
    long readAll(String topic, Consumer<ConsumerRecord<String, byte[]>> sink) {
        long n = 0;
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            List<TopicPartition> parts = partitions(c, topic);
            Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
            for (TopicPartition tp : parts) {
                c.assign(List.of(tp));
                c.seekToBeginning(List.of(tp));
                long stop = end.get(tp);
                while (c.position(tp, Duration.ofSeconds(30)) < stop) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        if (r.offset() < stop) {
                            sink.accept(r);
                            n++;
                        }
                    }
                }
            }
        }
        return n;
    }

    /** The partitions of {@code topic}, in number order. */
    List<TopicPartition> partitions(String topic) {
        try (KafkaConsumer<String, byte[]> c = consumer()) {
            return partitions(c, topic);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo p : c.partitionsFor(topic, Duration.ofSeconds(30))) {
            out.add(new TopicPartition(topic, p.partition()));
        }
        out.sort(Comparator.comparingInt(TopicPartition::partition));
        return out;
    }

    /** Records of {@code topic} not yet committed by {@code group} (all of a partition it never committed). */
    long lag(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartition tp : partitions(topic)) {
            latest.put(tp, OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** Waits until {@code group} has committed every record of {@code topic}; false after {@code timeout}. */
    boolean awaitNoLag(String group, String topic, Duration timeout) throws InterruptedException {
        long until = System.currentTimeMillis() + timeout.toMillis();
        while (System.currentTimeMillis() < until) {
            try {
                if (lag(group, topic) == 0) {
                    return true;
                }
            } catch (Exception e) {
                // the broker may be on its way back: ask again
            }
            Thread.sleep(500);
        }
        return false;
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    @Override
    public void close() {
        admin.close();
    }
}

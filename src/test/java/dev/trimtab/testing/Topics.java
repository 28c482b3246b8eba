package dev.trimtab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producing to and reading back from the embedded broker's topics in tests. */
public final class Topics {
    private Topics() {}

    /**
     * Creates the topics and returns once every partition's leader serves it. A KRaft broker answers
     * {@code createTopics} before it leads the new partitions; an idempotent producer sending at
     * once got NOT_LEADER_OR_FOLLOWER and then OUT_OF_ORDER_SEQUENCE_NUMBER until its batches
     * expired (KafkaLagSourceTest, 120 s). A ListOffsets request is answered by the leader only.
     */
    public static void create(Admin admin, NewTopic... topics) throws Exception {
        admin.createTopics(List.of(topics)).all().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (NewTopic t : topics) {
            for (int p = 0; p < t.numPartitions(); p++) {
                partitions.put(new TopicPartition(t.name(), p), OffsetSpec.latest());
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20);
            }
        }
    }

    /** A producer of string keys and byte values on the embedded broker. */
    public static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /**
     * The topic's records from the beginning (a fresh consumer group), read until {@code until}
     * holds for what was read or {@code within} has passed.
     */
    public static List<ConsumerRecord<String, byte[]>> readAll(
            String topic, Duration within, Predicate<List<ConsumerRecord<String, byte[]>>> until) {
        return readAll(EmbeddedKafka.bootstrapServers(), topic, within, until);
    }

    /** {@link #readAll(String, Duration, Predicate)} from the broker at {@code bootstrap}. */
    public static List<ConsumerRecord<String, byte[]>> readAll(
            String bootstrap, String topic, Duration within, Predicate<List<ConsumerRecord<String, byte[]>>> until) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + within.toMillis();
            while (System.currentTimeMillis() < deadline && !until.test(all)) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
        }
        return all;
    }

    /**
     * The CloudEvents (structured JSON) of {@code type} on {@code topic}, read from the beginning
     * until there are {@code atLeast} of them or {@code within} has passed.
     */
    /**
     * The {@code dead-letter-reason} of each record of {@code topic} whose key starts with
     * {@code keyPrefix}, by key, once at least {@code atLeast} such records are there (records keyed
     * apart land on partitions of their own, so their order is not asserted).
     */
    public static Map<String, String> deadLetterReasons(String topic, String keyPrefix, int atLeast) {
        Predicate<ConsumerRecord<String, byte[]>> ours =
                r -> r.key() != null && r.key().startsWith(keyPrefix);
        Map<String, String> reasons = new HashMap<>();
        readAll(topic, Duration.ofSeconds(20), l -> l.stream().filter(ours).count() >= atLeast).stream()
                .filter(ours)
                .forEach(r -> reasons.put(
                        r.key(),
                        new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8)));
        return reasons;
    }

    public static List<JsonNode> cloudEvents(String topic, String type, int atLeast, Duration within) {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : readAll(
                topic,
                within,
                l -> l.stream()
                                .filter(x -> new String(x.value(), StandardCharsets.UTF_8).contains(type))
                                .count()
                        >= atLeast)) {
            try {
                JsonNode e = CloudEventCodec.JSON.readTree(r.value());
                if (e.path("type").asText().equals(type)) {
                    out.add(e);
                }
            } catch (IOException e) {
                throw new IllegalStateException("not JSON on " + topic, e);
            }
        }
        return out;
    }
}

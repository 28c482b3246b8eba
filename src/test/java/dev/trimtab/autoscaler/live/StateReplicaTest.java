package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The state topic's replica against the embedded broker: it answers with the latest record of
 * each key of the partitions asked for, as of their end offsets at the moment of asking (records
 * written just before included), tombstones removing keys; a partition that does not exist is
 * answered incomplete at the deadline, not never.
 */
class StateReplicaTest {
    final String topic = "trimtab.test.replica-" + UUID.randomUUID();
    StateReplica replica;

    @AfterEach
    void close() {
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    void answersTheLatestRecordOfEachKeyUpToTheEndOffsetsWhenAsked() throws Exception {
        StateWriteRetryTest.admin(a ->
                a.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get());
        try (KafkaProducer<String, byte[]> p = Topics.producer()) {
            send(p, 0, "shop/web", "v1");
            send(p, 0, "shop/web", "v2");
            send(p, 0, "shop/api", "v1");
            send(p, 1, "shop/db", "v1");
            p.flush();
            replica = new StateReplica(topic, this::consumer);

            assertThat(values(replica.latest(List.of(0), Duration.ofSeconds(20))))
                    .containsExactlyInAnyOrder("shop/web=v2", "shop/api=v1");

            // written after the replica caught up: a later read must wait for them
            send(p, 0, "shop/web", "v3");
            p.send(new ProducerRecord<>(topic, 0, "shop/api", null));
            send(p, 1, "shop/db", "v2");
            p.flush();
        }
        StateReplica.Found both = replica.latest(List.of(0, 1), Duration.ofSeconds(20));
        assertThat(both.complete()).isTrue();
        assertThat(values(both)).containsExactlyInAnyOrder("shop/web=v3", "shop/db=v2");
    }

    @Test
    void aPartitionTheTopicDoesNotHaveIsAnsweredIncompleteAtTheDeadline() throws Exception {
        StateWriteRetryTest.admin(a ->
                a.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get());
        try (KafkaProducer<String, byte[]> p = Topics.producer()) {
            send(p, 0, "shop/web", "v1");
            p.flush();
        }
        replica = new StateReplica(topic, this::consumer);
        StateReplica.Found found = replica.latest(List.of(0, 5), Duration.ofSeconds(2));
        assertThat(found.complete()).isFalse();
        assertThat(values(found)).containsExactly("shop/web=v1");
        // and the replica still answers afterwards
        assertThat(replica.latest(List.of(0), Duration.ofSeconds(20)).complete())
                .isTrue();
    }

    private void send(KafkaProducer<String, byte[]> p, int partition, String key, String value) {
        p.send(new ProducerRecord<>(topic, partition, key, value.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> values(StateReplica.Found found) {
        return found.latest().stream().map(StateReplicaTest::entry).toList();
    }

    private static String entry(ConsumerRecord<String, byte[]> r) {
        return r.key() + "=" + new String(r.value(), StandardCharsets.UTF_8);
    }

    private KafkaConsumer<String, byte[]> consumer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(p);
    }
}

package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.IngestSources;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Topics;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Kafka-lag scaling end to end (issue 16), on the embedded broker with a real producer and a real
 * consumer group: the lag source tails the group's commits from {@code __consumer_offsets} and reads
 * end offsets every second, its offsets events go through {@code trimtab.metrics} to the owner, and
 * the workload's {@code /scale} follows KEDA's arithmetic. A burst scales the consumers out (capped
 * at the topic's partitions), their catching up scales them back in after the window, and groups
 * that never committed follow their {@code offsetResetPolicy}.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(IngestSources.class)
class KafkaLagLiveTest extends LiveFixture {
    static final String BOOTSTRAP = IngestSources.LAG_BOOTSTRAP;
    static final String TOPIC = "lag-orders";
    static final int PARTITIONS = 4;

    private static String metric(String group, String extra) {
        return metric(group, 10, extra);
    }

    private static String metric(String group, int lagThreshold, String extra) {
        return "[{\"type\":\"Kafka\",\"kafka\":{\"bootstrapServers\":\"" + BOOTSTRAP + "\",\"consumerGroup\":\"" + group
                + "\",\"topic\":\"" + TOPIC + "\",\"lagThreshold\":" + lagThreshold + extra + "}}]";
    }

    private static final String FAST_SCALE_IN = "\"minReplicas\":1,\"behavior\":{\"scaleDown\":"
            + "{\"stabilizationWindowSeconds\":3,\"policies\":[{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":1}]}}";

    @Test
    void aBurstScalesTheConsumersOutTheirCatchingUpScalesThemInAndUncommittedGroupsFollowTheirResetPolicy()
            throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP))) {
            Topics.create(admin, new NewTopic(TOPIC, PARTITIONS, (short) 1));
        }
        try (KafkaProducer<String, String> burst = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP, ProducerConfig.LINGER_MS_CONFIG, 0),
                        new StringSerializer(),
                        new StringSerializer());
                KafkaConsumer<String, String> consumer = consumer("lag-consumers")) {
            // the group starts with a commit on every partition (nothing to read yet)
            consumer.subscribe(List.of(TOPIC));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == PARTITIONS;
            });
            consumer.commitSync();

            workload("lag", "consumers", metric("lag-consumers", ""), FAST_SCALE_IN);
            workload(
                    "lag",
                    "fresh-latest",
                    metric("lag-never-committed", 1, ",\"allowIdleConsumers\":true"),
                    "\"minReplicas\":1");
            await().atMost(Duration.ofSeconds(20)).until(() -> replicas("lag", "consumers") == 1);

            // a burst of 200 records: lag 200 against 10 per replica, capped at 4 partitions
            for (int i = 0; i < 200; i++) {
                burst.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "v" + i));
            }
            burst.flush();
            long sent = System.nanoTime();
            await().atMost(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> replicas("lag", "consumers") == PARTITIONS);
            System.out.printf("RESULT kafka-lag-e2e burst_to_scale_ms=%d%n", (System.nanoTime() - sent) / 1_000_000);

            // the consumers catch up and commit: back to 1 after the 3 s window
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200));
                consumer.commitSync();
                return replicas("lag", "consumers") == 1;
            });

            // a group that never committed: latest counts 1 per partition (threshold 1, no cap: 4 replicas,
            // where earliest would ask for 200 and get maxReplicas 10), earliest the whole log (200 against
            // 10 per replica, capped at the 4 partitions)
            await().atMost(Duration.ofSeconds(20)).until(() -> replicas("lag", "fresh-latest") == PARTITIONS);
            workload(
                    "lag",
                    "fresh-earliest",
                    metric("lag-never-committed", ",\"offsetResetPolicy\":\"earliest\""),
                    "\"minReplicas\":1");
            await().atMost(Duration.ofSeconds(20)).until(() -> replicas("lag", "fresh-earliest") == PARTITIONS);
            assertThat(replicas("lag", "fresh-latest")).isEqualTo(PARTITIONS);
        }
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BOOTSTRAP);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}

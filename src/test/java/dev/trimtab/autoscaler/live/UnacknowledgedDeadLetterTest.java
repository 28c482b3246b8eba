package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What SmallRye really does when a metric batch cannot be made safe: the dead letters of this
 * application go to a topic whose broker refuses every write (records larger than its
 * {@code max.message.bytes}). (A topic wanting more in-sync replicas than it has does not do: Kafka
 * 4.1 in KRaft acknowledged {@code acks=all} writes to a one-replica topic with
 * {@code min.insync.replicas=2}.) A batch holding a bad record then fails after the delivery
 * timeout, and with {@code failure-strategy=fail}:
 * nothing of it is dead-lettered to the channel's dead-letter topic, its offset is not committed,
 * liveness goes DOWN, and the group's next consumer (the restarted pod) starts at the bad record.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(UnacknowledgedDeadLetterTest.Unacknowledged.class)
class UnacknowledgedDeadLetterTest extends LiveFixture {
    static final String METRICS = "trimtab.test.durable-metrics";
    static final String UNACKNOWLEDGED = "trimtab.test.unacknowledged";
    static final String GROUP = "trimtab-test-durable-" + UUID.randomUUID();

    public static class Unacknowledged implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            createTopics();
            return Map.ofEntries(
                    Map.entry("mp.messaging.incoming.metrics.topic", METRICS),
                    Map.entry("mp.messaging.incoming.metrics.group.id", GROUP),
                    Map.entry("mp.messaging.outgoing.dead-letters.topic", UNACKNOWLEDGED),
                    // each attempt gives up after 1.5 s (Kafka's own retries within), the batch after 4 s
                    Map.entry("mp.messaging.outgoing.dead-letters.delivery.timeout.ms", "1500"),
                    Map.entry("mp.messaging.outgoing.dead-letters.request.timeout.ms", "1000"),
                    Map.entry("mp.messaging.outgoing.dead-letters.linger.ms", "0"),
                    Map.entry("trimtab.autoscaler.delivery-timeout", "4s"),
                    Map.entry("trimtab.autoscaler.state.enabled", "false"));
        }

        private static synchronized void createTopics() {
            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
            try (Admin admin = Admin.create(p)) {
                if (admin.listTopics().names().get().contains(METRICS)) {
                    return;
                }
                admin.createTopics(List.of(
                                new NewTopic(METRICS, 1, (short) 1),
                                new NewTopic(UNACKNOWLEDGED, 1, (short) 1).configs(Map.of("max.message.bytes", "16"))))
                        .all()
                        .get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Test
    void aBatchWhoseDeadLetterIsNotAcknowledgedIsNeitherDeadLetteredNorCommittedAndStopsTheChannel() throws Exception {
        String key = workload("durable", "web");
        TopicPartition tp = new TopicPartition(METRICS, 0);

        // first a batch that goes through: its decision is logged with its input, its offset committed
        String first = cpu("durable", "web", 450);
        String firstId = CloudEventCodecIds.id(first);
        producer.send(new ProducerRecord<>(METRICS, key, first.getBytes(StandardCharsets.UTF_8)))
                .get();
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions",
                Duration.ofSeconds(20),
                l -> l.stream().anyMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(firstId)));
        JsonNode decision = json(decisions.stream()
                .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(firstId))
                .findFirst()
                .orElseThrow()
                .value());
        assertThat(decision.at("/data/inputs")).extracting(JsonNode::asText).containsExactly(firstId);
        await().atMost(Duration.ofSeconds(20)).until(() -> committed(tp) == 1L);
        given().when().get("/q/health/live").then().statusCode(200);

        // then a bad record (its dead letter cannot be acknowledged) and two good ones after it
        String bad = "{\"specversion\":\"1.0\",\"id\":\"bad-" + UUID.randomUUID() + "\",\"source\":\"/test\","
                + "\"type\":\"dev.trimtab.metrics\",\"data\":{\"kind\":\"Nonsense\"}}";
        String next = cpu("durable", "web", 450);
        String last = cpu("durable", "web", 450);
        for (String value : List.of(bad, next, last)) {
            ProducerRecord<String, byte[]> r =
                    new ProducerRecord<>(METRICS, key, value.getBytes(StandardCharsets.UTF_8));
            r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            producer.send(r);
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> given().when().get("/q/health/live").statusCode() == 503);
        String health = given().when().get("/q/health/live").asString();
        assertThat(health).contains("metrics").contains("not acknowledged by the broker");

        // the failed channel's consumer has left the group: nothing can be committed any more
        await().atMost(Duration.ofSeconds(20)).until(() -> members() == 0);
        assertThat(committed(tp)).as("nothing of the failed batch committed").isEqualTo(1L);
        List<ConsumerRecord<String, byte[]>> dead =
                readAll("trimtab.autoscaler.dead-letter", Duration.ofSeconds(3), l -> false);
        for (String value : List.of(bad, next, last)) {
            String id = CloudEventCodecIds.id(value);
            assertThat(dead)
                    .as("nothing dead-lettered by the channel's strategy")
                    .noneMatch(r -> new String(r.value(), StandardCharsets.UTF_8).contains(id));
        }

        // the restarted pod (the group's next member) reads on from the bad record: nothing skipped
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
            c.subscribe(List.of(METRICS));
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (got.size() < 3 && System.currentTimeMillis() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            assertThat(got)
                    .extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                    .containsExactly(bad, next, last);
        }
    }

    private static int members() throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            return admin.describeConsumerGroups(List.of(GROUP))
                    .all()
                    .get()
                    .get(GROUP)
                    .members()
                    .size();
        }
    }

    private static long committed(TopicPartition tp) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(tp);
            return o == null ? -1 : o.offset();
        }
    }

    /** The id of a structured CloudEvent given as JSON text. */
    static final class CloudEventCodecIds {
        static String id(String json) {
            try {
                return CloudEventCodec.JSON.readTree(json).get("id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}

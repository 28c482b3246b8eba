package dev.trimtab.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.ingest.core.AllowedBrokers;
import dev.trimtab.ingest.core.LagWatch;
import dev.trimtab.kafka.KafkaSecurity;
import dev.trimtab.testing.SecuredKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The Kafka-lag source connects with Trimtab's own Kafka client settings (here a Strimzi-style
 * client certificate over TLS, {@link KafkaSecurity}), the bootstrap servers replaced by the
 * cluster the policy names.
 */
class KafkaLagSecuredTest {
    @Test
    void readsAClusterOverTlsWithTrimtabsOwnClientCertificate() throws Exception {
        SecuredKafka.Listeners broker = SecuredKafka.broker();
        SecuredKafka.Material files = SecuredKafka.material();
        String topic = "lag-tls-" + UUID.randomUUID();
        String group = "lag-tls-" + UUID.randomUUID();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.plaintext()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.plaintext()),
                        new StringSerializer(),
                        new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, "r" + i)).get();
            }
            admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(3)))
                    .all()
                    .get();
        }
        Map<String, Object> kafka = new HashMap<>(KafkaSecurity.properties(new KafkaSecurity.Settings(
                "SSL",
                files.caCertificate().toString(),
                files.userCertificate().toString(),
                files.userKey().toString(),
                Optional.empty(),
                "unused")));
        kafka.put("bootstrap.servers", "trimtab-own-cluster:9093"); // replaced by the policy's cluster
        String ssl = broker.ssl().replaceAll("[A-Z_]+://", "");
        List<CloudEvent> received = new CopyOnWriteArrayList<>();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KafkaLagRunner runner = new KafkaLagRunner(
                        KafkaLagRunner.Options.defaults(),
                        AllowedBrokers.parse("test", List.of(ssl)),
                        () -> List.of(new LagWatch("shop/tls", "shop", "tls", 0, ssl, group, topic)),
                        kafka,
                        byWorkload -> byWorkload.values().forEach(received::addAll),
                        registry,
                        Clock.systemUTC())
                .start()) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (received.stream()
                            .noneMatch(e -> e.data()
                                    .toString()
                                    .contains("{\"partition\":0,\"endOffset\":5,\"committedOffset\":3}"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(received)
                    .as(
                            "an offsets event over TLS; outcomes %s",
                            registry.getMeters().stream()
                                    .map(m -> m.getId().getTag("result") + "="
                                            + m.measure().iterator().next().getValue())
                                    .toList())
                    .anyMatch(e ->
                            e.data().toString().contains("{\"partition\":0,\"endOffset\":5,\"committedOffset\":3}"));
        }
    }
}

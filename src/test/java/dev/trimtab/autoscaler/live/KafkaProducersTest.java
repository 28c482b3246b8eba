package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorOutgoingConfiguration;
import io.smallrye.reactive.messaging.providers.impl.Configs;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Every producer the autoscaler uses waits for all in-sync replicas and is idempotent, checked
 * where it takes effect: the Kafka producers' own resolved configuration (not the properties
 * file), SmallRye's resolution of each dead-letter-queue producer's configuration, and the broker,
 * which tracks a producer id and sequence only for records an idempotent producer wrote.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class KafkaProducersTest extends LiveFixture {

    @Inject
    KafkaClientService kafka;

    @Inject
    Config config;

    @Test
    void everyOutgoingChannelsKafkaProducerUsesAcksAllAndIdempotence() throws Exception {
        Set<String> channels = new TreeSet<>(kafka.getProducerChannels());
        assertThat(channels).contains("decisions", "dead-letters");
        for (String channel : channels) {
            Producer<?, ?> producer = kafka.getProducer(channel).unwrap();
            Field f = KafkaProducer.class.getDeclaredField("producerConfig");
            f.setAccessible(true);
            ProducerConfig effective = (ProducerConfig) f.get(producer);
            assertThat(effective.getString(ProducerConfig.ACKS_CONFIG))
                    .as(channel + " acks")
                    .isEqualTo("-1");
            assertThat(effective.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG))
                    .as(channel + " idempotence")
                    .isTrue();
        }
    }

    @Test
    void everyChannelsClientReconnectsWithinASecondNotSmallRyesTenSeconds() {
        // SmallRye puts reconnect.backoff.max.ms=10000 into a client's map unless the channel has the key
        List<String> seen = new ArrayList<>();
        for (String channel : new TreeSet<>(kafka.getProducerChannels())) {
            assertThat(kafka.getProducer(channel).configuration().get("reconnect.backoff.max.ms"))
                    .as("producer of " + channel)
                    .hasToString("1000");
            seen.add(channel);
        }
        for (String channel : new TreeSet<>(kafka.getConsumerChannels())) {
            for (var consumer : kafka.getConsumers(channel)) {
                assertThat(consumer.configuration().get("reconnect.backoff.max.ms"))
                        .as("consumer of " + channel)
                        .hasToString("1000");
            }
            seen.add(channel);
        }
        assertThat(seen).contains("metrics", "decisions", "dead-letters");
    }

    @Test
    void everyDeadLetterQueueProducerResolvesToAcksAllAndIdempotence() {
        List<String> withDeadLetterQueue = new ArrayList<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("mp.messaging.incoming.")
                    && name.endsWith(".failure-strategy")
                    && "dead-letter-queue".equals(config.getValue(name, String.class))) {
                withDeadLetterQueue.add(name.substring(
                        "mp.messaging.incoming.".length(), name.length() - ".failure-strategy".length()));
            }
        }
        assertThat(withDeadLetterQueue)
                .contains("cluster-events", "policy-audit", "placement-events")
                .doesNotContain("metrics");
        for (String channel : withDeadLetterQueue) {
            // as KafkaDeadLetterQueue.Factory (SmallRye 4.33) builds the producer's configuration
            Config dlq = Configs.prefixOverride(
                    Configs.incoming(config, "smallrye-kafka", channel), "dead-letter-queue", Map.of());
            assertThat(new KafkaConnectorOutgoingConfiguration(dlq).getAcks())
                    .as(channel)
                    .isEqualTo("all");
            assertThat(dlq.getValue("enable.idempotence", String.class))
                    .as(channel)
                    .isEqualTo("true");
        }
    }

    @Test
    void theBrokerHasEveryDeadLetterAndDecisionFromAnIdempotentProducer() throws Exception {
        String tag = "idem" + System.nanoTime();
        // the cluster-events channel's dead-letter-queue producer, DeadLetters, and the decision log
        structured(
                "trimtab.cluster-events",
                tag + "/c",
                event(ADD, Instant.now(), "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"));
        structured(
                "trimtab.metrics", tag + "/m", event("dev.trimtab.metrics", Instant.now(), "{\"kind\":\"Nonsense\"}"));
        String key = workload(tag, "web");
        structured("trimtab.metrics", key, cpu(tag, "web", 450));

        List<ConsumerRecord<String, byte[]>> dead = readAll(
                "trimtab.autoscaler.dead-letter",
                Duration.ofSeconds(20),
                l -> l.stream()
                                .filter(r -> r.key() != null && r.key().startsWith(tag + "/"))
                                .count()
                        >= 2);
        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions", Duration.ofSeconds(20), l -> l.stream().anyMatch(r -> key.equals(r.key())));
        List<TopicPartition> ours = new ArrayList<>();
        dead.stream()
                .filter(r -> r.key() != null && r.key().startsWith(tag + "/"))
                .forEach(r -> ours.add(new TopicPartition(r.topic(), r.partition())));
        decisions.stream()
                .filter(r -> key.equals(r.key()))
                .forEach(r -> ours.add(new TopicPartition(r.topic(), r.partition())));
        assertThat(ours).hasSize(3);

        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            for (TopicPartition tp : new LinkedHashSet<>(ours)) {
                long start = admin.listOffsets(Map.of(tp, OffsetSpec.earliest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset();
                long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
                        .all()
                        .get()
                        .get(tp)
                        .offset();
                // each idempotent producer numbers its records per partition from 0; a record written
                // without idempotence (acks=1) carries no producer id and is counted by no producer
                long sequenced = 0;
                for (ProducerState s : admin.describeProducers(List.of(tp))
                        .partitionResult(tp)
                        .get()
                        .activeProducers()) {
                    sequenced += s.lastSequence() + 1;
                }
                assertThat(sequenced)
                        .as("records of %s written by idempotent producers", tp)
                        .isEqualTo(end - start);
            }
        }
    }
}

package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.SecuredKafka;
import dev.trimtab.testing.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The whole application against a broker that takes only TLS clients with a certificate of its
 * CA, configured by nothing but {@code trimtab.kafka.*} and the PEM files: the SmallRye channels
 * (incoming cluster-events and metrics, their dead-letter-queue producer, the outgoing dead-letters
 * emitter) and RetentionCheck's admin client all reach it. The test itself talks to the broker's
 * plaintext listener.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(SecuredKafkaApplicationTest.Tls.class)
class SecuredKafkaApplicationTest {
    /** Every client of the application on the broker's SSL listener, with the user's certificate. */
    public static class Tls implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            SecuredKafka.Material m = SecuredKafka.material();
            return Map.of(
                    "kafka.bootstrap.servers",
                    SecuredKafka.broker().ssl(),
                    "trimtab.kafka.security-protocol",
                    "SSL",
                    "trimtab.kafka.tls.ca-file",
                    m.caCertificate().toString(),
                    "trimtab.kafka.tls.cert-file",
                    m.userCertificate().toString(),
                    "trimtab.kafka.tls.key-file",
                    m.userKey().toString());
        }
    }

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    MeterRegistry registry;

    @Test
    void everyChannelAndTheAdminClientWorkOverTlsWithTheClientCertificate() throws Exception {
        // the SSL listener and nothing else: the shared plaintext broker's address did not win
        assertThat(kafka)
                .containsEntry("bootstrap.servers", SecuredKafka.broker().ssl())
                .containsEntry("security.protocol", "SSL");

        String tag = "tls" + System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = plaintextProducer()) {
            // a Pod without a name: the cluster-events channel's dead-letter queue; a metric event of
            // no known kind: the DeadLetters emitter (outgoing channel dead-letters)
            send(
                    producer,
                    "trimtab.cluster-events",
                    tag + "/c",
                    event("dev.knative.apiserver.resource.add", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}"));
            send(producer, "trimtab.metrics", tag + "/m", event("dev.trimtab.metrics", "{\"kind\":\"Nonsense\"}"));
        }
        List<ConsumerRecord<String, byte[]>> dead = Topics.readAll(
                        SecuredKafka.broker().plaintext(),
                        "trimtab.autoscaler.dead-letter",
                        Duration.ofSeconds(30),
                        l -> l.stream()
                                        .filter(r -> r.key() != null && r.key().startsWith(tag + "/"))
                                        .count()
                                >= 2)
                .stream()
                .filter(r -> r.key() != null && r.key().startsWith(tag + "/"))
                .toList();
        assertThat(dead)
                .extracting(r ->
                        new String(r.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("trimtab.cluster-events", "trimtab.metrics");

        // RetentionCheck's admin client read the topic's configuration (-1: it could not)
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Gauge g = registry.find("trimtab_cluster_events_expiring")
                    .tag("channel", "cluster-events")
                    .gauge();
            return g != null && g.value() >= 0;
        });
    }

    private static KafkaProducer<String, byte[]> plaintextProducer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                SecuredKafka.broker().plaintext(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, String key, String json)
            throws Exception {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, json.getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    private static String event(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/test\",\"type\":\"" + type
                + "\",\"time\":\"" + Instant.now() + "\",\"data\":" + data + "}";
    }
}

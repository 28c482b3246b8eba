package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.testing.SecuredKafka;
import dev.trimtab.testing.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker (embedded KRaft) whose listeners are set up as a Strimzi cluster's with
 * {@code authentication: tls} (client certificates required) and {@code scram-sha-512}, with every
 * certificate made by the test: a client configured only by {@link KafkaSecurity} from the PEM
 * files, as Strimzi's secrets are mounted, produces and consumes; a client without a certificate,
 * with a certificate from another CA, or with a wrong password is refused.
 */
class KafkaSecurityBrokerTest {
    static final String TOPIC = "trimtab.security-test";
    static final String USER = "trimtab-placement";

    @TempDir
    static Path dir;

    static SecuredKafka.Listeners broker;
    static SecuredKafka.Material files;

    @BeforeAll
    static void start() throws Exception {
        broker = SecuredKafka.broker();
        files = SecuredKafka.material();
        try (Admin admin = SecuredKafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "the-right-password")))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Files.writeString(dir.resolve("password"), "the-right-password");
        Files.writeString(dir.resolve("wrong-password"), "not-the-password");
        // the broker applies a new SCRAM credential from its metadata log a moment after the answer
        Awaitility.await()
                .atMost(Duration.ofSeconds(15))
                .ignoreExceptions()
                .until(() -> clusterId(broker.saslSsl(), KafkaSecurity.properties(scram("password"))) != null);
    }

    static KafkaSecurity.Settings tls(Path cert, Path key) {
        return new KafkaSecurity.Settings(
                "SSL", files.caCertificate().toString(), cert.toString(), key.toString(), Optional.empty(), "unused");
    }

    static KafkaSecurity.Settings scram(String passwordFile) {
        return new KafkaSecurity.Settings(
                "SASL_SSL",
                files.caCertificate().toString(),
                "unused",
                "unused",
                Optional.of(USER),
                dir.resolve(passwordFile).toString());
    }

    static Map<String, Object> client(String bootstrap, Map<String, Object> security) {
        Map<String, Object> p = new HashMap<>(security);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000");
        return p;
    }

    /** Produces one record and reads it back, both clients configured by KafkaSecurity alone. */
    static void roundTrip(String bootstrap, Map<String, Object> security, String value) throws Exception {
        Map<String, Object> pp = client(bootstrap, security);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
            producer.send(new ProducerRecord<>(TOPIC, value, value)).get(20, TimeUnit.SECONDS);
        }
        Map<String, Object> cp = client(bootstrap, security);
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, "security-test-" + value);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen |= value.equals(r.value());
                }
            }
            assertThat(seen)
                    .as("the record produced over " + security.get("security.protocol") + " is read back")
                    .isTrue();
        }
    }

    static String clusterId(String bootstrap, Map<String, Object> security) throws Exception {
        try (Admin admin = Admin.create(client(bootstrap, security))) {
            return admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientCertificateFromTheStrimziFilesProducesAndConsumes() throws Exception {
        roundTrip(broker.ssl(), KafkaSecurity.properties(tls(files.userCertificate(), files.userKey())), "over-tls");
    }

    @Test
    void aClientWithoutCertificateIsRefused() {
        Map<String, Object> noCertificate =
                new HashMap<>(KafkaSecurity.properties(tls(files.userCertificate(), files.userKey())));
        noCertificate.keySet().removeIf(k -> k.startsWith("ssl.keystore."));
        assertThatThrownBy(() -> clusterId(broker.ssl(), noCertificate))
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void aCertificateTheClusterCaDidNotSignIsRefused() throws Exception {
        SelfSignedCertificate other = SelfSignedCertificate.create(dir.resolve("other"), null, 2);
        assertThatThrownBy(
                        () -> clusterId(broker.ssl(), KafkaSecurity.properties(tls(other.certificate(), other.key()))))
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void aScramUserWithItsPasswordFileProducesAndConsumes() throws Exception {
        roundTrip(broker.saslSsl(), KafkaSecurity.properties(scram("password")), "over-scram");
    }

    @Test
    void aWrongScramPasswordIsRefused() {
        assertThatThrownBy(() -> clusterId(broker.saslSsl(), KafkaSecurity.properties(scram("wrong-password"))))
                .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }
}

package dev.trimtab.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.security.auth.SecurityProtocol;

/**
 * A real Kafka broker (KRaft, in-process, no containers) for {@code @QuarkusTest}s, with the topics
 * of kafka-topics/ created from their files. Replication is 1: there is one broker.
 */
public class EmbeddedKafka implements QuarkusTestResourceLifecycleManager {
    private static EmbeddedKafkaBroker broker;

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = newBroker(freePort(), p -> {}).start();
            createTopics(broker.getAdvertisedListeners());
        }
        return broker.getAdvertisedListeners();
    }

    /**
     * A broker of its own (not the shared one; the caller closes it) that serves, beside its
     * plaintext listener (for setting up topics and users), an {@code SSL} listener requiring client
     * certificates signed by {@code clientCa} and a {@code SASL_SSL} listener taking SCRAM-SHA-512
     * users, as a Strimzi cluster's listeners with {@code authentication: tls} and
     * {@code scram-sha-512} do. Both present {@code server}'s certificate (PEM files). No authorizer:
     * every authenticated user may do anything. The SCRAM users are created through the Admin API.
     */
    public static Secured startSecured(Path serverCertificate, Path serverKey, Path clientCa) throws IOException {
        int plain = freePort();
        int ssl = freePort();
        int saslSsl = freePort();
        String chain = Files.readString(serverCertificate);
        String key = Files.readString(serverKey);
        String ca = Files.readString(clientCa);
        EmbeddedKafkaBroker b = newBroker(plain, p -> {
                    p.put("ssl.keystore.type", "PEM");
                    p.put("ssl.keystore.certificate.chain", chain);
                    p.put("ssl.keystore.key", key);
                    p.put("ssl.truststore.type", "PEM");
                    p.put("ssl.truststore.certificates", ca);
                    p.put("listener.name.ssl.ssl.client.auth", "required");
                    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
                    p.put("listener.name.sasl_ssl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
                    p.put(
                            "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                })
                .withAdvertisedListeners(
                        EmbeddedKafkaBroker.endpoint(SecurityProtocol.PLAINTEXT, "localhost", plain),
                        EmbeddedKafkaBroker.endpoint("SSL", SecurityProtocol.SSL, "localhost", ssl),
                        EmbeddedKafkaBroker.endpoint("SASL_SSL", SecurityProtocol.SASL_SSL, "localhost", saslSsl))
                .start();
        return new Secured(b, "localhost:" + plain, "localhost:" + ssl, "localhost:" + saslSsl);
    }

    /** A secured broker and the address of each of its listeners. */
    public record Secured(EmbeddedKafkaBroker broker, String plaintext, String ssl, String saslSsl)
            implements AutoCloseable {
        @Override
        public void close() {
            broker.close();
        }
    }

    private static EmbeddedKafkaBroker newBroker(int port, Consumer<Properties> more) {
        return new EmbeddedKafkaBroker()
                .withKafkaPort(port)
                .withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> {
                    p.put("auto.create.topics.enable", "false");
                    p.put("group.initial.rebalance.delay.ms", "0");
                    more.accept(p);
                });
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    /**
     * Closes the broker when Quarkus stops its test resources (at a change of test profile). Each
     * profile's application runs in a class loader of its own, so this class and its broker are new
     * for each: a broker left open here would never be used again, and before this closed them the
     * suite ran up to 24 idle brokers side by side. Plain tests (the application class loader) share
     * one broker for the whole JVM and never reach this.
     */
    @Override
    public void stop() {
        synchronized (EmbeddedKafka.class) {
            if (broker != null) {
                broker.close();
                broker = null;
            }
        }
    }

    static void createTopics(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = KafkaTopicFiles.all().stream()
                    .map(t -> {
                        Map<String, String> config = new HashMap<>(t.config());
                        config.remove("min.insync.replicas"); // one broker
                        return new NewTopic(t.name(), t.partitions(), (short) 1).configs(config);
                    })
                    .toList();
            admin.createTopics(topics).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics of kafka-topics/", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

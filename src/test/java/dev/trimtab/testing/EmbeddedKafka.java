package dev.trimtab.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker (KRaft, in-process, no containers) for {@code @QuarkusTest}s, with the topics
 * of kafka-topics/ created from their files. Replication is 1: there is one broker.
 */
public class EmbeddedKafka implements QuarkusTestResourceLifecycleManager {
    private static EmbeddedKafkaBroker broker;

    public static synchronized String bootstrapServers() {
        if (broker == null) {
            broker = new EmbeddedKafkaBroker().withKafkaPort(freePort()).withControllerPort(freePort())
                    .withDeleteLogDirsOnClose(true)
                    .withAdditionalProperties(p -> {
                        p.put("auto.create.topics.enable", "false");
                        p.put("group.initial.rebalance.delay.ms", "0");
                    })
                    .start();
            createTopics(broker.getAdvertisedListeners());
        }
        return broker.getAdvertisedListeners();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // kept for the whole test JVM: restarting costs seconds and the topics are shared
    }

    private static void createTopics(String bootstrap) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            List<NewTopic> topics = KafkaTopicFiles.all().stream()
                    .map(t -> {
                        Map<String, String> config = new java.util.HashMap<>(t.config());
                        config.remove("min.insync.replicas"); // one broker
                        return new NewTopic(t.name(), t.partitions(), (short) 1).configs(config);
                    }).toList();
            admin.createTopics(topics).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics of kafka-topics/", e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

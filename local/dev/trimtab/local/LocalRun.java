package dev.trimtab.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar local [TRACE]} (build with {@code -Plocal}):
 * the live autoscaler against an embedded Kafka broker (KRaft, in-process) and an in-process
 * Kubernetes API (the fabric8 mock server) seeded from {@code examples/live/cluster.yaml}; then
 * {@link LocalApp} plays the trace through Kafka and shows what happened.
 */
public final class LocalRun {
    public static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("trimtab.dev")
            .withVersion("v1alpha1")
            .withKind("ScalingPolicy")
            .withPlural("scalingpolicies")
            .withNamespaced(true)
            .build();

    static String bootstrap;
    static KubernetesClient api;

    private LocalRun() {}

    public static void main(String... args) throws Exception {
        Path trace = Path.of(args.length > 0 ? args[0] : "examples/live/spike.json");
        Path cluster = Path.of(args.length > 1 ? args[1] : "examples/live/cluster.yaml");
        run(LocalApp.class, client -> seed(client, cluster), trace.toString());
    }

    /**
     * Starts the broker and the mock API, seeds the API, starts the application ({@code app} runs
     * inside it) and stops everything when it returns; exits the JVM with the app's status.
     */
    static void run(Class<? extends QuarkusApplication> app, Seeder seeder, String... appArgs) throws Exception {
        System.out.println("Starting an embedded Kafka broker (KRaft) ...");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaPort(freePort())
                .withControllerPort(freePort())
                .withDeleteLogDirsOnClose(true)
                .withAdditionalProperties(p -> p.put("auto.create.topics.enable", "false"))
                .start();
        bootstrap = broker.getAdvertisedListeners();
        List<String> topics = createTopics(bootstrap);
        System.out.println("  " + bootstrap + ", topics " + topics);

        System.out.println("Starting an in-process Kubernetes API (fabric8 mock server, CRUD) ...");
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        api = server.createClient();
        List<String> seeded = seeder.seed(api);
        System.out.println(
                "  " + api.getMasterUrl() + ", seeded " + (seeded.size() > 8 ? seeded.size() + " objects" : seeded));

        System.setProperty("kafka.bootstrap.servers", bootstrap);
        // fabric8's own settings: the Quarkus ones are fixed at build time
        System.setProperty("kubernetes.master", api.getMasterUrl().toString());
        System.setProperty("kubernetes.trust.certificates", "true");
        System.setProperty("kubernetes.auth.tryKubeConfig", "false");
        System.setProperty("trimtab.autoscaler.cluster-state", "informers");
        System.setProperty("mp.messaging.incoming.cluster-events.enabled", "false");
        System.setProperty("quarkus.http.port", System.getProperty("bench.http.port", "0"));
        // the local run has no API server to review tokens and serves admission over plain HTTP
        // (the bench posts to it): both only here and in tests (docs/security.md)
        System.setProperty("trimtab.auth.enabled", "false");
        System.setProperty("trimtab.auth.admission.allow-plain-http", "true");
        System.setProperty("quarkus.log.level", "WARN");
        System.setProperty("quarkus.log.category.\"dev.trimtab\".level", "WARN");
        System.setProperty("quarkus.log.category.\"io.smallrye.reactive.messaging.provider\".level", "ERROR");
        System.setProperty("quarkus.log.category.\"org.apache.kafka\".level", "ERROR");
        System.setProperty("quarkus.log.category.\"io.smallrye.reactive.messaging.kafka\".level", "ERROR");
        System.setProperty("quarkus.log.category.\"io.fabric8.kubernetes.client.dsl.internal\".level", "ERROR");
        System.out.println("Starting the autoscaler ...");
        int status;
        try {
            Quarkus.run(
                    app,
                    (code, failure) -> {
                        if (failure != null) {
                            failure.printStackTrace();
                        }
                    },
                    appArgs);
            status = LocalApp.exitCode;
        } finally {
            api.close();
            server.destroy();
            broker.close();
        }
        System.exit(status);
    }

    /** Puts the starting objects into the API; returns what it created. */
    interface Seeder {
        List<String> seed(KubernetesClient api) throws Exception;
    }

    /** Creates the topics of {@code kafka-topics/} (replication 1); returns their names. Also used by the chaos run. */
    public static List<String> createTopics(String bootstrap) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<NewTopic> topics = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("kafka-topics"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                JsonNode t = yaml.readTree(f.toFile());
                Map<String, String> config = new HashMap<>();
                t.at("/spec/config")
                        .fields()
                        .forEachRemaining(
                                e -> config.put(e.getKey(), e.getValue().asText()));
                config.remove("min.insync.replicas"); // one broker
                topics.add(new NewTopic(
                                t.at("/metadata/name").asText(),
                                t.at("/spec/partitions").asInt(),
                                (short) 1)
                        .configs(config));
            }
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            admin.createTopics(topics).all().get();
        }
        return topics.stream().map(NewTopic::name).toList();
    }

    private static List<String> seed(KubernetesClient client, Path cluster) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> seeded = new ArrayList<>();
        for (String doc : Files.readString(cluster).split("(?m)^---\\s*$")) {
            if (doc.lines().noneMatch(l -> l.startsWith("kind:"))) {
                continue;
            }
            GenericKubernetesResource r = yaml.readValue(doc, GenericKubernetesResource.class);
            String ns = r.getMetadata().getNamespace();
            if ("ScalingPolicy".equals(r.getKind())) {
                client.genericKubernetesResources(POLICIES)
                        .inNamespace(ns)
                        .resource(r)
                        .create();
            } else {
                client.resource(r).inNamespace(ns).create();
            }
            seeded.add(r.getKind() + " " + ns + "/" + r.getMetadata().getName());
        }
        return seeded;
    }

    /** A producer for the local broker: keys as strings, values as bytes, sent at once. */
    static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        return new KafkaProducer<>(p);
    }

    /** A consumer on the local broker, from the earliest offset, values as bytes. */
    static KafkaConsumer<String, byte[]> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.trimtab.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * {@code java -jar target/quarkus-app/quarkus-run.jar lag-bench [WORKLOADS [ROUNDS]]} (build with
 * {@code -Plocal}): Kafka-lag scaling end to end (issue 16), from a burst produced to a consumer
 * group's topic to the workload's {@code /scale} write acknowledged by the mock API; see {@link LagBenchApp}.
 */
public final class LagBench {
    static final int PARTITIONS = 4;

    private LagBench() {}

    public static void main(String... args) throws Exception {
        int workloads = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        // the /scale write acknowledged by the mock API is the end point
        System.setProperty("trimtab.autoscaler.dry-run", "false");
        LocalRun.run(
                LagBenchApp.class,
                api -> {
                    String servers = servers();
                    System.setProperty("trimtab.ingest.kafka-lag.enabled", "true");
                    System.setProperty("trimtab.ingest.kafka-lag.allowed-servers", servers);
                    List<String> names = LocalBench.seed(api, workloads);
                    List<NewTopic> topics = new ArrayList<>();
                    for (String name : names) {
                        topics.add(new NewTopic(topic(name), PARTITIONS, (short) 1));
                    }
                    try (Admin admin =
                            Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LocalRun.bootstrap))) {
                        // in batches: one request of a thousand topics can time out on 2 cores, and its retry finds
                        // them made
                        for (int i = 0; i < topics.size(); i += 100) {
                            for (var f : admin.createTopics(topics.subList(i, Math.min(topics.size(), i + 100)))
                                    .values()
                                    .values()) {
                                try {
                                    f.get();
                                } catch (ExecutionException e) {
                                    if (!(e.getCause() instanceof TopicExistsException)) {
                                        throw e;
                                    }
                                }
                            }
                        }
                        // each group starts with a commit on every partition (nothing to read yet), as a
                        // running consumer group would have
                        for (String name : names) {
                            Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
                            for (int p = 0; p < PARTITIONS; p++) {
                                zero.put(new TopicPartition(topic(name), p), new OffsetAndMetadata(0));
                            }
                            for (int attempt = 1; ; attempt++) { // the broker may still be busy with the topics
                                try {
                                    admin.alterConsumerGroupOffsets(group(name), zero)
                                            .all()
                                            .get();
                                    break;
                                } catch (ExecutionException e) {
                                    if (attempt == 5 || !(e.getCause() instanceof RetriableException)) {
                                        throw e;
                                    }
                                }
                            }
                        }
                    }
                    // the policies read their group's lag on their topic, instead of cpu (the rest as local-bench:
                    // minReplicas 1, maxReplicas 10, no stabilization, scale-down 100 % a second)
                    for (String name : names) {
                        GenericKubernetesResource p = api.genericKubernetesResources(LocalRun.POLICIES)
                                .inNamespace("bench")
                                .withName(name)
                                .get();
                        @SuppressWarnings("unchecked")
                        Map<String, Object> spec = (Map<String, Object>)
                                p.getAdditionalProperties().get("spec");
                        spec.put(
                                "metrics",
                                List.of(Map.of(
                                        "type",
                                        "Kafka",
                                        "kafka",
                                        Map.of(
                                                "bootstrapServers",
                                                servers,
                                                "consumerGroup",
                                                group(name),
                                                "topic",
                                                topic(name),
                                                "lagThreshold",
                                                10))));
                        api.genericKubernetesResources(LocalRun.POLICIES)
                                .inNamespace("bench")
                                .resource(p)
                                .update();
                    }
                    return names;
                },
                args);
    }

    /** The embedded broker as {@code host:port}[,…], the form policies and the allow list take. */
    static String servers() {
        return LocalRun.bootstrap.replaceAll("[A-Z_]+://", "");
    }

    static String topic(String workload) {
        return "lag." + workload;
    }

    static String group(String workload) {
        return "lag-" + workload;
    }
}

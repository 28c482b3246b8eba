package dev.trimtab.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.live.AutoscalerEngine;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.QuarkusApplication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The local run's driver, inside the started application: plays a trace of total cpu demand per
 * workload as PodMetricsList CloudEvents on {@code trimtab.metrics}, spreading each step's demand
 * over the pods that exist; keeps pods in step with each Deployment's replicas (a stand-in for the
 * Deployment controller); prints every decision from {@code trimtab.decisions}; ends with each
 * workload's replicas over time.
 */
public class LocalApp implements QuarkusApplication {
    static volatile int exitCode;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public int run(String... args) throws Exception {
        JsonNode trace = JSON.readTree(Files.readString(Path.of(args[0])));
        long step = trace.get("stepSeconds").asLong() * 1000;
        Map<String, List<Long>> demand = new LinkedHashMap<>();
        trace.get("workloads").fields().forEachRemaining(e -> {
            List<Long> values = new ArrayList<>();
            e.getValue().forEach(v -> values.add(v.asLong()));
            demand.put(e.getKey(), values);
        });
        KubernetesClient api = LocalRun.api;
        AutoscalerEngine engine =
                Arc.container().instance(AutoscalerEngine.class).get();
        for (String key : demand.keySet()) {
            String[] nsName = key.split("/");
            while (!engine.knows(new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", nsName[0], nsName[1]))) {
                Thread.sleep(100);
            }
        }
        ConcurrentLinkedQueue<String> printed = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> readDecisions(printed), "decision-reader");
        reader.setDaemon(true);
        reader.start();

        int steps = demand.values().stream().mapToInt(List::size).max().orElse(0);
        System.out.printf(
                "Playing %s: %d steps of %d s, total cpu demand per workload (millicores)%n%n",
                args[0], steps, step / 1000);
        Instant start = Instant.now();
        Map<String, List<Integer>> replicas = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = LocalRun.producer()) {
            for (int i = 0; i < steps; i++) {
                long due = start.toEpochMilli() + i * step;
                Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
                for (Map.Entry<String, List<Long>> w : demand.entrySet()) {
                    String[] nsName = w.getKey().split("/");
                    long total = w.getValue().get(Math.min(i, w.getValue().size() - 1));
                    List<Pod> pods = reconcilePods(api, nsName[0], nsName[1]);
                    replicas.computeIfAbsent(w.getKey(), k -> new ArrayList<>()).add(pods.size());
                    producer.send(new ProducerRecord<>(
                                    "trimtab.metrics",
                                    w.getKey(),
                                    podMetrics(nsName[0], pods, total).getBytes(StandardCharsets.UTF_8)))
                            .get();
                }
                drain(printed, start);
            }
            Thread.sleep(1000);
            drain(printed, start);
        }
        System.out.printf("%nReplicas over time (one column per %d s step):%n", step / 1000);
        for (Map.Entry<String, List<Integer>> r : replicas.entrySet()) {
            StringBuilder sb = new StringBuilder(String.format("  %-10s", r.getKey()));
            r.getValue().forEach(n -> sb.append(String.format("%3d", n)));
            System.out.println(sb);
        }
        System.out.printf("%nDemand (cpu cores) for comparison:%n");
        for (Map.Entry<String, List<Long>> d : demand.entrySet()) {
            StringBuilder sb = new StringBuilder(String.format("  %-10s", d.getKey()));
            d.getValue().forEach(n -> sb.append(String.format("%4.1f", n / 1000.0)));
            System.out.println(sb);
        }
        exitCode = 0;
        return 0;
    }

    /** Creates or deletes pods so that the Deployment has as many as its replicas (ready at once). */
    private static List<Pod> reconcilePods(KubernetesClient api, String ns, String name) {
        Deployment d = api.apps().deployments().inNamespace(ns).withName(name).get();
        int want = d.getSpec().getReplicas();
        List<Pod> pods = new ArrayList<>(
                api.pods().inNamespace(ns).withLabel("app", name).list().getItems());
        pods.sort((a, b) -> a.getMetadata().getName().compareTo(b.getMetadata().getName()));
        while (pods.size() > want) {
            Pod last = pods.remove(pods.size() - 1);
            api.pods().inNamespace(ns).withName(last.getMetadata().getName()).delete();
        }
        String request = d.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getRequests()
                .get("cpu")
                .toString();
        Instant now = Instant.now();
        while (pods.size() < want) {
            String pod = name + "-" + UUID.randomUUID().toString().substring(0, 5);
            pods.add(api.pods()
                    .inNamespace(ns)
                    .resource(new PodBuilder()
                            .withNewMetadata()
                            .withName(pod)
                            .withNamespace(ns)
                            .addToLabels("app", name)
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName("app")
                            .withImage("app")
                            .withNewResources()
                            .addToRequests("cpu", new Quantity(request))
                            .endResources()
                            .endContainer()
                            .endSpec()
                            .withNewStatus()
                            .withPhase("Running")
                            .withStartTime(now.minusSeconds(600).toString())
                            .addNewCondition()
                            .withType("Ready")
                            .withStatus("True")
                            .withLastTransitionTime(now.minusSeconds(590).toString())
                            .endCondition()
                            .endStatus()
                            .build())
                    .create());
        }
        return pods;
    }

    private static String podMetrics(String ns, List<Pod> pods, long totalMilli) {
        String now = Instant.now().toString();
        StringBuilder items = new StringBuilder();
        for (Pod p : pods) {
            items.append(items.isEmpty() ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"")
                    .append(p.getMetadata().getName())
                    .append("\",\"namespace\":\"")
                    .append(ns)
                    .append("\",\"labels\":{\"app\":\"")
                    .append(p.getMetadata().getLabels().get("app"))
                    .append("\"}},\"timestamp\":\"")
                    .append(now)
                    .append("\",\"window\":\"1s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"")
                    .append(totalMilli / Math.max(1, pods.size()))
                    .append("m\"}}]}");
        }
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/trimtab/local\","
                + "\"type\":\"dev.trimtab.metrics\",\"time\":\"" + now + "\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":[" + items
                + "]}}";
    }

    private static void readDecisions(ConcurrentLinkedQueue<String> out) {
        try (KafkaConsumer<String, byte[]> c = LocalRun.consumer("trimtab-local-viewer")) {
            c.subscribe(List.of("trimtab.decisions"));
            while (true) {
                c.poll(Duration.ofMillis(200)).forEach(r -> out.add(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
    }

    private static void drain(ConcurrentLinkedQueue<String> decisions, Instant start) throws Exception {
        for (Iterator<String> it = decisions.iterator(); it.hasNext(); ) {
            JsonNode e = JSON.readTree(it.next().getBytes(StandardCharsets.UTF_8));
            it.remove();
            JsonNode d = e.get("data");
            double at = (Instant.parse(e.get("time").asText()).toEpochMilli() - start.toEpochMilli()) / 1000.0;
            System.out.printf(
                    "  %+6.1fs  %-10s %2d -> %-2d  %-20s %s%n",
                    at,
                    d.at("/target/namespace").asText() + "/"
                            + d.at("/target/name").asText(),
                    d.get("currentReplicas").asInt(),
                    d.get("desiredReplicas").asInt(),
                    d.get("reason").asText(),
                    d.get("message").asText());
        }
    }
}

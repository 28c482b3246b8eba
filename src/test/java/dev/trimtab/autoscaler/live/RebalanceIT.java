package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two instances of the packaged autoscaler (separate JVMs, the production jar) share one consumer
 * group on a real broker, against the fabric8 mock API server. Instance A scales a workload up by
 * the one pod its rate policy allows per two minutes; B joins, A shuts down (a forced rebalance),
 * and B, now the owner, receives the same high load: it must still hold, because the scale event
 * followed the workload through the state topic. Without the handover B would add a pod at once.
 */
class RebalanceIT {
    private static final String ADD = "dev.knative.apiserver.resource.add";
    private static final String UPDATE = "dev.knative.apiserver.resource.update";
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void aWorkloadsRateLimitFollowsItsPartitionToTheNextOwner() throws Exception {
        String bootstrap = EmbeddedKafka.bootstrapServers();
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try (KubernetesClient api = server.createClient();
                KafkaProducer<String, byte[]> producer = Topics.producer()) {
            Deployment d = api.apps()
                    .deployments()
                    .inNamespace("shop")
                    .resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withName("web")
                            .withNamespace("shop")
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(2)
                            .withNewSelector()
                            .addToMatchLabels("app", "web")
                            .endSelector()
                            .endSpec()
                            .build())
                    .create();
            Instant now = Instant.now();
            cluster(producer, event(ADD, now, CloudEventCodec.JSON.writeValueAsString(d)));
            for (int i = 0; i < 2; i++) {
                cluster(producer, event(ADD, now, pod(i, now)));
            }
            String policy = """
                    {"apiVersion":"trimtab.dev/v1alpha1","kind":"ScalingPolicy","metadata":{"name":"web","namespace":"shop"},
                     "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"web"},"maxReplicas":10,
                      "metrics":[{"type":"Resource","resource":{"name":"cpu","target":{"type":"Utilization","averageUtilization":50}}}],
                      "behavior":{"scaleUp":{"stabilizationWindowSeconds":0,
                                             "policies":[{"type":"Pods","value":1,"periodSeconds":600}]}}}}""";
            api.genericKubernetesResources(LiveFixture.POLICIES)
                    .inNamespace("shop")
                    .resource(CloudEventCodec.JSON.readValue(policy, GenericKubernetesResource.class))
                    .create();
            cluster(producer, event(ADD, now, policy));

            int portA = freePort();
            start("a", bootstrap, api, portA);
            await().atMost(Duration.ofSeconds(60)).until(() -> owned(portA) == 12);

            // 100% of request against a 50% target: 4 wanted, one more pod allowed per 10 minutes
            metrics(producer, 2, now());
            await().atMost(Duration.ofSeconds(30)).until(() -> replicas(api) == 3);
            // what the ApiServerSource reports next: the Deployment at 3 and the controller's new pod
            cluster(
                    producer,
                    event(
                            UPDATE,
                            now(),
                            CloudEventCodec.JSON.writeValueAsString(api.apps()
                                    .deployments()
                                    .inNamespace("shop")
                                    .withName("web")
                                    .get())));
            cluster(producer, event(ADD, now, pod(2, now)));

            int portB = freePort();
            start("b", bootstrap, api, portB);
            await().atMost(Duration.ofSeconds(60)).until(() -> owned(portA) + owned(portB) == 12 && owned(portB) > 0);
            Process a = processes.get(0);
            a.destroy(); // graceful: its partitions are revoked, and their histories written, before it leaves
            assertThat(a.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(60)).until(() -> owned(portB) == 12);

            // B owns shop/web now; the same load on the 3 pods asks for 6
            String trigger = metrics(producer, 3, now());
            JsonNode decision = decision(trigger);
            assertThat(decision.path("desiredReplicas").asInt())
                    .as("B knows the scale-up A made: the rate policy still allows nothing more (%s)", decision)
                    .isEqualTo(3);
            assertThat(decision.path("reason").asText()).isEqualTo("ScaleUpLimit");
            assertThat(replicas(api)).isEqualTo(3);
            assertThat(Files.readString(log("b"))).contains("restored 1 workload histories");
        } finally {
            server.destroy();
        }
    }

    private void start(String name, String bootstrap, KubernetesClient api, int port) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("mvn package builds the application").exists();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dkubernetes.master=" + api.getMasterUrl(),
                "-Dkubernetes.trust.certificates=true",
                "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dquarkus.http.port=" + port,
                "-Dtrimtab.autoscaler.log-holds=true",
                // the objects reach it as cluster events on Kafka (events mode; informers are the default)
                "-Dtrimtab.autoscaler.cluster-state=events",
                "-Dmp.messaging.incoming.cluster-events.enabled=true",
                // the gauge is read without a token (the mock API server answers no TokenReview)
                "-Dtrimtab.auth.metrics.protected=false",
                "-jar",
                jar.toString());
        processes.add(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile())
                .start());
    }

    private static Path log(String name) {
        return Path.of("target", "rebalance-it-" + name + ".log");
    }

    /** The instance's trimtab_autoscaler_owned_partitions gauge; 0 while it is not up. */
    private int owned(int port) {
        try {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher m = Pattern.compile("(?m)^trimtab_autoscaler_owned_partitions(?:\\{[^}]*\\})? ([0-9.]+)")
                    .matcher(body);
            return m.find() ? (int) Double.parseDouble(m.group(1)) : 0;
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private static int replicas(KubernetesClient api) {
        return api.apps()
                .deployments()
                .inNamespace("shop")
                .withName("web")
                .get()
                .getSpec()
                .getReplicas();
    }

    /** The decision whose trigger is the event {@code id}, from the decisions topic. */
    private static JsonNode decision(String id) throws Exception {
        Predicate<ConsumerRecord<String, byte[]>> triggered =
                r -> id.equals(data(r).path("trigger").path("id").asText());
        return Topics.readAll(
                        "trimtab.decisions",
                        Duration.ofSeconds(30),
                        l -> l.stream().anyMatch(triggered))
                .stream()
                .filter(triggered)
                .findFirst()
                .map(RebalanceIT::data)
                .orElseThrow(() -> new AssertionError("no decision triggered by " + id + " within 30 s"));
    }

    private static JsonNode data(ConsumerRecord<String, byte[]> r) {
        try {
            return CloudEventCodec.JSON.readTree(r.value()).path("data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like ApiServerSource through a KafkaSink: structured mode, no key. */
    private static void cluster(KafkaProducer<String, byte[]> producer, String event) throws Exception {
        ProducerRecord<String, byte[]> r =
                new ProducerRecord<>("trimtab.cluster-events", null, event.getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
    }

    /** Every one of the first {@code pods} pods at 500m of its 500m request; returns the event id. */
    private static String metrics(KafkaProducer<String, byte[]> producer, int pods, Instant at) throws Exception {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < pods; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"web-")
                    .append(i)
                    .append("\",\"namespace\":\"shop\"},\"timestamp\":\"")
                    .append(at)
                    .append("\",\"window\":\"15s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"500m\"}}]}");
        }
        String id = UUID.randomUUID().toString();
        String event =
                "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"dev.trimtab.metrics\","
                        + "\"time\":\"" + at
                        + "\",\"data\":{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\","
                        + "\"items\":[" + items + "]}}";
        ProducerRecord<String, byte[]> r =
                new ProducerRecord<>("trimtab.metrics", "shop/web", event.getBytes(StandardCharsets.UTF_8));
        r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
        producer.send(r).get();
        return id;
    }

    private static String event(String type, Instant time, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/it\",\"type\":\"" + type
                + "\",\"time\":\"" + time + "\",\"data\":" + data + "}";
    }

    private static String pod(int i, Instant now) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-" + i
                + "\",\"namespace\":\"shop\","
                + "\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":"
                + "{\"cpu\":\"500m\"}}}]},\"status\":{\"phase\":\"Running\",\"startTime\":\"" + now.minusSeconds(3600)
                + "\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\""
                + now.minusSeconds(3590) + "\"}]}}";
    }

    private static Instant now() {
        return Instant.now();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

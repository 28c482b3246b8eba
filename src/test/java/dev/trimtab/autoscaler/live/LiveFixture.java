package dev.trimtab.autoscaler.live;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the live tests share: a producer onto the embedded broker, CloudEvents for a workload (its
 * Deployment in the mock API server, pods and ScalingPolicy on the cluster-event topic) and its
 * cpu samples, and readers of the output topics. Subclasses carry the {@code @QuarkusTest} setup.
 */
abstract class LiveFixture {
    static final String ADD = "dev.knative.apiserver.resource.add";
    static final ResourceDefinitionContext POLICIES = new ResourceDefinitionContext.Builder()
            .withGroup("trimtab.dev")
            .withVersion("v1alpha1")
            .withKind("ScalingPolicy")
            .withPlural("scalingpolicies")
            .withNamespaced(true)
            .build();

    @Inject
    KubernetesClient client;

    @Inject
    AutoscalerEngine engine;

    KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void producer() {
        producer = Topics.producer();
    }

    @AfterEach
    void close() {
        producer.close();
    }

    static String event(String type, Instant time, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/test\",\"type\":\"" + type
                + "\",\"time\":\"" + time + "\",\"data\":" + data + "}";
    }

    void send(String topic, String key, String value, Map<String, String> headers) throws Exception {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
        producer.send(r).get();
    }

    void structured(String topic, String key, String json) throws Exception {
        send(topic, key, json, Map.of("content-type", "application/cloudevents+json"));
    }

    /** Creates {@code name} in the API (2 replicas) and tells the autoscaler about it, its pods and a policy. */
    String workload(String ns, String name) throws Exception {
        return workload(
                ns,
                name,
                "[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
                        + "{\"type\":\"Utilization\",\"averageUtilization\":50}}}]");
    }

    /** As {@link #workload(String, String)}, the policy with these {@code spec.metrics} (JSON). */
    String workload(String ns, String name, String metrics) throws Exception {
        return workload(ns, name, metrics, "");
    }

    /** As {@link #workload(String, String, String)}, with more spec fields ({@code "minReplicas":0,...}). */
    String workload(String ns, String name, String metrics, String moreSpec) throws Exception {
        Deployment d = client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(2)
                        .withNewSelector()
                        .addToMatchLabels("app", name)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .addToLabels("app", name)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("app")
                        .withImage("app")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        String key = ns + "/" + name;
        Instant now = Instant.now();
        structured("trimtab.cluster-events", key, event(ADD, now, CloudEventCodec.JSON.writeValueAsString(d)));
        for (int i = 0; i < 2; i++) {
            structured(
                    "trimtab.cluster-events",
                    key,
                    event(
                            ADD,
                            now,
                            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                                    + "\"metadata\":{\"name\":\"" + name + "-" + i + "\",\"namespace\":\"" + ns
                                    + "\",\"labels\":{\"app\":\""
                                    + name
                                    + "\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]},"
                                    + "\"status\":{\"phase\":\"Running\",\"startTime\":\"" + now.minusSeconds(3600)
                                    + "\",\"conditions\":"
                                    + "[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\""
                                    + now.minusSeconds(3590) + "\"}]}}"));
        }
        String policyJson = "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":"
                + "\"ScalingPolicy\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" + ns + "\"},\"spec\":"
                + "{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"" + name + "\"},"
                + "\"maxReplicas\":10,\"metrics\":" + metrics + (moreSpec.isEmpty() ? "" : "," + moreSpec) + "}}";
        client.genericKubernetesResources(POLICIES)
                .inNamespace(ns)
                .resource(CloudEventCodec.JSON.readValue(policyJson, GenericKubernetesResource.class))
                .create();
        structured("trimtab.cluster-events", key, event(ADD, now, policyJson));
        ObjectRef policy = new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", ns, name);
        await().atMost(Duration.ofSeconds(20)).until(() -> engine.knows(policy));
        return key;
    }

    /** Both pods report {@code cpu} millicores (of 500m requested). */
    String cpu(String ns, String name, int cpu) {
        Instant now = Instant.now();
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"")
                    .append(name)
                    .append('-')
                    .append(i)
                    .append("\",\"namespace\":\"")
                    .append(ns)
                    .append("\"},\"timestamp\":\"")
                    .append(now)
                    .append("\",\"window\":\"15s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"")
                    .append(cpu)
                    .append("m\"}}]}");
        }
        return event(
                "dev.trimtab.metrics",
                now,
                "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\"," + "\"items\":[" + items
                        + "]}");
    }

    /** The ScalingPolicy's status conditions as {@code type=status/reason}, once it has a status. */
    JsonNode status(String ns, String name) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.genericKubernetesResources(POLICIES)
                                .inNamespace(ns)
                                .withName(name)
                                .get()
                                .getAdditionalProperties()
                                .get("status")
                        != null);
        return CloudEventCodec.JSON.valueToTree(client.genericKubernetesResources(POLICIES)
                .inNamespace(ns)
                .withName(name)
                .get()
                .getAdditionalProperties()
                .get("status"));
    }

    /** The condition {@code type} of the policy's status, once its reason is {@code reason}. */
    JsonNode condition(String ns, String name, String type, String reason) {
        await().atMost(Duration.ofSeconds(20))
                .until(() -> reason.equals(
                        conditionOf(status(ns, name), type).path("reason").asText()));
        return conditionOf(status(ns, name), type);
    }

    private static JsonNode conditionOf(JsonNode status, String type) {
        for (JsonNode c : status.path("conditions")) {
            if (type.equals(c.path("type").asText())) {
                return c;
            }
        }
        return CloudEventCodec.JSON.createObjectNode();
    }

    int replicas(String ns, String name) {
        return client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(name)
                .get()
                .getSpec()
                .getReplicas();
    }

    static List<ConsumerRecord<String, byte[]>> readAll(
            String topic, Duration within, Predicate<List<ConsumerRecord<String, byte[]>>> until) {
        return Topics.readAll(topic, within, until);
    }

    static JsonNode json(byte[] value) throws Exception {
        return CloudEventCodec.JSON.readTree(value);
    }
}

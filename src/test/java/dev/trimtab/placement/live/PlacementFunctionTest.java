package dev.trimtab.placement.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.Topics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The placement function end to end: Node and Pod events through a real broker, the binding and
 * Events written to the (mock) API, each decision on trimtab.decisions, a malformed Node on the
 * dead-letter topic; and the scheduler extender endpoints over HTTP.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(PlacementFunctionTest.Placing.class)
class PlacementFunctionTest {
    public static class Placing implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.incoming.placement-events.enabled",
                    "true",
                    "trimtab.placement.mock-api",
                    "true",
                    "trimtab.placement.rebalance",
                    "true",
                    "trimtab.placement.rebalance-interval",
                    "200ms",
                    // small, so that an oversized record is cheap to send
                    "trimtab.autoscaler.input.max-event-bytes",
                    "8192",
                    "trimtab.autoscaler.input.max-depth",
                    "32");
        }
    }

    @Inject
    KubernetesClient client;

    static String node(String name, String cpu, String taint) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":{"
                + "\"kubernetes.io/hostname\":\"" + name + "\"}},\"spec\":{"
                + (taint == null ? "" : "\"taints\":[{\"key\":\"" + taint + "\",\"effect\":\"NoSchedule\"}]")
                + "},\"status\":{\"allocatable\":{\"cpu\":\"" + cpu
                + "\",\"memory\":\"16Gi\",\"pods\":\"110\"}}}";
    }

    static String pod(String name, String cpu) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"place\","
                + "\"labels\":{\"app\":\"web\"}},\"spec\":{\"schedulerName\":\"trimtab\",\"containers\":[{\"name\":\"app\","
                + "\"image\":\"web:1\",\"resources\":{\"requests\":{\"cpu\":\"" + cpu + "\",\"memory\":\"1Gi\"}}}]},"
                + "\"status\":{\"phase\":\"Pending\"}}";
    }

    static void send(String object) throws Exception {
        send(null, object);
    }

    static void send(String key, String object) throws Exception {
        try (KafkaProducer<String, byte[]> producer = Topics.producer()) {
            String event = "{\"specversion\":\"1.0\",\"id\":\"" + UUID.randomUUID() + "\",\"source\":\"/apiserver\","
                    + "\"type\":\"dev.knative.apiserver.resource.add\",\"time\":\"" + Instant.now() + "\",\"data\":"
                    + object + "}";
            ProducerRecord<String, byte[]> r =
                    new ProducerRecord<>("trimtab.cluster-events", key, event.getBytes(StandardCharsets.UTF_8));
            r.headers().add("content-type", "application/cloudevents+json".getBytes(StandardCharsets.UTF_8));
            producer.send(r).get();
        }
    }

    @Test
    void aPendingPodIsBoundWithAnEventAndADecisionAndAPodThatFitsNowhereIsExplained() throws Exception {
        send(node("small", "1", null));
        send(node("big", "8", null));
        send(node("tainted", "16", "dedicated"));
        Pod web = CloudEventCodec.JSON.readValue(pod("web-1", "2"), Pod.class);
        client.pods().inNamespace("place").resource(web).create();
        send(pod("web-1", "2"));
        Pod huge = CloudEventCodec.JSON.readValue(pod("huge-1", "32"), Pod.class);
        client.pods().inNamespace("place").resource(huge).create();
        send(pod("huge-1", "32"));
        send(
                "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"broken\"},\"status\":{\"allocatable\":{\"cpu\":\"many\"}}}");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> "big"
                        .equals(client.pods()
                                .inNamespace("place")
                                .withName("web-1")
                                .get()
                                .getSpec()
                                .getNodeName()));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.v1().events().inNamespace("place").list().getItems().stream()
                        .map(Event::getReason)
                        .toList()
                        .containsAll(List.of("Scheduled", "FailedScheduling")));
        List<Event> events = client.v1().events().inNamespace("place").list().getItems();
        assertThat(events)
                .filteredOn(e -> e.getReason().equals("Scheduled"))
                .singleElement()
                .satisfies(e -> assertThat(e.getMessage()).isEqualTo("Successfully assigned place/web-1 to big"));
        assertThat(events)
                .filteredOn(e -> e.getReason().equals("FailedScheduling"))
                .singleElement()
                // the other test's nodes may be in the snapshot too: its counts are not asserted
                .satisfies(e -> assertThat(e.getMessage())
                        .matches("0/\\d nodes are available: .*1 node\\(s\\) had "
                                + "untolerated taint \\{dedicated: \\}, .*\\d Insufficient cpu\\. preemption: .*"));
        assertThat(client.pods()
                        .inNamespace("place")
                        .withName("huge-1")
                        .get()
                        .getSpec()
                        .getNodeName())
                .isNull();

        List<ConsumerRecord<String, byte[]>> decisions = Topics.readAll(
                "trimtab.decisions",
                Duration.ofSeconds(20),
                l -> l.stream()
                                .filter(r -> r.key() != null && r.key().startsWith("place/"))
                                .count()
                        >= 2);
        JsonNode bound = decisions.stream()
                .filter(r -> "place/web-1".equals(r.key()))
                .map(r -> {
                    try {
                        return CloudEventCodec.JSON.readTree(r.value());
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .findFirst()
                .orElseThrow();
        assertThat(bound.path("type").asText()).isEqualTo("dev.trimtab.decision.placement");
        assertThat(bound.at("/data/node").asText()).isEqualTo("big");
        assertThat(bound.at("/data/outcome").asText()).isEqualTo("bound");
        assertThat(bound.at("/data/nodes").toString())
                .contains("\"filter\":\"NodeResourcesFit\"")
                .contains("\"filter\":\"TaintToleration\"");

        List<ConsumerRecord<String, byte[]>> dead = Topics.readAll(
                        "trimtab.placement.dead-letter",
                        Duration.ofSeconds(20),
                        l -> l.stream().anyMatch(r -> r.key() == null))
                .stream()
                .filter(r -> r.key() == null)
                .toList();
        String reason = new String(
                dead.get(0).headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8);
        assertThat(reason).contains("Node broken").contains("status.allocatable.cpu");
    }

    @Test
    void theExtenderFiltersAndPrioritizesAsKubeSchedulerAsks() {
        String args = "{\"pod\":" + pod("ext-1", "2") + ",\"nodes\":{\"items\":[" + node("e-small", "1", null) + ","
                + node("e-big", "8", null) + "," + node("e-huge", "64", null) + "]}}";
        given().contentType("application/json")
                .body(args)
                .post("/placement/extender/filter")
                .then()
                .statusCode(200)
                .body("nodes.items.metadata.name", equalTo(List.of("e-big", "e-huge")))
                // more cpu than the node has at all: preemption cannot help, so "unresolvable"
                .body("failedAndUnresolvableNodes", hasKey("e-small"))
                .body("failedAndUnresolvableNodes.e-small", equalTo("Insufficient cpu"));
        given().contentType("application/json")
                .body(args)
                .post("/placement/extender/prioritize")
                .then()
                .statusCode(200)
                .body("find { it.host == 'e-small' }.score", equalTo(0))
                .body("find { it.host == 'e-huge' }.score", equalTo(10));
        given().contentType("application/json")
                .body("{\"nodenames\":[\"e-big\"]}")
                .post("/placement/extender/filter")
                .then()
                .statusCode(400)
                .body(equalTo("pod: required, the Pod to place"));
    }

    @Test
    void aPodOnANodeTaintedAfterwardsIsRecommendedForEviction() throws Exception {
        send(node("spare-1", "8", null));
        send(node("drain-1", "8", "maintenance"));
        send(pod("old-1", "500m")
                .replace(
                        "\"namespace\":\"place\"",
                        "\"namespace\":\"rebal\",\"ownerReferences\":[{"
                                + "\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"old\",\"uid\":\"rs-1\",\"controller\":true}]")
                .replace(
                        "\"schedulerName\":\"trimtab\",",
                        "\"schedulerName\":\"default-scheduler\",\"nodeName\":\"drain-1\",")
                .replace("\"phase\":\"Pending\"", "\"phase\":\"Running\""));
        List<ConsumerRecord<String, byte[]>> records = Topics.readAll(
                "trimtab.decisions",
                Duration.ofSeconds(20),
                l -> l.stream().anyMatch(r -> "rebal/old-1".equals(r.key())));
        JsonNode rec = CloudEventCodec.JSON.readTree(records.stream()
                .filter(r -> "rebal/old-1".equals(r.key()))
                .findFirst()
                .orElseThrow()
                .value());
        assertThat(rec.path("type").asText()).isEqualTo("dev.trimtab.decision.rebalance");
        assertThat(rec.at("/data/strategy").asText()).isEqualTo("RemovePodsViolatingNodeTaints");
        assertThat(rec.at("/data/node").asText()).isEqualTo("drain-1");
        assertThat(rec.at("/data/reason").asText()).contains("maintenance");
        assertThat(rec.at("/data/outcome").asText()).isEqualTo("recommended");
    }

    @Test
    void aRecordBeyondTheInputLimitsIsDeadLetteredNamingTheLimitAndPlacementGoesOn() throws Exception {
        send(node("lim-node", "8", null));
        send(
                "limits/big",
                pod("lim-big", "100m")
                        .replace(
                                "\"labels\":{\"app\":\"web\"}",
                                "\"labels\":{\"app\":\"web\"}," + "\"annotations\":{\"pad\":\"" + "x".repeat(9000)
                                        + "\"}"));
        send("limits/deep", "[".repeat(40) + "]".repeat(40));
        Pod after = CloudEventCodec.JSON.readValue(pod("lim-after", "100m"), Pod.class);
        client.pods().inNamespace("place").resource(after).create();
        send("limits/after", pod("lim-after", "100m"));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.pods()
                                .inNamespace("place")
                                .withName("lim-after")
                                .get()
                                .getSpec()
                                .getNodeName()
                        != null);
        Map<String, String> reasons = Topics.deadLetterReasons("trimtab.placement.dead-letter", "limits/", 2);
        assertThat(reasons).containsOnlyKeys("limits/big", "limits/deep");
        assertThat(reasons.get("limits/big"))
                .matches(".*the event is \\d+ bytes, more than the 8192 accepted \\(max-event-bytes\\).*");
        assertThat(reasons.get("limits/deep"))
                .contains("the event nests JSON deeper than the 32 levels accepted (max-depth)");
    }
}

package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kafka.RetentionCheck;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * End to end through a real broker (embedded KRaft) and the fabric8 mock API server: events in on
 * Kafka, {@code /scale} written to the API, decisions out on Kafka, bad records dead-lettered.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class LiveAutoscalerTest extends LiveFixture {
    static final String UPDATE = "dev.knative.apiserver.resource.update";

    @Inject
    MeterRegistry registry;

    @Inject
    RetentionCheck retention;

    @Inject
    @Readiness
    ClusterViewHealth view;

    @Inject
    KafkaClientService kafka;

    @Inject
    MembershipLease lease;

    /**
     * The membership lease reads the real metric consumer (kafka-clients 4.1, embedded broker): once
     * it is in its group the heartbeat metric is fresh, the channel's session and heartbeat settings
     * come through, and the lease holds (gauge 0).
     */
    @Test
    void theMembershipLeaseReadsTheMetricConsumersHeartbeatAndHolds() {
        var heartbeats = new MembershipLease.ConsumerHeartbeats(kafka, "metrics");
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            MembershipLease.Reading r = heartbeats.read();
            return r != null && r.lastHeartbeatSecondsAgo() >= 0;
        });
        MembershipLease.Reading r = heartbeats.read();
        assertThat(r.lastHeartbeatSecondsAgo())
                .as("seconds since the last heartbeat")
                .isLessThan(10);
        assertThat(r.sessionTimeoutMillis()).as("as shipped (decision 0026)").isEqualTo(6_000);
        assertThat(r.heartbeatIntervalMillis()).isEqualTo(1_000);
        assertThat(lease.check()).isFalse();
        assertThat(registry.get("trimtab_autoscaler_membership_fenced").gauge().value())
                .isZero();
    }

    /**
     * Events mode (the test profile): the cluster-events channel rebuilds the view from the start of
     * trimtab.cluster-events, whose week of retention (kafka-topics/) is found at start and reported:
     * the gauge is 1 and the readiness data names the limit; readiness itself stays UP.
     */
    @Test
    void inEventsModeTheClusterEventTopicsRetentionIsReportedAtStart() {
        await().atMost(Duration.ofSeconds(20)).until(() -> retention.results().containsKey("cluster-events"));
        var result = retention.results().get("cluster-events");
        assertThat(result.topic()).isEqualTo("trimtab.cluster-events");
        assertThat(result.expiring()).as(result.describe()).isEqualTo(1);
        assertThat(result.describe()).contains("older than 7 d (retention.ms=604800000)");
        assertThat(registry.get("trimtab_cluster_events_expiring")
                        .tag("channel", "cluster-events")
                        .tag("topic", "trimtab.cluster-events")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
        var health = view.call();
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(health.getData().orElseThrow())
                .containsEntry("source", "events")
                .containsEntry("retention", result.describe());
        assertThat(retention.results())
                .as("placement and the policy audit are off here")
                .containsOnlyKeys("cluster-events");
    }

    private static boolean isRescaleOfWeb(Event e) {
        return "ScalingPolicy".equals(e.getInvolvedObject().getKind())
                && "web".equals(e.getInvolvedObject().getName())
                && "SuccessfulRescale".equals(e.getReason());
    }

    @Test
    void aMetricEventScalesTheWorkloadAndLogsTheDecision() throws Exception {
        String key = workload("shop", "web");
        structured("trimtab.metrics", key, cpu("shop", "web", 450)); // 90% of request, target 50%

        await().atMost(Duration.ofSeconds(20)).until(() -> replicas("shop", "web") == 4);

        List<ConsumerRecord<String, byte[]>> decisions = readAll(
                "trimtab.decisions", Duration.ofSeconds(20), l -> l.stream().anyMatch(r -> "shop/web".equals(r.key())));
        ConsumerRecord<String, byte[]> record = decisions.stream()
                .filter(r -> "shop/web".equals(r.key()))
                .findFirst()
                .orElseThrow();
        JsonNode decision = json(record.value());
        assertThat(decision.get("type").asText()).isEqualTo("dev.trimtab.decision.scale");
        assertThat(decision.get("partitionkey").asText()).isEqualTo("shop/web");
        assertThat(decision.at("/data/currentReplicas").asInt()).isEqualTo(2);
        assertThat(decision.at("/data/desiredReplicas").asInt()).isEqualTo(4);
        assertThat(decision.at("/data/outcome").asText()).isEqualTo("written");
        assertThat(decision.at("/data/metrics/0/current/averageUtilization").asInt())
                .isEqualTo(90);

        // on the ScalingPolicy, as the HPA's are on the HPA (ObservabilityTest checks its uid)
        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.v1().events().inNamespace("shop").list().getItems().stream()
                        .anyMatch(e -> isRescaleOfWeb(e)));
        var event = client.v1().events().inNamespace("shop").list().getItems().stream()
                .filter(LiveAutoscalerTest::isRescaleOfWeb)
                .findFirst()
                .orElseThrow();
        assertThat(event.getReason()).isEqualTo("SuccessfulRescale");
        assertThat(event.getMessage())
                .isEqualTo("New size: 4; reason: cpu resource utilization (percentage of request) above target");
        assertThat(event.getInvolvedObject().getName()).isEqualTo("web");

        await().atMost(Duration.ofSeconds(10))
                .until(() -> client.genericKubernetesResources(POLICIES)
                                .inNamespace("shop")
                                .withName("web")
                                .get()
                                .getAdditionalProperties()
                                .get("status")
                        != null);
        JsonNode status = CloudEventCodec.JSON.valueToTree(client.genericKubernetesResources(POLICIES)
                .inNamespace("shop")
                .withName("web")
                .get()
                .getAdditionalProperties()
                .get("status"));
        assertThat(status.get("currentReplicas").asInt()).isEqualTo(4);
        assertThat(status.get("desiredReplicas").asInt()).isEqualTo(4);
        assertThat(status.has("lastScaleTime")).isTrue();
        assertThat(status.at("/currentMetrics/0/current/averageUtilization").asInt())
                .isEqualTo(90);
        assertThat(status.get("conditions"))
                .extracting(c -> c.get("type").asText() + "=" + c.get("status").asText() + "/"
                        + c.get("reason").asText())
                .containsExactly(
                        "AbleToScale=True/SucceededRescale",
                        "ScalingActive=True/ValidMetricFound",
                        "ScalingLimited=False/DesiredWithinRange");
    }

    @Test
    void aPolicyOnATargetAnHpaScalesIsRefusedNamingItAndNeverWrites() throws Exception {
        String ns = "hpa" + System.nanoTime();
        structured(
                "trimtab.cluster-events",
                ns + "/web",
                event(
                        ADD,
                        Instant.now(),
                        "{\"apiVersion\":\"autoscaling/v2\","
                                + "\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web-hpa\",\"namespace\":\""
                                + ns
                                + "\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},\"minReplicas\":1,\"maxReplicas\":5}}"));
        String key = workload(ns, "web");
        structured("trimtab.metrics", key, cpu(ns, "web", 450)); // would scale to 4 if it were Trimtab's

        JsonNode able = condition(ns, "web", "AbleToScale", "TargetAlreadyScaled");
        assertThat(able.get("status").asText()).isEqualTo("False");
        assertThat(able.get("message").asText())
                .startsWith("Deployment " + ns + "/web is already scaled by " + "HorizontalPodAutoscaler " + ns
                        + "/web-hpa");
        assertThat(replicas(ns, "web")).isEqualTo(2);
        assertThat(client.v1().events().inNamespace(ns).list().getItems())
                .noneMatch(e -> "SuccessfulRescale".equals(e.getReason()));

        // the HPA is deleted: the policy owns its target again and scales it
        structured(
                "trimtab.cluster-events",
                ns + "/web",
                event(
                        "dev.knative.apiserver.resource.delete",
                        Instant.now(),
                        "{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":"
                                + "\"web-hpa\",\"namespace\":\"" + ns
                                + "\"},\"spec\":{\"scaleTargetRef\":{\"apiVersion\":"
                                + "\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":5}}"));
        structured("trimtab.metrics", key, cpu(ns, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
    }

    @Test
    void anHpaWhoseEventHasNotArrivedYetIsReadFromTheApiBeforeTheFirstWrite() throws Exception {
        String ns = "early" + System.nanoTime();
        client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("web-hpa")
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("web")
                        .endScaleTargetRef()
                        .withMaxReplicas(5)
                        .endSpec()
                        .build())
                .create();
        String key = workload(ns, "web"); // no HPA event on the topic
        structured("trimtab.metrics", key, cpu(ns, "web", 450));

        JsonNode able = condition(ns, "web", "AbleToScale", "TargetAlreadyScaled");
        assertThat(able.get("message").asText()).contains("HorizontalPodAutoscaler " + ns + "/web-hpa");
        assertThat(replicas(ns, "web")).isEqualTo(2);
    }

    @Test
    void aSecondWriterOfReplicasIsReportedAndHeldFor() throws Exception {
        String ns = "foreign" + System.nanoTime();
        String key = workload(ns, "web");
        structured("trimtab.metrics", key, cpu(ns, "web", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "web") == 4);
        double before = registry.find("trimtab_autoscaler_foreign_writes_total").counters().stream()
                .mapToDouble(Counter::count)
                .sum();

        // Trimtab's own write comes back as an update: not a second writer
        Deployment own =
                client.apps().deployments().inNamespace(ns).withName("web").get();
        structured(
                "trimtab.cluster-events",
                key,
                event(UPDATE, Instant.now(), CloudEventCodec.JSON.writeValueAsString(own)));
        // someone else sets 7
        own.getSpec().setReplicas(7);
        structured(
                "trimtab.cluster-events",
                key,
                event(UPDATE, Instant.now(), CloudEventCodec.JSON.writeValueAsString(own)));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.v1().events().inNamespace(ns).list().getItems().stream()
                        .anyMatch(e -> "ReplicasChangedByOther".equals(e.getReason())));
        var warning = client.v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> "ReplicasChangedByOther".equals(e.getReason()))
                .toList();
        assertThat(warning).hasSize(1);
        assertThat(warning.get(0).getType()).isEqualTo("Warning");
        assertThat(warning.get(0).getInvolvedObject().getName()).isEqualTo("web");
        assertThat(warning.get(0).getMessage())
                .startsWith("spec.replicas of Deployment " + ns + "/web changed from 4 to 7, "
                        + "a value Trimtab did not write (it last wrote 4)")
                .contains("holds for 300 s");
        assertThat(registry.find("trimtab_autoscaler_foreign_writes_total").counters().stream()
                        .mapToDouble(Counter::count)
                        .sum())
                .isEqualTo(before + 1);
        JsonNode able = condition(ns, "web", "AbleToScale", "ReplicasChangedByOther");
        assertThat(able.get("status").asText()).isEqualTo("False");
        assertThat(able.get("message").asText()).contains("changed from 4 to 7");

        // metrics keep coming: Trimtab holds, it does not write back over the other writer
        double held = registry.counter("trimtab_autoscaler_decisions_total", "reason", "ReplicasChangedByOther")
                .count();
        structured("trimtab.metrics", key, cpu(ns, "web", 50));
        structured("trimtab.metrics", key, cpu(ns, "web", 450)); // from 7 replicas: 10 if it decided
        await().atMost(Duration.ofSeconds(20))
                .until(() -> registry.counter("trimtab_autoscaler_decisions_total", "reason", "ReplicasChangedByOther")
                                .count()
                        >= held + 2);
        assertThat(replicas(ns, "web")).isEqualTo(4);
    }

    @Test
    void aMalformedRecordIsDeadLetteredAndTheNextGoodOneIsProcessed() throws Exception {
        String ns = "dlq" + System.nanoTime(); // other test applications may re-read this topic later
        String key = workload(ns, "api");
        send(
                "trimtab.metrics",
                key,
                "this is not a CloudEvent",
                Map.of("content-type", "application/cloudevents+json", "trace", "abc"));
        // binary mode: attributes in ce_ headers, the data as the value
        String data = cpu(ns, "api", 450);
        JsonNode structured = CloudEventCodec.JSON.readTree(data);
        send(
                "trimtab.metrics",
                key,
                structured.get("data").toString(),
                Map.of(
                        "ce_specversion",
                        "1.0",
                        "ce_id",
                        "bin-1",
                        "ce_source",
                        "/test",
                        "ce_type",
                        "dev.trimtab.metrics",
                        "ce_time",
                        structured.get("time").asText(),
                        "content-type",
                        "application/json"));

        await().atMost(Duration.ofSeconds(20)).until(() -> replicas(ns, "api") == 4);
        List<ConsumerRecord<String, byte[]>> dead = readAll(
                        "trimtab.autoscaler.dead-letter",
                        Duration.ofSeconds(20),
                        l -> l.stream().anyMatch(r -> key.equals(r.key())))
                .stream()
                .filter(r -> key.equals(r.key()))
                .toList();
        assertThat(dead).as("only the malformed record").hasSize(1);
        ConsumerRecord<String, byte[]> r = dead.get(0);
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("this is not a CloudEvent");
        assertThat(r.key()).isEqualTo(key);
        assertThat(new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8))
                .isEqualTo("abc");
        assertThat(new String(r.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                .contains("not JSON");
        assertThat(new String(r.headers().lastHeader("dead-letter-topic").value(), StandardCharsets.UTF_8))
                .isEqualTo("trimtab.metrics");
    }

    @Test
    void aWorkloadWithoutAScalingPolicyIsNeverTouched() throws Exception {
        Deployment d = client.apps()
                .deployments()
                .inNamespace("shop")
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName("free")
                        .withNamespace("shop")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(3)
                        .withNewSelector()
                        .addToMatchLabels("app", "free")
                        .endSelector()
                        .endSpec()
                        .build())
                .create();
        structured(
                "trimtab.cluster-events",
                "shop/free",
                event(ADD, Instant.now(), CloudEventCodec.JSON.writeValueAsString(d)));
        structured("trimtab.metrics", "shop/free", cpu("shop", "free", 500));
        // the policy-less workload is known but never decided on; prove the pipeline moved past it
        String key = workload("shop", "after");
        structured("trimtab.metrics", key, cpu("shop", "after", 450));
        await().atMost(Duration.ofSeconds(20)).until(() -> replicas("shop", "after") == 4);
        assertThat(replicas("shop", "free")).isEqualTo(3);
    }

    @Test
    void aConflictWithAnotherWritersScaleIsReReadReportedAndNotWrittenOver() throws Exception {
        String key = workload("shop", "raced");
        client.apps().deployments().inNamespace("shop").withName("raced").scale(3); // a change we were not told of
        structured("trimtab.metrics", key, cpu("shop", "raced", 450));

        // the /scale PUT with the stale resourceVersion gets 409; the re-read shows 3, which Trimtab never wrote
        await().atMost(Duration.ofSeconds(20))
                .until(() -> client.v1().events().inNamespace("shop").list().getItems().stream()
                        .anyMatch(e -> "raced".equals(e.getInvolvedObject().getName())
                                && "ReplicasChangedByOther".equals(e.getReason())));
        JsonNode able = condition("shop", "raced", "AbleToScale", "ReplicasChangedByOther");
        assertThat(able.get("message").asText()).contains("changed from 2 to 3");
        assertThat(replicas("shop", "raced")).isEqualTo(3);
    }
}

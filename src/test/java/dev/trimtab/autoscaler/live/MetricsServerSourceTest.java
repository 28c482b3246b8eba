package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.IngestSources;
import dev.trimtab.testing.MockKubernetes;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A cluster with only metrics-server: the autoscaler lists the PodMetrics of each target's pods
 * from {@code metrics.k8s.io} (here the mock API serves them), sends them to trimtab.metrics as
 * PodMetricsList events keyed by the workload, and a cpu Utilization policy scales on them, with
 * no metric pipeline at all. Pods of other workloads are not read for it.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(IngestSources.class)
class MetricsServerSourceTest extends LiveFixture {
    static final ResourceDefinitionContext POD_METRICS = new ResourceDefinitionContext.Builder()
            .withGroup("metrics.k8s.io")
            .withVersion("v1beta1")
            .withKind("PodMetrics")
            .withPlural("pods")
            .withNamespaced(true)
            .build();

    @Test
    void podMetricsFromMetricsServerScaleACpuPolicy() throws Exception {
        workload("ms", "web"); // cpu Utilization 50% of 500m requested, 2 pods
        Instant now = Instant.now();
        for (String pod : List.of("web-0", "web-1")) {
            podMetrics("ms", pod, "web", "450m", now);
        }
        podMetrics("ms", "other-0", "other", "5m", now); // another workload's pod: not read for web

        // 90% of the request against a 50% target: 2 -> 4
        await().atMost(Duration.ofSeconds(30)).until(() -> replicas("ms", "web") == 4);
        // a poll may fall between the two creations above (the source polls every second while the
        // app runs), so the first event can hold web-0 alone: the test looks for one with both
        List<ConsumerRecord<String, byte[]>> metrics = readAll(
                "trimtab.metrics",
                Duration.ofSeconds(10),
                l -> l.stream().anyMatch(r -> "ms/web".equals(r.key()) && items(r).size() == 2));
        List<ConsumerRecord<String, byte[]>> ours =
                metrics.stream().filter(r -> "ms/web".equals(r.key())).toList();
        assertThat(ours).isNotEmpty().allSatisfy(r -> {
            assertThat(json(r.value()).path("source").asText()).isEqualTo("/trimtab/ingest/metrics-server");
            assertThat(json(r.value()).path("data").path("kind").asText()).isEqualTo("PodMetricsList");
            assertThat(items(r)).isSubsetOf("web-0", "web-1"); // never another workload's pod
        });
        assertThat(ours).anySatisfy(r -> assertThat(items(r)).containsExactlyInAnyOrder("web-0", "web-1"));
    }

    private void podMetrics(String ns, String pod, String app, String cpu, Instant at) throws Exception {
        GenericKubernetesResource m = CloudEventCodec.JSON.readValue(
                "{\"apiVersion\":"
                        + "\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetrics\",\"metadata\":{\"name\":\"" + pod
                        + "\",\"namespace\":\""
                        + ns + "\",\"labels\":{\"app\":\"" + app + "\"}},\"timestamp\":\"" + at
                        + "\",\"window\":\"15s\","
                        + "\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"" + cpu
                        + "\",\"memory\":\"64Mi\"}}]}",
                GenericKubernetesResource.class);
        client.genericKubernetesResources(POD_METRICS)
                .inNamespace(ns)
                .resource(m)
                .create();
    }

    private static List<String> items(ConsumerRecord<String, byte[]> r) {
        List<String> names = new ArrayList<>();
        try {
            json(r.value())
                    .path("data")
                    .path("items")
                    .forEach(i -> names.add(i.path("metadata").path("name").asText()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}

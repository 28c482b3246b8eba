package dev.trimtab.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.MetricStore;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.ingest.core.MetricItem;
import dev.trimtab.testing.ApiServerEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The receivers' events are the autoscaler's own input: folded by {@link EventFolder} they store
 * the samples where the HPA's metric types read them and make due the policies that read them.
 */
class MetricEventsTest {
    static final long T = Instant.parse("2026-12-06T12:00:00Z").toEpochMilli();
    final ClusterState state = new ClusterState();
    final EventFolder folder = new EventFolder(state);

    @Test
    void podObjectAndExternalItemsFoldIntoTheStoreAndTriggerTheirPolicies() {
        cluster("shop", "web", """
                [{"type":"Pods","pods":{"metric":{"name":"http_requests"},"target":{"type":"AverageValue","averageValue":"10"}}}]""");
        cluster("shop", "worker", """
                [{"type":"External","external":{"metric":{"name":"queue_depth","selector":{"matchLabels":{"queue":"orders"}}},
                  "target":{"type":"AverageValue","averageValue":"5"}}},
                 {"type":"Object","object":{"metric":{"name":"requests"},"describedObject":{"apiVersion":"v1","kind":"Service","name":"api"},
                  "target":{"type":"Value","value":"100"}}}]""");
        List<MetricItem> items = List.of(
                new MetricItem.PodValue("shop", "web-0", "http_requests", 40_000, T),
                new MetricItem.PodValue("shop", "web-1", "http_requests", 20_000, T - 1000),
                new MetricItem.ExternalValue("shop", "queue_depth", Map.of("queue", "orders"), 42_000, T),
                new MetricItem.ObjectValue("shop", "v1", "Service", "api", "requests", 250_000, T));

        List<CloudEvent> events = new MetricEvents("/test", 1000).events(items, "t", Map.of());
        List<String> due = new ArrayList<>();
        for (CloudEvent e : events) {
            // through the codec, as the consumer reads it
            CloudEvent read = CloudEventCodec.parse(CloudEventCodec.write(e));
            folder.fold(read, T).forEach(p -> due.add(p.ref().name()));
        }

        assertThat(events)
                .extracting(e -> e.data().path("kind").asText())
                .containsExactly("MetricValueList", "ExternalMetricValue");
        assertThat(events.get(0).time()).isEqualTo(Instant.ofEpochMilli(T));
        assertThat(events.get(1).extensions()).containsEntry("namespace", "shop");
        assertThat(due).containsExactly("web", "worker", "worker");
        assertThat(state.metrics()
                        .podMetric("shop", "web-1", MetricStore.SeriesKey.of("http_requests", null))
                        .valueMilli())
                .isEqualTo(20_000);
        assertThat(state.metrics()
                        .objectMetric(new MetricStore.ObjectKey(
                                "shop", "Service", "api", MetricStore.SeriesKey.of("requests", null)))
                        .valueMilli())
                .isEqualTo(250_000);
        assertThat(state.metrics().external("shop", "queue_depth"))
                .extracting(s -> s.sample().valueMilli())
                .containsExactly(42_000L);
    }

    @Test
    void eachWorkloadGetsTheItemsItReadsKeyedByItAndListsAreSplit() {
        List<MetricItem> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(new MetricItem.PodValue("shop", "web-" + i, "m", i, T));
        }
        items.add(new MetricItem.ExternalValue("", "q", Map.of(), 7, T));
        List<Set<String>> workloads = List.of(
                Set.of("shop/web"),
                Set.of("shop/web"),
                Set.of("shop/web"),
                Set.of("shop/web"),
                Set.of(),
                Set.of("shop/web", "ops/batch"));

        Map<String, List<CloudEvent>> out = new MetricEvents("/test", 2).byWorkload(items, workloads, "r");

        assertThat(out.keySet()).containsExactly("shop/web", "ops/batch");
        List<CloudEvent> web = out.get("shop/web");
        assertThat(web).extracting(e -> e.data().path("items").size()).containsExactly(2, 2, 0);
        assertThat(web).allSatisfy(e -> assertThat(e.extensions()).containsEntry("partitionkey", "shop/web"));
        assertThat(web.get(2).data().path("metricName").asText()).isEqualTo("q");
        assertThat(web.get(2).extensions()).doesNotContainKey("namespace");
        assertThat(out.get("ops/batch"))
                .singleElement()
                .satisfies(e -> assertThat(e.extensions()).containsEntry("partitionkey", "ops/batch"));
        assertThat(web).extracting(CloudEvent::id).doesNotHaveDuplicates();
    }

    private void cluster(String ns, String name, String metrics) {
        fold("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%2$s","namespace":"%1$s"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"%2$s"}}},"status":{"replicas":2}}""".formatted(ns, name));
        for (int i = 0; i < 2; i++) {
            fold("""
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%2$s-%3$d","namespace":"%1$s","labels":{"app":"%2$s"}},
                     "spec":{"containers":[{"name":"app"}]},"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}""".formatted(ns, name, i));
        }
        fold("""
                {"apiVersion":"trimtab.dev/v1alpha1","kind":"ScalingPolicy","metadata":{"name":"%2$s","namespace":"%1$s"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"%2$s"},"maxReplicas":10,
                 "metrics":%3$s}}""".formatted(ns, name, metrics));
    }

    private void fold(String object) {
        folder.fold(ApiServerEvents.add(object, Instant.ofEpochMilli(T)), T);
    }
}

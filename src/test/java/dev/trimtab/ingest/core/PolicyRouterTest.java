package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.testing.ApiServerEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which workloads a receiver's item is sent to: those whose policies would use it when folded. */
class PolicyRouterTest {
    final ClusterState state = new ClusterState();
    final EventFolder folder = new EventFolder(state);

    @Test
    void anItemGoesToEveryWorkloadThatReadsItAndToNoOther() {
        cluster("shop", "web", "web", """
                [{"type":"Pods","pods":{"metric":{"name":"http_requests"},"target":{"type":"AverageValue","averageValue":"10"}}}]""");
        cluster("shop", "api", "api", """
                [{"type":"Pods","pods":{"metric":{"name":"http_requests","selector":{"matchLabels":{"path":"/"}}},
                  "target":{"type":"AverageValue","averageValue":"10"}}},
                 {"type":"Object","object":{"metric":{"name":"rps"},"describedObject":{"apiVersion":"v1","kind":"Service","name":"api"},
                  "target":{"type":"Value","value":"100"}}}]""");
        cluster("ops", "batch", "batch", """
                [{"type":"External","external":{"metric":{"name":"queue_depth"},"target":{"type":"AverageValue","averageValue":"5"}}}]""");
        cluster("shop", "worker", "worker", """
                [{"type":"External","external":{"metric":{"name":"queue_depth"},"target":{"type":"AverageValue","averageValue":"5"}}}]""");

        List<Set<String>> routed = new PolicyRouter(state)
                .workloads(List.of(
                        new MetricItem.PodValue("shop", "web-0", "http_requests", 1, 0),
                        new MetricItem.PodValue("shop", "api-0", "http_requests", 1, 0), // api's metric has a selector
                        new MetricItem.PodValue("shop", "web-0", "other", 1, 0),
                        new MetricItem.ObjectValue("shop", "v1", "Service", "api", "rps", 1, 0),
                        new MetricItem.ObjectValue("shop", "v1", "Service", "web", "rps", 1, 0),
                        new MetricItem.ExternalValue("", "queue_depth", Map.of(), 1, 0),
                        new MetricItem.ExternalValue("ops", "queue_depth", Map.of(), 1, 0),
                        new MetricItem.ExternalValue("dev", "queue_depth", Map.of(), 1, 0)));

        assertThat(routed)
                .containsExactly(
                        Set.of("shop/web"),
                        Set.of(),
                        Set.of(),
                        Set.of("shop/api"),
                        Set.of(),
                        Set.of("ops/batch", "shop/worker"),
                        Set.of("ops/batch"),
                        Set.of());
    }

    private void cluster(String ns, String name, String app, String metrics) {
        fold("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%2$s","namespace":"%1$s"},
                 "spec":{"replicas":2,"selector":{"matchLabels":{"app":"%3$s"}}}}""".formatted(ns, name, app));
        fold("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%2$s-0","namespace":"%1$s","labels":{"app":"%3$s"}},
                 "spec":{"containers":[{"name":"app"}]},"status":{"phase":"Running"}}""".formatted(ns, name, app));
        fold("""
                {"apiVersion":"trimtab.dev/v1alpha1","kind":"ScalingPolicy","metadata":{"name":"%2$s","namespace":"%1$s"},
                 "spec":{"scaleTargetRef":{"apiVersion":"apps/v1","kind":"Deployment","name":"%2$s"},"maxReplicas":10,
                 "metrics":%3$s}}""".formatted(ns, name, metrics));
    }

    private void fold(String object) {
        folder.fold(ApiServerEvents.add(object, Instant.parse("2026-12-06T12:00:00Z")), 1_800_000_000_000L);
    }
}

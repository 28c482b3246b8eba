package dev.trimtab.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.ingest.events.MetricEvents;
import dev.trimtab.kube.LabelSelector;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the metrics-server source sends, and the selector it lists with. */
class PodMetricsEventsTest {
    static JsonNode podMetrics(String name, String timestamp) throws Exception {
        return CloudEventCodec.JSON.readTree("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"shop\"},"
                + "\"timestamp\":\"" + timestamp + "\",\"window\":\"15s\",\"containers\":[]}");
    }

    @Test
    void onePodMetricsListPerChunkDatedByItsNewestSampleKeyedByTheWorkload() throws Exception {
        List<JsonNode> items = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            items.add(podMetrics("web-" + i, "2026-12-06T12:00:0" + i + "Z"));
        }
        List<CloudEvent> events = MetricsServerSource.podMetricsEvents(
                new MetricEvents("/trimtab/ingest/metrics-server", 2), items, "p", "shop/web");
        assertThat(events).hasSize(3);
        assertThat(events).extracting(CloudEvent::id).containsExactly("p-1", "p-2", "p-3");
        assertThat(events.get(1).time()).isEqualTo(Instant.parse("2026-12-06T12:00:03Z"));
        assertThat(events.get(2).data().path("items")).hasSize(1);
        assertThat(events.get(0).data().path("kind").asText()).isEqualTo("PodMetricsList");
        assertThat(events.get(0).extensions()).containsEntry("partitionkey", "shop/web");
        assertThat(events.get(0).source()).isEqualTo("/trimtab/ingest/metrics-server");
    }

    @Test
    void theTargetsSelectorIsTheListsLabelSelector() {
        var s = MetricsServerSource.selector(new LabelSelector(
                Map.of("app", "web"),
                List.of(
                        new LabelSelector.Requirement("tier", LabelSelector.Operator.In, Set.of("b", "a")),
                        new LabelSelector.Requirement("canary", LabelSelector.Operator.DoesNotExist, Set.of()))));
        assertThat(s.getMatchLabels()).containsExactlyEntriesOf(Map.of("app", "web"));
        assertThat(s.getMatchExpressions())
                .extracting(r -> r.getKey() + " " + r.getOperator() + " " + r.getValues())
                .containsExactly("tier In [a, b]", "canary DoesNotExist []");
    }
}

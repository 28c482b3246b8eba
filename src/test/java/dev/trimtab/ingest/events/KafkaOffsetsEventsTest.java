package dev.trimtab.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The offsets event is the one issue 16 fixes, and survives the structured-mode record it travels in. */
class KafkaOffsetsEventsTest {
    @Test
    void theDataIsTheIssuesShapeAndSurvivesTheRecord() {
        KafkaOffsets poll = new KafkaOffsets(
                "kafka:9092",
                "orders-consumer",
                List.of(new KafkaOffsets.Topic(
                        "orders",
                        List.of(new KafkaOffsets.Partition(0, 120, 100L), new KafkaOffsets.Partition(1, 50, null)))));
        CloudEvent e = KafkaOffsetsEvents.event(
                "kafka-lag-1", poll, "shop/worker-lag", "shop/worker", Instant.parse("2026-12-07T04:00:00Z"));
        assertThat(e.data().toString())
                .isEqualTo("{\"bootstrapServers\":\"kafka:9092\",\"consumerGroup\":\"orders-consumer\","
                        + "\"topics\":[{\"topic\":\"orders\",\"partitions\":[{\"partition\":0,\"endOffset\":120,\"committedOffset\":100},"
                        + "{\"partition\":1,\"endOffset\":50,\"committedOffset\":null}]}]}");
        CloudEvent back = CloudEventCodec.parse(CloudEventCodec.write(e));
        assertThat(back.type()).isEqualTo("dev.trimtab.kafka.offsets");
        assertThat(back.subject()).isEqualTo("shop/worker-lag");
        assertThat(back.source()).isEqualTo("/trimtab/ingest/kafka-lag");
        assertThat(back.time()).isEqualTo(Instant.parse("2026-12-07T04:00:00Z"));
        assertThat(back.extensions()).containsEntry("partitionkey", "shop/worker");
        assertThat(back.data().toString()).isEqualTo(e.data().toString()); // numbers parse back as ints where they fit
    }
}

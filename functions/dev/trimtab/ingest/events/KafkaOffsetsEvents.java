package dev.trimtab.ingest.events;

import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.autoscaler.events.KafkaOffsetEvents;
import dev.trimtab.cloudevents.CloudEvent;
import java.time.Instant;

/**
 * A poll of a consumer group's offsets as the CloudEvent the autoscaler reads (issue 16): type
 * {@code dev.trimtab.kafka.offsets}, {@code subject} the ScalingPolicy ({@code <namespace>/<name>})
 * it was polled for, extension {@code partitionkey} the scaled workload (the record key on
 * {@code trimtab.metrics}), data
 * {@code {"bootstrapServers": S, "consumerGroup": G, "topics": [{"topic": T, "partitions":
 * [{"partition": 0, "endOffset": 120, "committedOffset": 100}, ...]}]}} with {@code committedOffset}
 * null where the group has none.
 */
public final class KafkaOffsetsEvents {
    public static final String TYPE = KafkaOffsetEvents.TYPE;
    public static final String SOURCE = "/trimtab/ingest/kafka-lag";

    private KafkaOffsetsEvents() {}

    /** The event of {@code poll}, dated {@code time} (when its end offsets were read, or its commit seen). */
    public static CloudEvent event(String id, KafkaOffsets poll, String subject, String workload, Instant time) {
        return KafkaOffsetEvents.toEvent(poll, id, SOURCE, subject, time, workload);
    }
}

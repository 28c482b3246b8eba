package dev.trimtab.ingest.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.ingest.core.OffsetsPoll;
import java.time.Instant;
import java.util.Map;

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
    public static final String TYPE = "dev.trimtab.kafka.offsets";
    public static final String SOURCE = "/trimtab/ingest/kafka-lag";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private KafkaOffsetsEvents() {
    }

    /** The event of {@code poll}, dated {@code time} (when its end offsets were read, or its commit seen). */
    public static CloudEvent event(String id, OffsetsPoll poll, String subject, String workload, Instant time) {
        return new CloudEvent(id, SOURCE, TYPE, subject, time, "application/json", data(poll),
                Map.of("partitionkey", workload));
    }

    /** The event's data. */
    public static ObjectNode data(OffsetsPoll poll) {
        ObjectNode data = JSON.objectNode();
        data.put("bootstrapServers", poll.bootstrapServers());
        data.put("consumerGroup", poll.consumerGroup());
        ArrayNode topics = data.putArray("topics");
        for (OffsetsPoll.TopicOffsets t : poll.topics()) {
            ObjectNode topic = topics.addObject();
            topic.put("topic", t.topic());
            ArrayNode partitions = topic.putArray("partitions");
            for (OffsetsPoll.PartitionOffsets p : t.partitions()) {
                ObjectNode o = partitions.addObject();
                o.put("partition", p.partition());
                o.put("endOffset", p.endOffset());
                if (p.committedOffset() == null) {
                    o.putNull("committedOffset");
                } else {
                    o.put("committedOffset", p.committedOffset().longValue());
                }
            }
        }
        return data;
    }
}

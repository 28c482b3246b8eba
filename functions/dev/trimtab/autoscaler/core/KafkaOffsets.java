package dev.trimtab.autoscaler.core;

import java.util.List;

/**
 * One poll of a consumer group's offsets (the data of a {@code dev.trimtab.kafka.offsets} event):
 * per partition, the end offset (the next offset to be written) and the group's committed offset.
 *
 * @param bootstrapServers the cluster polled, comma-separated {@code host:port}
 * @param topics           the topics polled, in their written order
 */
public record KafkaOffsets(String bootstrapServers, String consumerGroup, List<Topic> topics) {

    public KafkaOffsets {
        topics = List.copyOf(topics);
    }

    public record Topic(String topic, List<Partition> partitions) {
        public Topic {
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * @param committedOffset the group's committed offset, or null when it has none (KEDA's
     *                        invalid offset, -1)
     */
    public record Partition(int partition, long endOffset, Long committedOffset) {}

    /** The named topic, or null when the poll does not hold it. */
    public Topic topic(String name) {
        for (Topic t : topics) {
            if (t.topic().equals(name)) {
                return t;
            }
        }
        return null;
    }
}

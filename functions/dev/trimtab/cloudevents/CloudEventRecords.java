package dev.trimtab.cloudevents;

import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A CloudEvent as a Kafka record in structured mode, keyed by its {@code partitionkey} extension. */
public final class CloudEventRecords {
    private CloudEventRecords() {}

    public static void send(Emitter<byte[]> emitter, CloudEvent event) {
        emitter.send(message(event));
    }

    /** The event as a structured-mode record keyed by its {@code partitionkey}, for callers that wait for its ack. */
    public static Message<byte[]> message(CloudEvent event) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        return Message.of(CloudEventCodec.write(event).getBytes(StandardCharsets.UTF_8))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.extensions().get("partitionkey"))
                        .withHeaders(headers)
                        .build());
    }
}

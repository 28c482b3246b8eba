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
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/cloudevents+json; charset=UTF-8".getBytes(StandardCharsets.UTF_8));
        emitter.send(Message.of(CloudEventCodec.write(event).getBytes(StandardCharsets.UTF_8))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(event.extensions().get("partitionkey")).withHeaders(headers).build()));
    }
}

package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.events.RejectReason;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Sends one record of a batch that can never be processed to the dead-letter topic, as SmallRye's
 * dead-letter-queue strategy does for single records: the original key, value and headers plus
 * {@code dead-letter-reason}, {@code -cause}, {@code -topic}, {@code -partition}, {@code -offset},
 * and {@code dead-letter-reason-code} (a {@link RejectReason}, for grouping without parsing messages).
 * The batch waits for the returned delivery (the broker's acknowledgement) before it is committed,
 * outside the engine's lock ({@link Delivery#awaitAll}).
 */
@ApplicationScoped
public class DeadLetters {
    private final Emitter<byte[]> emitter;

    @Inject
    public DeadLetters(@Channel("dead-letters") Emitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    public Delivery send(ConsumerRecord<String, byte[]> record, RuntimeException reason) {
        byte[] value = record.value() == null ? new byte[0] : record.value();
        // headers afresh for each attempt: the producer makes a sent record's headers read-only
        return Delivery.send(
                emitter,
                "dead letter of " + record.topic() + "-" + record.partition() + "@" + record.offset(),
                () -> Message.of(value)
                        .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                                .withKey(record.key())
                                .withHeaders(headers(record, reason))
                                .build()));
    }

    private static RecordHeaders headers(ConsumerRecord<String, byte[]> record, RuntimeException reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h);
        }
        header(headers, "dead-letter-reason", reason.getMessage());
        RuntimeException cause = reason.getCause() instanceof RuntimeException c ? c : reason;
        header(headers, "dead-letter-reason-code", RejectReason.of(cause).name());
        if (reason.getCause() != null) {
            header(
                    headers,
                    "dead-letter-cause",
                    String.valueOf(reason.getCause().getMessage()));
        }
        header(headers, "dead-letter-topic", record.topic());
        header(headers, "dead-letter-partition", Integer.toString(record.partition()));
        header(headers, "dead-letter-offset", Long.toString(record.offset()));
        return headers;
    }

    private static void header(RecordHeaders headers, String name, String value) {
        headers.add(name, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
    }
}

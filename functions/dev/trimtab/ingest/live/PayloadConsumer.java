package dev.trimtab.ingest.live;

import dev.trimtab.autoscaler.live.DeadLetters;
import dev.trimtab.autoscaler.live.Delivery;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.Gzip;
import dev.trimtab.ingest.core.OtlpProto;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.RemoteWrite;
import dev.trimtab.ingest.events.KafkaAdapterJson;
import dev.trimtab.ingest.events.OtlpJson;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Monitoring payloads read from a Kafka topic ({@code trimtab.monitoring} by default, channel
 * {@code monitoring-payloads}, off unless enabled), each record one payload in
 * {@code trimtab.ingest.kafka-format}: what the OpenTelemetry Collector's Kafka exporter writes
 * ({@code otlp_proto}, {@code otlp_json}), a remote-write body ({@code prometheus_remote_write},
 * snappy-compressed as sent over HTTP) or the Prometheus-to-Kafka adapter's JSON sample
 * ({@code prometheus_kafka_adapter}). Each goes the way an HTTP request does ({@link Receivers}):
 * its series to the workloads that read them. A record that can never be read goes to the
 * autoscaler's dead-letter topic with its reason, and the next is read; the record is committed only
 * once its metric events (or its dead letter) are on the broker, so a broker that does not take
 * them fails the channel uncommitted, as the metric channel does.
 */
@ApplicationScoped
public class PayloadConsumer {
    private static final Logger LOG = Logger.getLogger(PayloadConsumer.class);

    /** What the records of the topic hold. */
    public enum Format {
        otlp_proto,
        otlp_json,
        prometheus_remote_write,
        prometheus_kafka_adapter;

        String receiver() {
            return "kafka-" + name().replace('_', '-');
        }
    }

    private final Receivers receivers;
    private final DeadLetters deadLetters;
    private final IngestSettings settings;

    @Inject
    public PayloadConsumer(Receivers receivers, DeadLetters deadLetters, IngestSettings settings) {
        this.receivers = receivers;
        this.deadLetters = deadLetters;
        this.settings = settings;
    }

    @Incoming("monitoring-payloads")
    @Blocking(ordered = true)
    public void payload(ConsumerRecord<String, byte[]> record) {
        Format format = settings.kafkaFormat();
        byte[] value = record.value() == null ? new byte[0] : record.value();
        Receivers.Result result = receivers.take(format.receiver(), () -> read(format, value));
        if (result instanceof Receivers.Refused r) {
            LOG.warnf(
                    "%s record %s-%d@%d refused, to the dead-letter topic: %s",
                    format, record.topic(), record.partition(), record.offset(), r.message());
            Delivery.awaitAll(
                    List.of(deadLetters.send(record, new BadPayload(format + ": " + r.message()))),
                    settings.deliveryTimeout(),
                    Delivery.SLEEP);
        } else if (result instanceof Receivers.NotDelivered r) {
            throw new IllegalStateException(
                    "the metric events of " + record.topic() + "-" + record.partition() + "@" + record.offset()
                            + " were not taken by the broker in time; read again after a restart: " + r.message());
        }
    }

    private Payload read(Format format, byte[] value) {
        var limits = receivers.limits();
        if (value.length > limits.maxUncompressedBytes()) {
            throw new BadPayload("the record is " + value.length + " bytes, more than " + limits.maxUncompressedBytes()
                    + " (trimtab.ingest.max-uncompressed-size)");
        }
        return switch (format) {
            case otlp_proto -> OtlpProto.read(gunzipped(value), receivers.otlp(), limits);
            case otlp_json -> OtlpJson.read(gunzipped(value), receivers.otlp(), limits);
            case prometheus_remote_write -> RemoteWrite.decode(value, limits);
            case prometheus_kafka_adapter -> KafkaAdapterJson.read(value, limits);
        };
    }

    /** A record the producer gzip-compressed itself (not Kafka's own compression, which the client undoes). */
    private byte[] gunzipped(byte[] value) {
        if (value.length >= 2 && value[0] == (byte) 0x1f && value[1] == (byte) 0x8b) {
            try {
                return Gzip.decode(value, receivers.limits().maxUncompressedBytes());
            } catch (Gzip.TooLarge e) {
                throw new BadPayload(e.getMessage());
            }
        }
        return value;
    }
}

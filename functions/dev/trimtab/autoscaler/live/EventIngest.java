package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the cluster-event and metric topics (CloudEvents, structured or binary mode), decides,
 * writes {@code /scale} and logs each decision. A record that cannot be decoded or validated is
 * nacked: the channel's dead-letter-queue strategy sends it, with its original key, value and
 * headers plus {@code dead-letter-reason}, to the dead-letter topic, and consumption goes on.
 */
@ApplicationScoped
public class EventIngest {
    private static final Logger LOG = Logger.getLogger(EventIngest.class);

    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final MeterRegistry registry;

    @Inject
    public EventIngest(AutoscalerEngine engine, ScaleApplier applier, MeterRegistry registry) {
        this.engine = engine;
        this.applier = applier;
        this.registry = registry;
    }

    @Incoming("cluster-events")
    @Blocking(ordered = true)
    public void clusterEvent(ConsumerRecord<String, byte[]> record) {
        consume("cluster-events", record);
    }

    @Incoming("metrics")
    @Blocking(ordered = true)
    public void metric(ConsumerRecord<String, byte[]> record) {
        consume("metrics", record);
    }

    private void consume(String channel, ConsumerRecord<String, byte[]> record) {
        CloudEvent event;
        java.util.List<AutoscalerEngine.Evaluation> evaluations;
        try {
            event = CloudEventCodec.fromMessage(record.value(), "ce_", name -> header(record, name));
            evaluations = engine.accept(event);
        } catch (RuntimeException e) {
            registry.counter("trimtab_autoscaler_events_total", "channel", channel, "result", "rejected").increment();
            LOG.warnf("rejected %s record %s-%d@%d: %s", channel, record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            throw new RejectedRecordException(e.getMessage(), e);
        }
        registry.counter("trimtab_autoscaler_events_total", "channel", channel, "result", "accepted").increment();
        for (AutoscalerEngine.Evaluation ev : evaluations) {
            applier.apply(ev, event);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** A record that can never be processed: it goes to the dead-letter topic. */
    public static final class RejectedRecordException extends RuntimeException {
        public RejectedRecordException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

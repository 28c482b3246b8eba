package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEventCodec;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes the cluster-event and metric topics (CloudEvents, structured or binary mode). A record
 * that cannot be decoded or validated is nacked: the channel's dead-letter-queue strategy sends
 * it, with its original key, value and headers plus {@code dead-letter-reason}, to the dead-letter
 * topic, and consumption goes on.
 */
@ApplicationScoped
public class EventIngest {
    private static final Logger LOG = Logger.getLogger(EventIngest.class);

    private final Intake intake;

    @Inject
    public EventIngest(Intake intake) {
        this.intake = intake;
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
        try {
            intake.take(channel, () -> CloudEventCodec.fromMessage(record.value(), "ce_", name -> header(record, name)));
        } catch (Intake.RejectedEvent e) {
            LOG.warnf("rejected %s record %s-%d@%d: %s", channel, record.topic(), record.partition(), record.offset(),
                    e.getMessage());
            throw e;
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}

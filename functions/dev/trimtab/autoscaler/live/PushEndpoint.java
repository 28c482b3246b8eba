package dev.trimtab.autoscaler.live;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import org.jboss.logging.Logger;

/**
 * Knative push mode: a KafkaSource or Trigger POSTs each CloudEvent here (binary mode with
 * {@code ce-} headers, or structured mode). The answers follow Knative delivery: 202 when the
 * event was taken, 400 for an event that can never succeed (Knative then sends it to the
 * dead-letter sink), 503 when it should be retried.
 */
@Path("/")
public class PushEndpoint {
    private static final Logger LOG = Logger.getLogger(PushEndpoint.class);

    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final MeterRegistry registry;

    @Inject
    public PushEndpoint(AutoscalerEngine engine, ScaleApplier applier, MeterRegistry registry) {
        this.engine = engine;
        this.applier = applier;
        this.registry = registry;
    }

    @POST
    @Blocking
    public Response receive(byte[] body, @Context HttpHeaders headers) {
        CloudEvent event;
        List<AutoscalerEngine.Evaluation> evaluations;
        try {
            event = CloudEventCodec.fromMessage(body, "ce-",
                    name -> headers.getHeaderString(name.toLowerCase(Locale.ROOT)));
            evaluations = engine.accept(event);
        } catch (RuntimeException e) {
            registry.counter("trimtab_autoscaler_events_total", "channel", "http", "result", "rejected").increment();
            return Response.status(Response.Status.BAD_REQUEST).type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage()).build();
        }
        registry.counter("trimtab_autoscaler_events_total", "channel", "http", "result", "accepted").increment();
        try {
            for (AutoscalerEngine.Evaluation ev : evaluations) {
                applier.apply(ev, event);
            }
        } catch (RuntimeException e) {
            LOG.errorf(e, "event %s: applying its decisions failed", event.id());
            return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage()).build();
        }
        return Response.accepted().build();
    }
}

package dev.trimtab.autoscaler.live;

import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Knative push mode: a KafkaSource or Trigger POSTs each CloudEvent here (binary mode with
 * {@code ce-} headers, or structured mode). The answers follow Knative delivery: 202 when the
 * event was taken, its decisions are on the log and the histories they changed on the state topic
 * (so a crash after the answer shortens no window, as a metric batch's commit waits for them), 400 for an event that can never succeed (Knative then sends it to the
 * dead-letter sink), 503 when it should be retried. Only the KafkaSource's identity reaches this
 * method ({@link AccessFilter}: an audience-bound token of an allowed subject, docs/security.md);
 * a body over {@code trimtab.limits.push.max-body-size} is a 413 and is not read as an event.
 */
@Tag(name = "autoscaler", description = "Knative push mode: metric and cluster CloudEvents")
@Path("/")
public class PushEndpoint {
    private static final Logger LOG = Logger.getLogger(PushEndpoint.class);

    private final Intake intake;
    private final AccessFilter access;
    private final StateStore state;
    private final Duration deliveryTimeout;

    @Inject
    public PushEndpoint(
            Intake intake, AccessFilter access, LiveSettings settings, @Identifier(StateStore.NAME) StateStore state) {
        this.deliveryTimeout = settings.deliveryTimeout();
        this.intake = intake;
        this.access = access;
        this.state = state;
    }

    @Operation(
            operationId = "pushEvent",
            summary = "Receive one CloudEvent (Knative push mode)",
            description =
                    "A metric sample or cluster object event as a CloudEvent, binary mode (ce-* headers) or structured (application/cloudevents+json). 202 once the event was taken and its decisions logged; 400 for an event that can never succeed (the KafkaSource then dead-letters it); 413 over trimtab.limits.push.max-body-size; 503 to be retried. Only the KafkaSource's audience-bound identity may call it.")
    @POST
    @Blocking
    public Response receive(byte[] body, @Context HttpHeaders headers) {
        // a body sent without Content-Length was not measured by the access filter
        String tooLarge = access.limits().bodyTooLarge(Surface.Push, body.length);
        if (tooLarge != null) {
            return Response.status(413)
                    .type(MediaType.TEXT_PLAIN)
                    .entity(tooLarge)
                    .build();
        }
        try {
            // accepted once its decisions are on the log: a 503 makes the sender deliver it again
            long deadline = System.nanoTime() + deliveryTimeout.toNanos();
            Delivery.awaitAll(
                    intake.take("http", () -> CloudEventCodec.fromHttp(body, byName(headers), intake.codecLimits())),
                    Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
                    Delivery.SLEEP);
            // the histories its decisions changed were written before they were carried out (DurableApply);
            // what is left is the scale events of the writes, as before a metric batch's commit
            state.writeBeforeCommit(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        } catch (Intake.RejectedEvent e) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage())
                    .build();
        } catch (RuntimeException e) {
            LOG.errorf(e, "applying an event's decisions failed");
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .type(MediaType.TEXT_PLAIN)
                    .entity(e.getMessage())
                    .build();
        }
        return Response.accepted().build();
    }

    /** The request's headers by lower-case name, the first value of each (the HTTP binding's reader takes them so). */
    private static Map<String, String> byName(HttpHeaders headers) {
        Map<String, String> out = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) {
                out.putIfAbsent(name.toLowerCase(Locale.ROOT), values.get(0));
            }
        });
        return out;
    }
}

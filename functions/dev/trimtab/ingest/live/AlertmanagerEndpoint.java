package dev.trimtab.ingest.live;

import dev.trimtab.auth.core.Routes;
import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.ingest.events.AlertmanagerJson;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Alertmanager's webhook ({@code POST /alertmanager/webhook}, a {@code webhook_config} receiver,
 * payload version 4): each alert becomes the External series {@code ALERTS} with the alert's
 * labels, 1 while firing and 0 once resolved ({@link AlertmanagerJson}), dated on arrival, and is
 * forwarded to the workloads whose policies read {@code ALERTS} with a selector it matches. An
 * alert's {@code namespace} label scopes it to that namespace's policies; an alert without one is
 * seen by every namespace. Answers in the terms Alertmanager acts on: 200 once the broker has
 * every record; 400 naming the field for a notification that can never be read (Alertmanager
 * does not retry a 4xx); 413, 415; 503 when the broker did not take the records in time
 * (Alertmanager retries a 5xx). Only a caller allowed {@code create metrics/alertmanager} on
 * {@code query.trimtab.dev} reaches this method ({@link AccessFilter}).
 */
@Tag(name = "ingest", description = "Metric receivers: Prometheus remote write, OTLP, Alertmanager")
@Path(Routes.ALERTMANAGER)
public class AlertmanagerEndpoint {
    static final String RECEIVER = "alertmanager";

    private final IngestSettings settings;
    private final AccessFilter access;
    private final Receivers receivers;

    @Inject
    public AlertmanagerEndpoint(IngestSettings settings, AccessFilter access, Receivers receivers) {
        this.settings = settings;
        this.access = access;
        this.receivers = receivers;
    }

    @Operation(
            operationId = "alertmanagerWebhook",
            summary = "Receive Alertmanager webhook notifications",
            description = "Alertmanager's webhook payload (version 4, application/json). Each alert feeds the External "
                    + "series ALERTS with its labels: 1 firing, 0 resolved. 200 once every metric event it feeds is on "
                    + "trimtab.metrics; 400 naming the field; 413, 415; 503 to be retried. Needs create "
                    + "metrics/alertmanager (query.trimtab.dev).")
    @POST
    @Blocking
    public Response notify(byte[] body, @Context HttpHeaders headers) {
        Response r = answer(body, headers);
        receivers.forwarder().answered(RECEIVER, r.getStatus());
        return r;
    }

    private Response answer(byte[] body, HttpHeaders headers) {
        if (!receivers.served(settings.alertmanagerEnabled())) {
            return text(
                    404,
                    "no Alertmanager receiver here: it runs in the autoscaler function"
                            + " (trimtab.ingest.alertmanager-enabled=true and a cluster view, trimtab.autoscaler.cluster-state)");
        }
        String tooLarge = access.limits().bodyTooLarge(Surface.Ingest, body.length);
        if (tooLarge != null) {
            return text(413, tooLarge);
        }
        String type = headers.getHeaderString("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON)) {
            return text(
                    415,
                    "Content-Type: " + (type == null ? "(none)" : "\"" + type + "\"")
                            + ": Alertmanager's webhook sends application/json");
        }
        String encoding = headers.getHeaderString("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            return text(415, "Content-Encoding: \"" + encoding + "\": Alertmanager's webhook sends plain JSON");
        }
        long received = System.currentTimeMillis();
        Receivers.Result result =
                receivers.take(RECEIVER, () -> AlertmanagerJson.read(body, receivers.limits(), received), true);
        if (result instanceof Receivers.Refused r) {
            return text(400, r.message());
        }
        if (result instanceof Receivers.NotDelivered r) {
            return text(503, "not taken by the broker in time, send again: " + r.message());
        }
        Receivers.Taken taken = (Receivers.Taken) result;
        return text(
                200,
                taken.payload().series().size() + " alerts taken"
                        + (taken.skipped().isEmpty() ? "" : "; " + OtlpEndpoint.warning(taken.skipped())));
    }

    private static Response text(int status, String message) {
        return Response.status(status)
                .type(MediaType.TEXT_PLAIN)
                .entity(message)
                .build();
    }
}

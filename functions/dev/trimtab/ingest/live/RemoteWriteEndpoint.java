package dev.trimtab.ingest.live;

import dev.trimtab.auth.core.Routes;
import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.ingest.core.RemoteWrite;
import dev.trimtab.ingest.core.SeriesRules;
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
 * Prometheus remote write 1.0 ({@code POST /api/v1/write}): a snappy-compressed
 * {@code WriteRequest}, its series turned into metric events by {@link SeriesRules} and forwarded
 * to the workloads that read them ({@link MetricForwarder}). Answers as the specification asks
 * of a receiver: 204 once the broker has every record; 400 with the reason (naming the series) for
 * a request that can never succeed, which Prometheus then drops; 415 for a body that is not
 * snappy-compressed protobuf; 413 over {@code trimtab.limits.ingest.max-body-size}; 503 (retried
 * by Prometheus) when the broker did not take the records in time. Nothing of a refused request
 * is forwarded. Only a caller allowed {@code create metrics/prometheus-remote-write} on
 * {@code query.trimtab.dev} reaches this method ({@link AccessFilter}).
 */
@Tag(name = "ingest", description = "Metric receivers: Prometheus remote write")
@Path(Routes.REMOTE_WRITE)
public class RemoteWriteEndpoint {
    static final String RECEIVER = "prometheus-remote-write";

    private final IngestSettings settings;
    private final AccessFilter access;
    private final Receivers receivers;

    @Inject
    public RemoteWriteEndpoint(IngestSettings settings, AccessFilter access, Receivers receivers) {
        this.settings = settings;
        this.access = access;
        this.receivers = receivers;
    }

    @Operation(
            operationId = "remoteWrite",
            summary = "Receive Prometheus remote write 1.0",
            description = "A snappy-compressed prometheus.WriteRequest (Content-Encoding: snappy, Content-Type: "
                    + "application/x-protobuf). 204 once every metric event it feeds is on trimtab.metrics; 400 naming "
                    + "the series for a request that can never succeed; 415 for another encoding; 413 over "
                    + "trimtab.limits.ingest.max-body-size; 503 to be retried. Needs create metrics/prometheus-remote-write "
                    + "(query.trimtab.dev).")
    @POST
    @Blocking
    public Response write(byte[] body, @Context HttpHeaders headers) {
        Response r = answer(body, headers);
        receivers.forwarder().answered(RECEIVER, r.getStatus());
        return r;
    }

    private Response answer(byte[] body, HttpHeaders headers) {
        if (!receivers.served(settings.remoteWriteEnabled())) {
            return text(
                    404,
                    "no Prometheus remote-write receiver here: it runs in the autoscaler function"
                            + " (trimtab.ingest.remote-write-enabled=true and a cluster view, trimtab.autoscaler.cluster-state)");
        }
        String tooLarge = access.limits().bodyTooLarge(Surface.Ingest, body.length);
        if (tooLarge != null) {
            return text(413, tooLarge);
        }
        String encoding = headers.getHeaderString("Content-Encoding");
        if (encoding == null || !encoding.trim().equalsIgnoreCase("snappy")) {
            return text(
                    415,
                    "Content-Encoding: " + (encoding == null ? "(none)" : "\"" + encoding + "\"")
                            + ": remote write 1.0 bodies are snappy-compressed (Content-Encoding: snappy)");
        }
        String type = headers.getHeaderString("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/x-protobuf")) {
            return text(415, "Content-Type: \"" + type + "\": remote write 1.0 bodies are application/x-protobuf");
        }
        Receivers.Result result = receivers.take(RECEIVER, () -> RemoteWrite.decode(body, receivers.limits()));
        if (result instanceof Receivers.Refused r) {
            return text(400, r.message());
        }
        if (result instanceof Receivers.NotDelivered r) {
            return text(503, "not taken by the broker in time, send again: " + r.message());
        }
        return Response.noContent().build();
    }

    private static Response text(int status, String message) {
        return Response.status(status)
                .type(MediaType.TEXT_PLAIN)
                .entity(message)
                .build();
    }
}

package dev.trimtab.ingest.live;

import dev.trimtab.auth.core.Routes;
import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.autoscaler.live.AutoscalerEngine;
import dev.trimtab.ingest.core.BadPayload;
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
import org.jboss.logging.Logger;

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
@org.eclipse.microprofile.openapi.annotations.tags.Tag(name = "ingest", description = "Metric receivers: Prometheus remote write")
@Path(Routes.REMOTE_WRITE)
public class RemoteWriteEndpoint {
    static final String RECEIVER = "prometheus-remote-write";
    private static final Logger LOG = Logger.getLogger(RemoteWriteEndpoint.class);

    private final IngestSettings settings;
    private final AccessFilter access;
    private final MetricForwarder forwarder;
    private final SeriesRules rules;
    private final boolean served;

    @Inject
    public RemoteWriteEndpoint(IngestSettings settings, AccessFilter access, MetricForwarder forwarder,
                               AutoscalerEngine engine, dev.trimtab.autoscaler.live.LiveSettings live) {
        this.settings = settings;
        this.served = settings.remoteWriteEnabled() && live.clusterState() != dev.trimtab.autoscaler.live.LiveSettings.ClusterStateSource.none;
        this.access = access;
        this.forwarder = forwarder;
        var input = engine.limits();
        this.rules = new SeriesRules(settings.parsedObjectLabels(), new SeriesRules.Bounds(input.maxLabels(),
                input.maxLabelLength(), input.maxClockSkew().toMillis()));
    }

    @org.eclipse.microprofile.openapi.annotations.Operation(operationId = "remoteWrite",
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
        forwarder.answered(RECEIVER, r.getStatus());
        return r;
    }

    private Response answer(byte[] body, HttpHeaders headers) {
        if (!served) {
            return text(404, "no Prometheus remote-write receiver here: it runs in the autoscaler function"
                    + " (trimtab.ingest.remote-write-enabled=true and a cluster view, trimtab.autoscaler.cluster-state)");
        }
        String tooLarge = access.limits().bodyTooLarge(Surface.Ingest, body.length);
        if (tooLarge != null) {
            return text(413, tooLarge);
        }
        String encoding = headers.getHeaderString("Content-Encoding");
        if (encoding == null || !encoding.trim().equalsIgnoreCase("snappy")) {
            return text(415, "Content-Encoding: " + (encoding == null ? "(none)" : "\"" + encoding + "\"")
                    + ": remote write 1.0 bodies are snappy-compressed (Content-Encoding: snappy)");
        }
        String type = headers.getHeaderString("Content-Type");
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/x-protobuf")) {
            return text(415, "Content-Type: \"" + type + "\": remote write 1.0 bodies are application/x-protobuf");
        }
        RemoteWrite.Decoded decoded = null;
        SeriesRules.Conversion conversion;
        try {
            decoded = RemoteWrite.decode(body, settings.limits());
            conversion = rules.convert(decoded.series(), System.currentTimeMillis());
        } catch (BadPayload e) {
            LOG.debugf("remote write refused: %s", e.getMessage());
            forwarder.rejected(RECEIVER, decoded == null ? 0 : decoded.series().size());
            return text(400, e.getMessage());
        }
        try {
            forwarder.forward(RECEIVER, conversion.items(), concat(decoded, conversion));
        } catch (RuntimeException e) {
            forwarder.rejected(RECEIVER, decoded.series().size());
            LOG.warnf("remote write of %d series not forwarded: %s", decoded.series().size(), e.getMessage());
            return text(503, "not taken by the broker in time, send again: " + e.getMessage());
        }
        return Response.noContent().build();
    }

    private static java.util.List<dev.trimtab.ingest.core.Skipped> concat(RemoteWrite.Decoded d, SeriesRules.Conversion c) {
        java.util.List<dev.trimtab.ingest.core.Skipped> all = new java.util.ArrayList<>(d.skipped());
        all.addAll(c.skipped());
        return all;
    }

    private static Response text(int status, String message) {
        return Response.status(status).type(MediaType.TEXT_PLAIN).entity(message).build();
    }
}

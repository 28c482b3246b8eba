package dev.trimtab.ingest.live;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.auth.core.Routes;
import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.live.AccessFilter;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.Gzip;
import dev.trimtab.ingest.core.OtlpAnswers;
import dev.trimtab.ingest.core.OtlpProto;
import dev.trimtab.ingest.core.Skipped;
import dev.trimtab.ingest.events.OtlpJson;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * OTLP/HTTP metrics ({@code POST /v1/metrics}): an {@code ExportMetricsServiceRequest} in protobuf
 * ({@code application/x-protobuf}) or JSON ({@code application/json}), optionally
 * {@code Content-Encoding: gzip}, its data points turned into metric events
 * ({@link dev.trimtab.ingest.core.OtlpSeries}) and forwarded to the workloads that read them.
 * Answers as the OTLP specification asks, in the request's encoding: 200 with an
 * {@code ExportMetricsServiceResponse} (its {@code partial_success.error_message} says which
 * series fed nothing and why); 400 with a {@code google.rpc.Status} naming the field for a request
 * that can never succeed (not retried); 413 over {@code trimtab.limits.ingest.max-body-size} or,
 * inflated, {@code trimtab.ingest.max-uncompressed-size}; 415 for another content type or
 * encoding; 503 (retried) when the broker did not take the records in time. Only a caller allowed
 * {@code create metrics/otlp} on {@code query.trimtab.dev} reaches this method ({@link AccessFilter}).
 */
@Tag(name = "ingest", description = "Metric receivers: Prometheus remote write, OTLP")
@Path(Routes.OTLP_METRICS)
public class OtlpEndpoint {
    static final String RECEIVER = "otlp";
    private static final String PROTOBUF = "application/x-protobuf";
    private static final String JSON = "application/json";

    private final IngestSettings settings;
    private final AccessFilter access;
    private final Receivers receivers;

    @Inject
    public OtlpEndpoint(IngestSettings settings, AccessFilter access, Receivers receivers) {
        this.settings = settings;
        this.access = access;
        this.receivers = receivers;
    }

    @Operation(
            operationId = "otlpMetrics",
            summary = "Receive OTLP/HTTP metrics",
            description = "An opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest, protobuf "
                    + "(application/x-protobuf) or JSON (application/json), optionally Content-Encoding: gzip. 200 with "
                    + "an ExportMetricsServiceResponse once every metric event it feeds is on trimtab.metrics; 400 with a "
                    + "google.rpc.Status naming the field; 413, 415; 503 to be retried. Needs create metrics/otlp "
                    + "(query.trimtab.dev).")
    @POST
    @Blocking
    public Response export(byte[] body, @Context HttpHeaders headers) {
        String type = headers.getHeaderString("Content-Type");
        boolean json = type != null && type.toLowerCase(Locale.ROOT).startsWith(JSON);
        Response r = answer(body, headers, type, json);
        receivers.forwarder().answered(RECEIVER, r.getStatus());
        return r;
    }

    private Response answer(byte[] body, HttpHeaders headers, String type, boolean json) {
        if (!receivers.served(settings.otlpEnabled())) {
            return failure(
                    404,
                    json,
                    OtlpAnswers.INVALID_ARGUMENT,
                    "no OTLP receiver here: it runs in the autoscaler "
                            + "function (trimtab.ingest.otlp-enabled=true and a cluster view, trimtab.autoscaler.cluster-state)");
        }
        String tooLarge = access.limits().bodyTooLarge(Surface.Ingest, body.length);
        if (tooLarge != null) {
            return failure(413, json, OtlpAnswers.RESOURCE_EXHAUSTED, tooLarge);
        }
        if (!json && (type == null || !type.toLowerCase(Locale.ROOT).startsWith(PROTOBUF))) {
            return failure(
                    415,
                    false,
                    OtlpAnswers.INVALID_ARGUMENT,
                    "Content-Type: " + (type == null ? "(none)" : "\"" + type + "\"") + ": OTLP/HTTP bodies are "
                            + PROTOBUF + " or " + JSON);
        }
        String encoding = headers.getHeaderString("Content-Encoding");
        byte[] raw = body;
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("identity")) {
            if (!encoding.trim().equalsIgnoreCase("gzip")) {
                return failure(
                        415,
                        json,
                        OtlpAnswers.INVALID_ARGUMENT,
                        "Content-Encoding: \"" + encoding
                                + "\": OTLP/HTTP bodies are sent as they are or gzip-compressed");
            }
            try {
                raw = Gzip.decode(body, receivers.limits().maxUncompressedBytes());
            } catch (Gzip.TooLarge e) {
                return failure(413, json, OtlpAnswers.RESOURCE_EXHAUSTED, e.getMessage());
            } catch (BadPayload e) {
                return failure(400, json, OtlpAnswers.INVALID_ARGUMENT, e.getMessage());
            }
        }
        byte[] request = raw;
        Receivers.Result result = receivers.take(
                RECEIVER,
                () -> json
                        ? OtlpJson.read(request, receivers.otlp(), receivers.limits())
                        : OtlpProto.read(request, receivers.otlp(), receivers.limits()));
        if (result instanceof Receivers.Refused r) {
            return failure(400, json, OtlpAnswers.INVALID_ARGUMENT, r.message());
        }
        if (result instanceof Receivers.NotDelivered r) {
            return failure(
                    503, json, OtlpAnswers.UNAVAILABLE, "not taken by the broker in time, send again: " + r.message());
        }
        String warning = warning(((Receivers.Taken) result).skipped());
        if (json) {
            ObjectNode answer = JsonNodeFactory.instance.objectNode();
            if (!warning.isEmpty()) {
                answer.putObject("partialSuccess").put("errorMessage", warning);
            }
            return Response.ok(answer.toString(), JSON).build();
        }
        return Response.ok(OtlpAnswers.response(0, warning), PROTOBUF).build();
    }

    /**
     * What fed nothing, by reason, for {@code partial_success.error_message}; rejected data points
     * stay 0 (the points were taken: an unusable value is not an error, and must not be retried).
     */
    static String warning(List<Skipped> skipped) {
        if (skipped.isEmpty()) {
            return "";
        }
        Map<Skipped.Reason, Integer> byReason = new TreeMap<>();
        skipped.forEach(s -> byReason.merge(s.reason(), 1, Integer::sum));
        StringBuilder sb = new StringBuilder().append(skipped.size()).append(" series fed no metric (");
        byReason.forEach((reason, n) -> sb.append(sb.charAt(sb.length() - 1) == '(' ? "" : ", ")
                .append(reason)
                .append(' ')
                .append(n));
        return sb.append("), for example ")
                .append(skipped.get(0).series())
                .append(": ")
                .append(skipped.get(0).reason())
                .toString();
    }

    private static Response failure(int status, boolean json, int code, String message) {
        if (json) {
            ObjectNode s = JsonNodeFactory.instance.objectNode();
            s.put("code", code);
            s.put("message", message);
            return Response.status(status).type(JSON).entity(s.toString()).build();
        }
        return Response.status(status)
                .type(PROTOBUF)
                .entity(OtlpAnswers.status(code, message))
                .build();
    }
}

package dev.trimtab.ingest.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.Series;
import dev.trimtab.ingest.core.Skipped;
import dev.trimtab.ingest.core.Text;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Alertmanager webhook notification (payload {@code "version": "4"}, Alertmanager's
 * {@code webhook_config}) read as the {@value #METRIC} series Prometheus itself keeps for alerts:
 * one series per alert, its labels the alert's labels (empty values dropped), its value 1 while
 * the alert is {@code firing} and 0 once it is {@code resolved}. A policy's External metric
 * {@code ALERTS} with a label selector then counts the firing alerts it selects. Unlike
 * Prometheus' series there is no {@code alertstate} label: the value is the state, so a
 * resolved notification replaces the firing sample of the same alert instead of leaving it to go
 * stale.
 *
 * <p>A notification carries no send time: each series is dated {@code receivedMillis} (the
 * receiver's clock), or offline, without one, the newest {@code startsAt}/{@code endsAt} the
 * payload names. Alerts Alertmanager left out ({@code truncatedAlerts}, its {@code max_alerts})
 * are reported as {@link Skipped.Reason#Truncated}: the count then undercounts. Everything else
 * in the payload (annotations, group labels, URLs, fingerprints) is not needed and not read;
 * unknown fields are ignored, as senders such as Grafana add their own.
 */
public final class AlertmanagerJson {
    /** The series name, as Prometheus names its alert series. */
    public static final String METRIC = "ALERTS";

    static final int MAX_DEPTH = 16;
    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private AlertmanagerJson() {}

    /**
     * @param receivedMillis when the notification arrived; negative: date it by the newest time it names
     * @throws BadPayload naming the field, for a body that is not a version 4 notification
     */
    public static Payload read(byte[] json, IngestLimits limits, long receivedMillis) {
        if (json.length > limits.maxUncompressedBytes()) {
            throw new BadPayload("the notification is " + json.length + " bytes, more than "
                    + limits.maxUncompressedBytes() + " (trimtab.ingest.max-uncompressed-size)");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadPayload("notification: not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null
                            ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column "
                                    + e.getLocation().getColumnNr() + ")"));
        } catch (IOException e) {
            throw new BadPayload("notification: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadPayload("notification: not a JSON object");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isTextual() || !version.asText().equals("4")) {
            throw new BadPayload("version: " + (version == null ? "missing" : "got " + Text.echo(version.toString()))
                    + ", this receiver reads Alertmanager's webhook payload version \"4\"");
        }
        JsonNode alerts = root.get("alerts");
        if (alerts == null || !alerts.isArray()) {
            throw new BadPayload("alerts: " + (alerts == null ? "missing" : "got " + alerts.getNodeType())
                    + ", an array of alerts is required");
        }
        if (alerts.size() > limits.maxSeries()) {
            throw new BadPayload("alerts: " + alerts.size() + " alerts, more than " + limits.maxSeries()
                    + " (trimtab.ingest.max-series)");
        }
        List<Map<String, String>> labels = new ArrayList<>(alerts.size());
        List<Boolean> firing = new ArrayList<>(alerts.size());
        long newest = Long.MIN_VALUE;
        for (int i = 0; i < alerts.size(); i++) {
            String at = "alerts[" + i + "]";
            JsonNode alert = alerts.get(i);
            if (!alert.isObject()) {
                throw new BadPayload(at + ": got " + alert.getNodeType() + ", an alert object is required");
            }
            JsonNode status = alert.get("status");
            String s = status == null || !status.isTextual() ? null : status.asText();
            if (!"firing".equals(s) && !"resolved".equals(s)) {
                throw new BadPayload(
                        at + ".status: " + (status == null ? "missing" : "got " + Text.echo(status.toString()))
                                + ", must be \"firing\" or \"resolved\"");
            }
            firing.add(s.equals("firing"));
            labels.add(labels(alert.get("labels"), at + ".labels", limits));
            newest = Math.max(newest, time(alert.get("startsAt"), at + ".startsAt"));
            newest = Math.max(newest, time(alert.get("endsAt"), at + ".endsAt"));
        }
        long when = receivedMillis >= 0 ? receivedMillis : newest;
        if (when == Long.MIN_VALUE) {
            throw new BadPayload("alerts: no alert names a startsAt or endsAt time to date the notification by");
        }
        Map<Map<String, String>, Series> series = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            // the same alert twice in one notification: the last one stands
            series.put(labels.get(i), new Series(METRIC, labels.get(i), firing.get(i) ? 1 : 0, when));
        }
        List<Skipped> skipped = new ArrayList<>();
        JsonNode truncated = root.get("truncatedAlerts");
        if (truncated != null && !truncated.isNull()) {
            if (!truncated.canConvertToLong() || !truncated.isIntegralNumber() || truncated.asLong() < 0) {
                throw new BadPayload("truncatedAlerts: got " + Text.echo(truncated.toString())
                        + ", must be a count (an integer, 0 or more)");
            }
            if (truncated.asLong() > 0) {
                skipped.add(new Skipped(
                        truncated.asLong() + " alerts of group "
                                + Text.echo(root.path("groupKey").asText(""))
                                + " left out by Alertmanager (max_alerts)",
                        Skipped.Reason.Truncated));
            }
        }
        return new Payload(List.copyOf(series.values()), alerts.size(), skipped);
    }

    private static Map<String, String> labels(JsonNode node, String at, IngestLimits limits) {
        if (node == null || !node.isObject()) {
            throw new BadPayload(at + ": " + (node == null ? "missing" : "got " + node.getNodeType())
                    + ", an object of label names to values is required");
        }
        if (node.size() > limits.maxLabels()) {
            throw new BadPayload(at + ": " + node.size() + " labels, more than " + limits.maxLabels()
                    + " (trimtab.ingest.max-labels)");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > limits.maxLabelBytes()) {
                throw new BadPayload(at + ": a label name of " + name.getBytes(StandardCharsets.UTF_8).length
                        + " bytes, must be 1 to " + limits.maxLabelBytes() + " (trimtab.ingest.max-label-bytes)");
            }
            if (!e.getValue().isTextual()) {
                throw new BadPayload(at + "." + Text.echo(name) + ": got "
                        + e.getValue().getNodeType() + ", label values are strings");
            }
            String value = e.getValue().asText();
            if (value.getBytes(StandardCharsets.UTF_8).length > limits.maxLabelBytes()) {
                throw new BadPayload(at + "." + Text.echo(name) + ": a value of more than " + limits.maxLabelBytes()
                        + " bytes (trimtab.ingest.max-label-bytes)");
            }
            if (!value.isEmpty()) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** An RFC 3339 time in epoch milliseconds; Go's zero time (an alert without an end) and absence: MIN_VALUE. */
    private static long time(JsonNode node, String at) {
        if (node == null || node.isNull()) {
            return Long.MIN_VALUE;
        }
        try {
            Instant t = OffsetDateTime.parse(node.asText()).toInstant();
            return t.getEpochSecond() <= 0 ? Long.MIN_VALUE : t.toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new BadPayload(at + ": got " + Text.echo(node.toString()) + ", must be an RFC 3339 time");
        }
    }
}

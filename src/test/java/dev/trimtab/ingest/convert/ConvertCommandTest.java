package dev.trimtab.ingest.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.replay.ReplayCommand;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.testing.OtlpBodies;
import dev.trimtab.testing.RemoteWriteBodies;
import dev.trimtab.testing.RemoteWriteBodies.TimeSeries;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertCommandTest {
    static final long T = Instant.parse("2026-12-06T12:00:30Z").toEpochMilli();

    @TempDir
    Path dir;

    @Test
    void printsTheEventsAReceiverWouldFeedDatedBySample() throws Exception {
        Path body = dir.resolve("write.bin");
        Files.write(
                body,
                RemoteWriteBodies.snappy(List.of(
                        TimeSeries.of("http_requests", Map.of("namespace", "shop", "pod", "web-0"), 40, T),
                        TimeSeries.of("queue_depth", Map.of("queue", "orders"), 7.5, T - 1000),
                        TimeSeries.of("temperature", Map.of(), -3, T))));

        Run r = run(null, "--from", "prometheus-remote-write", body.toString());

        assertThat(r.status).as(r.err).isZero();
        List<JsonNode> events = r.lines();
        assertThat(events).hasSize(2);
        assertThat(events.get(0).path("time").asText()).isEqualTo("2026-12-06T12:00:30Z");
        assertThat(events.get(0).path("data").path("items").get(0).path("value").asText())
                .isEqualTo("40000m");
        assertThat(events.get(1).path("data").path("kind").asText()).isEqualTo("ExternalMetricValue");
        assertThat(events.get(1).path("time").asText()).isEqualTo("2026-12-06T12:00:29Z");
        assertThat(events.get(1).path("source").asText()).isEqualTo("/trimtab/ingest/prometheus-remote-write");
        assertThat(r.err).contains("skipped temperature{}: Negative").contains("3 series, 3 samples -> 2 events");
    }

    @Test
    void readsStandardInputAndItsOutputReplays() throws Exception {
        byte[] body = RemoteWriteBodies.snappy(List.of(TimeSeries.of("queue_depth", Map.of("queue", "a"), 1, T)));
        Run r = run(body, "--from=prometheus-remote-write", "-");
        assertThat(r.status).as(r.err).isZero();
        Path trace = dir.resolve("trace.jsonl");
        Files.writeString(trace, r.out);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayCommand.run(
                new String[] {trace.toString()},
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void aBodyAReceiverWouldRefuseIsRefusedWithItsReason() throws Exception {
        Path body = dir.resolve("bad.bin");
        Files.write(
                body,
                RemoteWriteBodies.snappy(
                        List.of(TimeSeries.labels(Map.of("job", "x")).sample(1, T))));
        Run r = run(null, "--from", "prometheus-remote-write", body.toString());
        assertThat(r.status).isEqualTo(1);
        assertThat(r.err).contains("refused (a receiver answers 400)").contains("has no __name__ label");
        assertThat(r.out).isEmpty();
    }

    @Test
    void otlpBodiesInEitherEncodingGzippedOrNotGiveTheSameEvents() throws Exception {
        var pod = OtlpBodies.resource(Map.of("k8s.namespace.name", "shop", "k8s.pod.name", "web-0"));
        var metrics = List.of(
                OtlpBodies.gauge(pod, "http.server.active_requests", Map.of(), 40, T),
                OtlpBodies.gauge(pod, "temperature", Map.of(), -3, T));
        byte[] proto = OtlpBodies.protobuf(metrics);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (var out = new GZIPOutputStream(gz)) {
            out.write(proto);
        }
        Run plain = run(proto, "--from", "otlp-proto", "-");
        Run gzipped = run(gz.toByteArray(), "--from", "otlp-proto", "-");
        Run json = run(OtlpBodies.json(metrics), "--from", "otlp-json", "-");
        assertThat(plain.status).as(plain.err).isZero();
        List<JsonNode> events = plain.lines();
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("time").asText()).isEqualTo("2026-12-06T12:00:30Z");
        assertThat(events.get(0).path("source").asText()).isEqualTo("/trimtab/ingest/otlp-proto");
        assertThat(events.get(0)
                        .path("data")
                        .path("items")
                        .get(0)
                        .path("metric")
                        .path("name")
                        .asText())
                .isEqualTo("http.server.active_requests");
        assertThat(plain.err)
                .contains("skipped temperature{namespace=\"shop\",pod=\"web-0\"}: Negative")
                .contains("2 series, 2 samples -> 1 events");
        assertThat(gzipped.lines()).isEqualTo(events);
        assertThat(json.lines())
                .extracting(e -> e.path("data"))
                .isEqualTo(events.stream().map(e -> e.path("data")).toList());
    }

    @Test
    void anAlertmanagerNotificationGivesOneAlertsSeriesPerAlertDatedByItsNewestTimeOrByTime() throws Exception {
        byte[] body;
        try (var in = ConvertCommandTest.class.getResourceAsStream("/alertmanager/notification-v4.json")) {
            body = in.readAllBytes();
        }
        Run r = run(body, "--from", "alertmanager", "-");
        assertThat(r.status).as(r.err).isZero();
        List<JsonNode> events = r.lines();
        assertThat(events).hasSize(3).allSatisfy(e -> {
            assertThat(e.path("time").asText()).isEqualTo("2026-12-07T09:59:30Z");
            assertThat(e.path("source").asText()).isEqualTo("/trimtab/ingest/alertmanager");
            assertThat(e.path("data").path("kind").asText()).isEqualTo("ExternalMetricValue");
        });
        assertThat(events.get(0).path("data").path("metricName").asText()).isEqualTo("ALERTS");
        assertThat(events.get(0).path("namespace").asText()).isEqualTo("shop");
        assertThat(events.get(0).path("data").path("value").asText()).isEqualTo("1000m");
        assertThat(events.get(1).path("data").path("value").asText()).isEqualTo("0m");
        assertThat(events.get(2).has("namespace"))
                .as("an alert without a namespace label: every namespace")
                .isFalse();
        assertThat(r.err).contains("3 series, 3 samples -> 3 events");

        Run dated = run(body, "--from", "alertmanager", "--time", "2026-12-07T10:00:05Z", "-");
        assertThat(dated.lines())
                .allSatisfy(e -> assertThat(e.path("time").asText()).isEqualTo("2026-12-07T10:00:05Z"));
    }

    @Test
    void usageErrorsNameWhatIsWrong() {
        assertThat(run(null).status).isEqualTo(2);
        Run other = run(null, "--from", "graphite", "x");
        assertThat(other.status).isEqualTo(2);
        assertThat(other.err)
                .contains("--from graphite is not a format this build reads: prometheus-remote-write, "
                        + "otlp-proto, otlp-json, alertmanager");
        Run time = run(null, "--from", "otlp-json", "--time", "2026-12-07T10:00:05Z", "x");
        assertThat(time.status).isEqualTo(2);
        assertThat(time.err).contains("--time dates Alertmanager notifications only");
        assertThat(run(null, "--from", "alertmanager", "--time", "now", "x").err)
                .contains("--time \"now\" is not an RFC 3339 time");
    }

    record Run(int status, String out, String err) {
        List<JsonNode> lines() throws Exception {
            List<JsonNode> out = new ArrayList<>();
            for (String l : this.out.split("\n")) {
                if (!l.isBlank()) {
                    out.add(CloudEventCodec.JSON.readTree(l));
                }
            }
            return out;
        }
    }

    private static Run run(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ConvertCommand.run(
                args,
                new ByteArrayInputStream(stdin == null ? new byte[0] : stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

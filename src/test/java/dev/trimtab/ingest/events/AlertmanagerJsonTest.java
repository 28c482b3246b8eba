package dev.trimtab.ingest.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.ingest.core.BadPayload;
import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.MetricItem;
import dev.trimtab.ingest.core.Payload;
import dev.trimtab.ingest.core.Series;
import dev.trimtab.ingest.core.SeriesRules;
import dev.trimtab.ingest.core.Skipped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AlertmanagerJsonTest {
    static final long RECEIVED = Instant.parse("2026-12-07T10:00:05Z").toEpochMilli();

    static byte[] fixture() throws IOException {
        try (InputStream in = AlertmanagerJsonTest.class.getResourceAsStream("/alertmanager/notification-v4.json")) {
            return in.readAllBytes();
        }
    }

    static Payload read(String json) {
        return AlertmanagerJson.read(json.getBytes(StandardCharsets.UTF_8), IngestLimits.defaults(), RECEIVED);
    }

    @Test
    void eachAlertIsAnAlertsSeriesOneWhileFiringZeroOnceResolved() throws Exception {
        Payload p = AlertmanagerJson.read(fixture(), IngestLimits.defaults(), RECEIVED);

        assertThat(p.samples()).isEqualTo(3);
        assertThat(p.skipped()).isEmpty();
        assertThat(p.series())
                .containsExactly(
                        new Series(
                                "ALERTS",
                                Map.of(
                                        "alertname",
                                        "QueueBacklog",
                                        "namespace",
                                        "shop",
                                        "queue",
                                        "orders",
                                        "severity",
                                        "warning",
                                        "pod",
                                        "worker-0"),
                                1,
                                RECEIVED),
                        new Series(
                                "ALERTS",
                                Map.of(
                                        "alertname",
                                        "QueueBacklog",
                                        "namespace",
                                        "shop",
                                        "queue",
                                        "payments",
                                        "severity",
                                        "warning"),
                                0,
                                RECEIVED),
                        new Series("ALERTS", Map.of("alertname", "QueueBacklog", "queue", "audit"), 1, RECEIVED));
    }

    @Test
    void offlineTheNotificationIsDatedByTheNewestTimeItNames() throws Exception {
        Payload p = AlertmanagerJson.read(fixture(), IngestLimits.defaults(), -1);
        // the resolved alert's endsAt, 10:00:00.5+01:00, is 09:00:00.5Z; the newest is the audit alert's start
        assertThat(p.series())
                .allSatisfy(s -> assertThat(s.timestampMillis())
                        .isEqualTo(Instant.parse("2026-12-07T09:59:30Z").toEpochMilli()));
        assertThatThrownBy(() -> AlertmanagerJson.read(
                        ("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\","
                                        + "\"labels\":{\"alertname\":\"A\"},\"endsAt\":\"0001-01-01T00:00:00Z\"}]}")
                                .getBytes(StandardCharsets.UTF_8),
                        IngestLimits.defaults(),
                        -1))
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining("no alert names a startsAt or endsAt time");
    }

    @Test
    void everyAlertIsAnExternalSeriesScopedByItsNamespaceLabelEvenAboutAPod() throws Exception {
        Payload p = AlertmanagerJson.read(fixture(), IngestLimits.defaults(), RECEIVED);
        SeriesRules rules = new SeriesRules(SeriesRules.DEFAULT_OBJECT_LABELS, new SeriesRules.Bounds(64, 253, 0));

        List<MetricItem> items = rules.convert(p.series(), RECEIVED, true).items();

        assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i).isInstanceOf(MetricItem.ExternalValue.class));
        MetricItem.ExternalValue orders = (MetricItem.ExternalValue) items.get(0);
        assertThat(orders.namespace()).isEqualTo("shop");
        assertThat(orders.labels()).doesNotContainKey("namespace").containsEntry("pod", "worker-0");
        assertThat(orders.milli()).isEqualTo(1000);
        assertThat(((MetricItem.ExternalValue) items.get(2)).namespace())
                .as("no namespace: every namespace")
                .isEmpty();
        // the same series by the ordinary rules would be a Pods metric of worker-0
        assertThat(rules.convert(p.series(), RECEIVED).items().get(0)).isInstanceOf(MetricItem.PodValue.class);
    }

    @Test
    void truncatedAlertsAreReportedAndTheSameAlertTwiceCountsOnce() {
        Payload p =
                read("{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"A\\\"}\",\"truncatedAlerts\":7,\"alerts\":["
                        + "{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\",\"i\":\"1\"}},"
                        + "{\"status\":\"resolved\",\"labels\":{\"i\":\"1\",\"alertname\":\"A\"}}]}");
        assertThat(p.series()).containsExactly(new Series("ALERTS", Map.of("alertname", "A", "i", "1"), 0, RECEIVED));
        assertThat(p.skipped())
                .containsExactly(new Skipped(
                        "7 alerts of group {}:{alertname=\"A\"} left out by " + "Alertmanager (max_alerts)",
                        Skipped.Reason.Truncated));
    }

    @Test
    void whatIsNotAVersion4NotificationIsRefusedNamingTheField() {
        String ok = "{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"}}";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("[]", "notification: not a JSON object");
        cases.put(
                "{\"alerts\":[]}",
                "version: missing, this receiver reads Alertmanager's webhook payload version \"4\"");
        cases.put("{\"version\":4,\"alerts\":[]}", "version: got 4,");
        cases.put("{\"version\":\"4\"}", "alerts: missing, an array of alerts is required");
        cases.put("{\"version\":\"4\",\"alerts\":{}}", "alerts: got OBJECT, an array of alerts is required");
        cases.put(
                "{\"version\":\"4\",\"alerts\":[" + ok + ",1]}", "alerts[1]: got NUMBER, an alert object is required");
        cases.put(
                "{\"version\":\"4\",\"alerts\":[{\"labels\":{}}]}",
                "alerts[0].status: missing, must be \"firing\" or \"resolved\"");
        cases.put("{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\"}]}", "alerts[0].labels: missing, an object");
        cases.put(
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"n\":1}}]}",
                "alerts[0].labels.n: got NUMBER, label values are strings");
        cases.put(
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"\":\"x\"}}]}",
                "alerts[0].labels: a label name of 0 bytes, must be 1 to 4096");
        cases.put(
                "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{},\"startsAt\":\"yesterday\"}]}",
                "alerts[0].startsAt: got \"yesterday\", must be an RFC 3339 time");
        cases.put(
                "{\"version\":\"4\",\"truncatedAlerts\":-1,\"alerts\":[]}", "truncatedAlerts: got -1, must be a count");
        cases.put("{\"version\":\"4\",\"alerts\":[]} {}", "notification: not JSON");
        cases.put("{\"version\":\"4\",\"alerts\":[" + "[".repeat(40) + "]".repeat(40) + "]}", "notification: not JSON");
        cases.forEach((json, message) -> assertThatThrownBy(() -> read(json))
                .as(json)
                .isInstanceOf(BadPayload.class)
                .hasMessageContaining(message));
    }

    @Test
    void boundsOnAlertsAndLabelsHold() {
        IngestLimits small = new IngestLimits(1 << 20, 2, 10, 2, 8);
        String alert = "{\"status\":\"firing\",\"labels\":{\"alertname\":\"A\"}}";
        assertThatThrownBy(() -> AlertmanagerJson.read(
                        ("{\"version\":\"4\",\"alerts\":[" + alert + "," + alert + "," + alert + "]}")
                                .getBytes(StandardCharsets.UTF_8),
                        small,
                        RECEIVED))
                .hasMessageContaining("alerts: 3 alerts, more than 2 (trimtab.ingest.max-series)");
        assertThatThrownBy(() -> AlertmanagerJson.read(
                        "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}}]}"
                                .getBytes(StandardCharsets.UTF_8),
                        small,
                        RECEIVED))
                .hasMessageContaining("alerts[0].labels: 3 labels, more than 2 (trimtab.ingest.max-labels)");
        assertThatThrownBy(() -> AlertmanagerJson.read(
                        "{\"version\":\"4\",\"alerts\":[{\"status\":\"firing\",\"labels\":{\"a\":\"123456789\"}}]}"
                                .getBytes(StandardCharsets.UTF_8),
                        small,
                        RECEIVED))
                .hasMessageContaining("alerts[0].labels.a: a value of more than 8 bytes");
    }

    /** Seeded mutations of the fixture: each is read or refused as a BadPayload, never another failure. */
    @Test
    void mutatedNotificationsAreReadOrRefusedNeverCrash() throws Exception {
        long seed = Long.getLong("trimtab.seed", System.nanoTime());
        Random random = new Random(seed);
        byte[] base = fixture();
        for (int n = 0; n < 5_000; n++) {
            byte[] b = base.clone();
            for (int k = 1 + random.nextInt(4); k > 0; k--) {
                b[random.nextInt(b.length)] = (byte) " {}[]\",:0a-9tfnZ\\".charAt(random.nextInt(17));
            }
            try {
                Payload p = AlertmanagerJson.read(b, IngestLimits.defaults(), RECEIVED);
                assertThat(p.series().size()).isLessThanOrEqualTo(3);
            } catch (BadPayload expected) {
                assertThat(expected.getMessage()).isNotBlank();
            } catch (RuntimeException | AssertionError e) {
                throw new AssertionError(
                        "seed " + seed + ", case " + n + ": " + new String(b, StandardCharsets.UTF_8), e);
            }
        }
    }
}

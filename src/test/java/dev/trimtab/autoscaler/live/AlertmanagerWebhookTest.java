package dev.trimtab.autoscaler.live;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.trimtab.testing.DebianTools;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.PeerProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real Alertmanager (Debian's package) receives alerts from the test and calls Trimtab's
 * webhook: "scale out while this alert fires" is a policy on the External metric {@code ALERTS}
 * with an activation threshold, and resolved alerts end it. Skipped without
 * {@code prometheus-alertmanager} on PATH, except under CI ({@code .ci/run} installs it).
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class AlertmanagerWebhookTest extends LiveFixture {
    /** One replica per firing QueueBacklog alert in the namespace; none firing: zero replicas. */
    static final String ALERTS = "[{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"ALERTS\","
            + "\"selector\":{\"matchLabels\":{\"alertname\":\"QueueBacklog\"}}},\"target\":{\"type\":\"AverageValue\","
            + "\"averageValue\":\"1\"},\"activationThreshold\":\"0\",\"ignoreNullValues\":true}}]";

    static final String SCALE_TO_ZERO = "\"minReplicas\":0,\"scaleToZero\":{\"cooldownSeconds\":0}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void alertmanagerScalesOutWhileTheAlertFiresAndResolvedAlertsEndIt() throws Exception {
        String alertmanager = DebianTools.require("prometheus-alertmanager", "prometheus-alertmanager");
        workload("am", "worker", ALERTS, SCALE_TO_ZERO);
        Path dir = Files.createTempDirectory("alertmanager");
        Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: trimtab
                  group_by: [alertname]
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1m
                receivers:
                  - name: trimtab
                    webhook_configs:
                      - url: http://127.0.0.1:%d/alertmanager/webhook
                        send_resolved: true
                """.formatted(RestAssured.port));
        int port = PeerProcess.freePort();
        try (PeerProcess p = PeerProcess.start(
                dir,
                "alertmanager",
                List.of(
                        alertmanager,
                        "--config.file=" + dir.resolve("alertmanager.yml"),
                        "--storage.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--cluster.listen-address="))) {
            URI alerts = URI.create("http://127.0.0.1:" + port + "/api/v2/alerts");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> !p.alive() || post(alerts, "[]") == 200);
            assertThat(p.alive())
                    .as("alertmanager is running (log: %s)", p.log())
                    .isTrue();

            // three QueueBacklog alerts (one per queue) in the namespace, and one of another name
            Instant start = Instant.now().minusSeconds(5);
            assertThat(post(
                            alerts,
                            alerts(start, null, "QueueBacklog", "orders", "payments", "mail")
                                    .replace(
                                            "]",
                                            ","
                                                    + alerts(start, null, "DiskFull", "data")
                                                            .substring(1))))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> replicas("am", "worker") == 3);

            // resolved: Alertmanager sends them as resolved; no QueueBacklog fires, the workload goes to zero
            assertThat(post(
                            alerts,
                            alerts(start, Instant.now().minusSeconds(1), "QueueBacklog", "orders", "payments", "mail")))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> replicas("am", "worker") == 0);
            assertThat(p.log())
                    .as("Alertmanager's notifications all succeeded")
                    .doesNotContain("Notify for alerts failed");
        }
    }

    @Test
    void aNotificationThatCannotBeReadIsRefusedNamingTheField() {
        given().contentType("application/json")
                .body("{\"version\":\"3\",\"alerts\":[]}")
                .post("/alertmanager/webhook")
                .then()
                .statusCode(400)
                .body(containsString(
                        "version: got \"3\", this receiver reads Alertmanager's webhook payload version \"4\""));
        given().contentType("application/json")
                .body("{\"version\":\"4\",\"alerts\":[{\"status\":\"pending\",\"labels\":{}}]}")
                .post("/alertmanager/webhook")
                .then()
                .statusCode(400)
                .body(containsString("alerts[0].status: got \"pending\", must be \"firing\" or \"resolved\""));
        given().contentType("text/plain")
                .body("{}")
                .post("/alertmanager/webhook")
                .then()
                .statusCode(415);
        // past trimtab.limits.ingest.max-body-size (8M): refused unread
        byte[] huge = new byte[9 << 20];
        Arrays.fill(huge, (byte) ' ');
        given().contentType("application/json")
                .body(huge)
                .post("/alertmanager/webhook")
                .then()
                .statusCode(413);
        // nesting past 16 levels is refused before any tree is built
        given().contentType("application/json")
                .body("{\"version\":\"4\",\"alerts\":" + "[".repeat(5000))
                .post("/alertmanager/webhook")
                .then()
                .statusCode(400)
                .body(containsString("notification: not JSON"));
    }

    private static String alerts(Instant start, Instant end, String name, String... queues) {
        StringBuilder sb = new StringBuilder("[");
        for (String q : queues) {
            sb.append(sb.length() == 1 ? "" : ",")
                    .append("{\"labels\":{\"alertname\":\"")
                    .append(name)
                    .append("\",\"namespace\":\"am\",\"queue\":\"")
                    .append(q)
                    .append("\"},\"startsAt\":\"")
                    .append(start)
                    .append('"')
                    .append(end == null ? "" : ",\"endsAt\":\"" + end + "\"")
                    .append('}');
        }
        return sb.append(']').toString();
    }

    private int post(URI uri, String json) throws Exception {
        try {
            return http.send(
                            HttpRequest.newBuilder(uri)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(json))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        }
    }
}

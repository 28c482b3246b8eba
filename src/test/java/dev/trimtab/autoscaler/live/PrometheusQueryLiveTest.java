package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.trimtab.testing.DebianTools;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.IngestSources;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.PeerProcess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * PromQL pull metrics end to end: a real Prometheus (Debian's package) scrapes a gauge served by
 * the test every second; a ScalingPolicy with a {@code type: Prometheus} metric (KEDA's Prometheus
 * scaler metadata) names that Prometheus, Trimtab runs the query every second, sends the value
 * through trimtab.metrics keyed by the workload, and the workload scales. A second policy names
 * the same Prometheus by a host that is not in {@code trimtab.ingest.prometheus.allowed-servers}
 * ({@code localhost} for {@code 127.0.0.1}): it is never queried, its refusals are counted, and
 * its workload keeps its replicas. Skipped without {@code prometheus} on PATH, except under CI.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(IngestSources.class)
class PrometheusQueryLiveTest extends LiveFixture {
    /** Prometheus' port, chosen before the application starts so the allow list can name it. */
    static final int PORT = IngestSources.PROMETHEUS_PORT;

    @Inject
    MeterRegistry registry;

    @Test
    void aPromqlQueryScalesTheWorkloadAndAServerNotAllowedIsNeverQueried() throws Exception {
        String prometheus = DebianTools.require("prometheus", "prometheus");
        workload("promql", "web", metric("http://127.0.0.1:" + PORT + "/"));
        workload("promql-refused", "web", metric("http://localhost:" + PORT));

        HttpServer target = PeerProcess.scrapeTarget(
                "# TYPE queue_depth gauge\nqueue_depth{queue=\"orders\"} 150\nqueue_depth{queue=\"mail\"} 100\n");
        Path dir = Files.createTempDirectory("prometheus");
        Files.writeString(
                dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: app
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                """.formatted(target.getAddress().getPort()));
        try (PeerProcess p = PeerProcess.start(
                dir,
                "prometheus",
                List.of(
                        prometheus,
                        "--config.file=" + dir.resolve("prometheus.yml"),
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + PORT))) {
            double refusedBefore = count("refused_server");
            // sum(queue_depth) = 250 against 50 per replica: 2 -> 5
            await().atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !p.alive() || replicas("promql", "web") == 5);
            assertThat(p.alive()).as("prometheus is running (log: %s)", p.log()).isTrue();
            assertThat(replicas("promql", "web")).isEqualTo(5);

            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(count("refused_server"))
                            .as("the server not allowed is refused, every pollingInterval, and counted")
                            .isGreaterThan(refusedBefore));
            assertThat(replicas("promql-refused", "web"))
                    .as("never queried, never scaled")
                    .isEqualTo(2);

            List<ConsumerRecord<String, byte[]>> records = readAll(
                    "trimtab.metrics",
                    Duration.ofSeconds(10),
                    l -> l.stream().anyMatch(r -> "promql/web".equals(r.key())));
            assertThat(records).noneMatch(r -> "promql-refused/web".equals(r.key()));
            JsonNode event = records.stream()
                    .filter(r -> "promql/web".equals(r.key()))
                    .map(PrometheusQueryLiveTest::parse)
                    .filter(e -> e.at("/data/value").asText().equals("250000m"))
                    .findFirst()
                    .orElseThrow();
            assertThat(event.path("source").asText()).isEqualTo("/trimtab/ingest/prometheus-query");
            assertThat(event.path("namespace").asText()).isEqualTo("promql");
            assertThat(event.at("/data/kind").asText()).isEqualTo("ExternalMetricValue");
            assertThat(event.at("/data/metricName").asText()).isEqualTo("s0-prometheus");
            assertThat(event.at("/data/metricLabels").toString())
                    .isEqualTo("{\"scalingpolicy.trimtab.dev/name\":\"web\"}");
            assertThat(count("ok")).isPositive();
        } finally {
            target.stop(0);
        }
    }

    private static String metric(String server) {
        return "[{\"type\":\"Prometheus\",\"prometheus\":{\"serverAddress\":\"" + server
                + "\",\"query\":\"sum(queue_depth)\","
                + "\"threshold\":\"50\",\"pollingInterval\":1,\"timeout\":2000}}]";
    }

    private double count(String result) {
        Counter c = registry.find("trimtab_ingest_queries_total")
                .tag("receiver", "prometheus-query")
                .tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }

    private static JsonNode parse(ConsumerRecord<String, byte[]> r) {
        try {
            return json(r.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

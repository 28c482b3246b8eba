package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.trimtab.testing.DebianTools;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import dev.trimtab.testing.PeerProcess;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real Prometheus (Debian's package) scrapes a target served by the test and remote-writes to
 * Trimtab; the workload whose policy reads the scraped series is scaled. Skipped without
 * {@code prometheus} on PATH, except under CI ({@code .ci/run} installs it).
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
class PrometheusRemoteWriteTest extends LiveFixture {

    @Test
    void prometheusScrapesAndRemoteWritesAndTheWorkloadScales() throws Exception {
        String prometheus = DebianTools.require("prometheus", "prometheus");
        workload("prom", "web", RemoteWriteLiveTest.PODS);

        HttpServer target = PeerProcess.scrapeTarget("# TYPE http_requests gauge\n"
                + "http_requests{namespace=\"prom\",pod=\"web-0\"} 40\n"
                + "http_requests{namespace=\"prom\",pod=\"web-1\"} 40\n");
        Path dir = Files.createTempDirectory("prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: app
                    honor_labels: true
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    queue_config:
                      batch_send_deadline: 500ms
                      min_backoff: 100ms
                      max_backoff: 1s
                    metadata_config:
                      send: false
                """.formatted(target.getAddress().getPort(), RestAssured.port));
        try (PeerProcess p = PeerProcess.start(
                dir,
                "prometheus",
                List.of(
                        prometheus,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + PeerProcess.freePort()))) {
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> !p.alive() || replicas("prom", "web") > 2);
            assertThat(p.alive()).as("prometheus is running (log: %s)", p.log()).isTrue();
            assertThat(replicas("prom", "web"))
                    .as("scaled from 2 on the written series")
                    .isGreaterThan(2);
        } finally {
            target.stop(0);
        }
    }
}

package dev.trimtab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;
import java.util.UUID;

/**
 * Every optional metric source of the autoscaler on at once, one app start for their four tests
 * (each Quarkus test profile costs an augmentation and a start, about 14 s of the suite): metrics-server
 * polled every second, PromQL queries to {@link #PROMETHEUS_PORT} only, Kafka lag from the test broker
 * only, and monitoring payloads (OTLP protobuf) from Kafka. Each test scales workloads of its own
 * namespace, so the sources do not meet.
 */
public class IngestSources implements QuarkusTestProfile {
    /** Prometheus' port, chosen before the application starts so the allow list can name it. */
    public static final int PROMETHEUS_PORT = PeerProcess.freePort();
    /** The test broker as the Kafka lag source is allowed to reach it (host:port). */
    public static final String LAG_BOOTSTRAP = EmbeddedKafka.bootstrapServers().replaceFirst("^[A-Z_]+://", "");

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("trimtab.ingest.metrics-server-enabled", "true"),
                Map.entry("trimtab.ingest.metrics-server-interval", "1s"),
                Map.entry("trimtab.ingest.prometheus.enabled", "true"),
                Map.entry("trimtab.ingest.prometheus.allowed-servers", "http://127.0.0.1:" + PROMETHEUS_PORT),
                Map.entry("trimtab.ingest.kafka-lag.enabled", "true"),
                Map.entry("trimtab.ingest.kafka-lag.allowed-servers", LAG_BOOTSTRAP),
                Map.entry("mp.messaging.incoming.monitoring-payloads.enabled", "true"),
                Map.entry(
                        "mp.messaging.incoming.monitoring-payloads.group.id",
                        "trimtab-test-monitoring-" + UUID.randomUUID()),
                Map.entry("mp.messaging.incoming.monitoring-payloads.auto.offset.reset", "earliest"),
                Map.entry("trimtab.ingest.kafka-format", "otlp_proto"));
    }
}

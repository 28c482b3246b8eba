package dev.trimtab.ingest.live;

import dev.trimtab.ingest.core.IngestLimits;
import dev.trimtab.ingest.core.SeriesRules;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The metric receivers ({@code trimtab.ingest.*}; README "Monitoring systems feed it"). */
@ConfigMapping(prefix = "trimtab.ingest")
public interface IngestSettings {
    /**
     * Serve {@code POST /api/v1/write}. Only where the autoscaler keeps a cluster view (it routes
     * each series to the workloads that read it): with {@code trimtab.autoscaler.cluster-state=none}
     * (the policy and placement functions) the path answers 404 all the same.
     */
    @WithDefault("true")
    boolean remoteWriteEnabled();

    /**
     * Serve {@code POST /v1/metrics} (OTLP/HTTP, protobuf and JSON), where the autoscaler keeps a
     * cluster view, as {@link #remoteWriteEnabled()}.
     */
    @WithDefault("true")
    boolean otlpEnabled();

    /**
     * Serve {@code POST /alertmanager/webhook} (Alertmanager's webhook, payload version 4), where
     * the autoscaler keeps a cluster view, as {@link #remoteWriteEnabled()}.
     */
    @WithDefault("true")
    boolean alertmanagerEnabled();

    /**
     * Read metrics-server's pod metrics ({@code metrics.k8s.io}) for the workloads this instance
     * decides for whose policies read a resource metric ({@link MetricsServerSource}).
     */
    @WithDefault("false")
    boolean metricsServerEnabled();

    /** How often metrics-server is read: the HPA's sync period by default. */
    @WithDefault("15s")
    Duration metricsServerInterval();

    /** PromQL queries of {@code type: Prometheus} metrics ({@link PrometheusQuerySource}). */
    Prometheus prometheus();

    /** {@code trimtab.ingest.prometheus.*}. */
    interface Prometheus {
        /** Run the PromQL queries of the policies this instance decides for. */
        @WithDefault("false")
        boolean enabled();

        /**
         * The only servers queried, as base URLs {@code scheme://host[:port][/path]}, comma-separated;
         * a policy's {@code serverAddress} must match one (scheme, host and port; a longer path is
         * allowed). None (the default): every query is refused and counted.
         */
        Optional<List<String>> allowedServers();

        /** Queries run at once, at most; the others wait for their next turn. */
        @WithDefault("4")
        int concurrency();
    }

    /** The live source of Kafka-lag metrics ({@link KafkaLagSource}, docs/decisions/0034). */
    KafkaLag kafkaLag();

    /** {@code trimtab.ingest.kafka-lag.*}. */
    interface KafkaLag {
        /** Read the offsets of the consumer groups the policies this instance decides for watch. */
        @WithDefault("false")
        boolean enabled();

        /**
         * The only brokers connected to, as {@code host:port}, comma-separated; every entry of a
         * policy's {@code bootstrapServers} must be one. None (the default): every metric is refused
         * and counted.
         */
        Optional<List<String>> allowedServers();

        /** How often the end offsets are read and every watched group's offsets sent. */
        @WithDefault("1s")
        Duration interval();

        /** Between two polls, an event follows a commit at most this often per metric. */
        @WithDefault("100ms")
        Duration commitGap();

        /** Clusters read at once, at most; metrics on more are refused (over_limit). */
        @WithDefault("8")
        int maxClusters();

        /** Consumer groups watched per cluster, at most. */
        @WithDefault("200")
        int maxGroups();

        /** Partitions whose end offsets are read per cluster, and committed offsets kept per group, at most. */
        @WithDefault("10000")
        int maxPartitions();

        /** How long one Admin request (end offsets, topics, a group's offsets) may take. */
        @WithDefault("5s")
        Duration requestTimeout();

        /** Every group's offsets are read again whole this often, beside the log (a safety net). */
        @WithDefault("5m")
        Duration reseedInterval();
    }

    /**
     * What each record of the {@code monitoring-payloads} channel's topic holds (the channel is off
     * unless {@code mp.messaging.incoming.monitoring-payloads.enabled=true}).
     */
    @WithDefault("otlp_proto")
    PayloadConsumer.Format kafkaFormat();

    /**
     * How long a request waits for the broker to take its records before it is answered 503
     * (the sender retries): shorter than Prometheus' {@code remote_timeout} (30 s), so a broker
     * outage does not hold a worker thread per retried request for the autoscaler's 2 minutes.
     */
    @WithDefault("10s")
    Duration deliveryTimeout();

    /** The largest uncompressed body, in bytes, checked against what the body declares before decoding. */
    @WithDefault("33554432")
    int maxUncompressedSize();

    @WithDefault("100000")
    int maxSeries();

    @WithDefault("1000000")
    int maxSamples();

    @WithDefault("128")
    int maxLabels();

    @WithDefault("4096")
    int maxLabelBytes();

    /**
     * Labels that name an object in the series' namespace, in the order they are tried, each
     * {@code label=apiVersion/Kind} (core kinds: {@code label=v1/Kind}).
     */
    @WithDefault(
            "deployment=apps/v1/Deployment,statefulset=apps/v1/StatefulSet,service=v1/Service,ingress=networking.k8s.io/v1/Ingress")
    List<String> objectLabels();

    default IngestLimits limits() {
        return new IngestLimits(maxUncompressedSize(), maxSeries(), maxSamples(), maxLabels(), maxLabelBytes());
    }

    /**
     * The object labels, parsed.
     *
     * @throws IllegalArgumentException naming the property and the entry that is not {@code label=apiVersion/Kind}
     */
    default List<SeriesRules.ObjectLabel> parsedObjectLabels() {
        List<SeriesRules.ObjectLabel> out = new ArrayList<>();
        for (String entry : objectLabels()) {
            int eq = entry.indexOf('=');
            int slash = entry.lastIndexOf('/');
            if (eq <= 0 || slash <= eq + 1 || slash == entry.length() - 1) {
                throw new IllegalArgumentException("trimtab.ingest.object-labels: \"" + entry
                        + "\" is not label=apiVersion/Kind (for example deployment=apps/v1/Deployment)");
            }
            out.add(new SeriesRules.ObjectLabel(
                    entry.substring(0, eq).trim(),
                    entry.substring(eq + 1, slash).trim(),
                    entry.substring(slash + 1).trim()));
        }
        return out;
    }
}

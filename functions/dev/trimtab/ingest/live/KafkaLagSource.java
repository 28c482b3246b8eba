package dev.trimtab.ingest.live;

import dev.trimtab.autoscaler.live.AutoscalerEngine;
import dev.trimtab.autoscaler.live.LiveSettings;
import dev.trimtab.ingest.core.AllowedBrokers;
import dev.trimtab.ingest.core.LagWatch;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Kafka-lag metrics, live (issue 16, docs/decisions/0034): the offsets of the consumer groups that
 * the {@code type: Kafka} metrics of the policies this instance decides for name, read as they
 * change, and sent as {@code dev.trimtab.kafka.offsets} events to {@code trimtab.metrics}, keyed by
 * the scaled workload, so that the owner decides on them like on any metric event (recorded,
 * replayable). Commits are learnt from the group coordinator's log, {@code __consumer_offsets}, as
 * they are written (as LinkedIn's Burrow does); end offsets from the brokers every
 * {@code trimtab.ingest.kafka-lag.interval} (1 s); see {@link ClusterLagReader}.
 *
 * <p>Only clusters whose brokers are all in {@code trimtab.ingest.kafka-lag.allowed-servers} are
 * read, with Trimtab's own Kafka credentials: a policy author cannot make Trimtab connect elsewhere.
 * Off unless {@code trimtab.ingest.kafka-lag.enabled=true}. Every poll of every metric is counted
 * ({@code trimtab_ingest_queries_total{receiver="kafka-lag",result}}), and a problem logged at WARN
 * at most once a minute per cluster or metric.
 */
@Startup // a bad allow list fails the start, naming the property
@ApplicationScoped
public class KafkaLagSource {
    static final String ALLOWED_PROPERTY = "trimtab.ingest.kafka-lag.allowed-servers";
    private static final Logger LOG = Logger.getLogger(KafkaLagSource.class);

    private final AutoscalerEngine engine;
    private final KafkaLagRunner runner;

    @Inject
    public KafkaLagSource(
            AutoscalerEngine engine,
            MetricForwarder forwarder,
            MeterRegistry registry,
            IngestSettings settings,
            LiveSettings live,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.engine = engine;
        IngestSettings.KafkaLag s = settings.kafkaLag();
        AllowedBrokers allowed =
                AllowedBrokers.parse(ALLOWED_PROPERTY, s.allowedServers().orElse(List.of()));
        KafkaLagRunner.Options options = new KafkaLagRunner.Options(
                s.interval(),
                s.commitGap(),
                s.maxClusters(),
                s.maxGroups(),
                s.maxPartitions(),
                s.requestTimeout(),
                s.reseedInterval());
        boolean enabled = s.enabled() && live.clusterState() != LiveSettings.ClusterStateSource.none;
        this.runner = !enabled
                ? null
                : new KafkaLagRunner(
                        options,
                        allowed,
                        this::watches,
                        kafka,
                        byWorkload -> {
                            int sent = forwarder.send(byWorkload);
                            forwarder.forwarded(LagOutcomes.RECEIVER, sent);
                        },
                        registry,
                        Clock.systemUTC());
        if (enabled && allowed.servers().isEmpty()) {
            LOG.warnf("Kafka-lag metrics are on but %s is empty: every metric is refused", ALLOWED_PROPERTY);
        }
    }

    void start(@Observes StartupEvent ignored) {
        if (runner != null) {
            runner.start();
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (runner != null) {
            runner.close();
        }
    }

    /**
     * The Kafka metrics to watch: those of the policies this instance decides for
     * ({@link AutoscalerEngine#kafkaReaders()}), as {@link PrometheusQuerySource} runs
     * {@code promReaders()}.
     */
    List<LagWatch> watches() {
        return engine.kafkaReaders().stream()
                .map(r -> new LagWatch(
                        r.workload(),
                        r.policy().namespace(),
                        r.policy().name(),
                        r.index(),
                        r.bootstrapServers(),
                        r.consumerGroup(),
                        r.topic()))
                .toList();
    }
}

package dev.trimtab.ingest.live;

import dev.trimtab.autoscaler.core.PromQuery;
import dev.trimtab.autoscaler.live.AutoscalerEngine;
import dev.trimtab.autoscaler.live.LiveSettings;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.ingest.core.AllowedServers;
import dev.trimtab.ingest.core.MetricItem;
import dev.trimtab.ingest.core.PullSchedule;
import dev.trimtab.ingest.events.MetricEvents;
import dev.trimtab.ingest.events.PromQueryAnswers;
import dev.trimtab.ingest.events.PromQueryAnswers.Answer;
import dev.trimtab.ingest.events.PromQueryAnswers.Result;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * PromQL pull metrics, KEDA's Prometheus scaler (README "PromQL queries (pull)", decision 0031):
 * every second, each instance starts the queries of the {@code type: Prometheus} metrics of the
 * policies it decides for ({@link AutoscalerEngine#promReaders()}) whose {@code pollingInterval}
 * has passed, as instant queries {@code GET <serverAddress>/api/v1/query?query=…&time=<now>} (plus
 * {@code namespace} and {@code queryParameters}, with {@code customHeaders}), on at most
 * {@code trimtab.ingest.prometheus.concurrency} threads, one query per metric in flight. No
 * redirect is followed, the whole exchange is bounded by the metric's {@code timeout}, and the body
 * is read to {@link PromQueryAnswers#MAX_BODY} at most. A value becomes the metric event
 * {@code ExternalMetricValue} {@code s<i>-prometheus} with the label
 * {@code scalingpolicy.trimtab.dev/name}, dated by the query's evaluation time and sent to
 * {@code trimtab.metrics} keyed by the workload: the owner decides on it like on any metric event
 * (recorded, replayable). An error sends nothing, so the series goes stale and the metric fails
 * (KEDA's fallback counts it). Every query is counted
 * ({@code trimtab_ingest_queries_total{receiver="prometheus-query",result}}) and a failure logged
 * at WARN at most once a minute per metric.
 *
 * <p>Only servers in {@code trimtab.ingest.prometheus.allowed-servers} are queried: a policy author
 * cannot make Trimtab call another URL. Off unless {@code trimtab.ingest.prometheus.enabled=true}.
 */
@Startup // a bad allow list fails the start, naming the property
@ApplicationScoped
public class PrometheusQuerySource {
    static final String RECEIVER = "prometheus-query";
    static final String ALLOWED_PROPERTY = "trimtab.ingest.prometheus.allowed-servers";
    private static final Logger LOG = Logger.getLogger(PrometheusQuerySource.class);
    private static final long WARN_EVERY_MILLIS = 60_000;

    private final AutoscalerEngine engine;
    private final MetricForwarder forwarder;
    private final MeterRegistry registry;
    private final boolean enabled;
    private final AllowedServers allowed;
    private final int maxListItems;
    private final Clock clock = Clock.systemUTC();
    private final PromQueryClient client = new PromQueryClient();
    private final ThreadPoolExecutor pool;
    /** When each query (policy and metric index) is due on this instance. */
    private final PullSchedule schedule = new PullSchedule();

    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> lastWarn = new ConcurrentHashMap<>();

    @Inject
    public PrometheusQuerySource(
            AutoscalerEngine engine,
            MetricForwarder forwarder,
            MeterRegistry registry,
            IngestSettings settings,
            LiveSettings live) {
        this.engine = engine;
        this.forwarder = forwarder;
        this.registry = registry;
        this.enabled = settings.prometheus().enabled() && live.clusterState() != LiveSettings.ClusterStateSource.none;
        this.allowed = AllowedServers.parse(
                ALLOWED_PROPERTY, settings.prometheus().allowedServers().orElse(List.of()));
        this.maxListItems = Math.min(1000, engine.limits().maxListItems());
        int threads = Math.max(1, settings.prometheus().concurrency());
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256), r -> {
            Thread t = new Thread(r, "trimtab-promql-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.pool.allowCoreThreadTimeOut(true);
        if (enabled && allowed.servers().isEmpty()) {
            LOG.warnf("PromQL metrics are on but %s is empty: every query is refused", ALLOWED_PROPERTY);
        }
    }

    @Scheduled(
            every = "1s",
            delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void tick() {
        if (enabled) {
            try {
                poll();
            } catch (RuntimeException e) {
                LOG.warnf("PromQL queries not started, tried again at the next tick: %s", e.getMessage());
            }
        }
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
    }

    /** Starts the queries that are due; returns how many were started (refused ones included). */
    synchronized int poll() {
        Map<String, AutoscalerEngine.PromReader> byKey = new LinkedHashMap<>();
        Map<String, Long> intervals = new LinkedHashMap<>();
        for (AutoscalerEngine.PromReader r : engine.promReaders()) {
            byKey.put(key(r), r);
            intervals.put(key(r), r.query().pollingIntervalSeconds() * 1000L);
        }
        lastWarn.keySet().retainAll(byKey.keySet());
        int started = 0;
        for (String key : schedule.due(intervals, inFlight, clock.millis())) {
            AutoscalerEngine.PromReader r = byKey.get(key);
            if (!allowed.allows(r.query().serverAddress())) {
                outcome(
                        r,
                        Answer.failed(
                                Result.refused_server,
                                "the server is not in " + ALLOWED_PROPERTY + " " + allowed.servers()));
                started++;
                continue;
            }
            inFlight.add(key);
            try {
                pool.execute(() -> {
                    try {
                        run(r);
                    } finally {
                        inFlight.remove(key);
                    }
                });
                started++;
            } catch (RejectedExecutionException e) {
                inFlight.remove(key);
                schedule.notStarted(key); // tried again at the next tick
            }
        }
        return started;
    }

    private void run(AutoscalerEngine.PromReader r) {
        Instant at = clock.instant();
        Answer a = client.query(r.query(), at);
        if (a.result().hasValue()) {
            try {
                send(r, a.milli(), at);
            } catch (RuntimeException e) { // Delivery.NotDelivered among them
                a = Answer.failed(Result.not_delivered, "the metric event was not delivered: " + e.getMessage());
            }
        }
        outcome(r, a);
    }

    private void send(AutoscalerEngine.PromReader r, long milli, Instant at) {
        MetricItem item = new MetricItem.ExternalValue(
                r.policy().namespace(),
                r.metricName(),
                Map.of(PromQuery.POLICY_LABEL, r.policy().name()),
                milli,
                at.toEpochMilli());
        List<CloudEvent> events = new MetricEvents("/trimtab/ingest/" + RECEIVER, maxListItems)
                .events(List.of(item), RECEIVER + "-" + UUID.randomUUID(), Map.of("partitionkey", r.workload()));
        forwarder.send(Map.of(r.workload(), events));
        forwarder.forwarded(RECEIVER, 1);
    }

    private void outcome(AutoscalerEngine.PromReader r, Answer a) {
        registry.counter(
                        "trimtab_ingest_queries_total",
                        "receiver",
                        RECEIVER,
                        "result",
                        a.result().name())
                .increment();
        if (a.result().hasValue()) {
            return;
        }
        String key = key(r);
        long now = clock.millis();
        Long last = lastWarn.get(key);
        if (last == null || now - last >= WARN_EVERY_MILLIS) {
            lastWarn.put(key, now);
            LOG.warnf(
                    "PromQL metric spec.metrics[%d] of ScalingPolicy %s/%s (server %s): %s: %s; nothing sent, "
                            + "the metric goes stale (logged at most once a minute)",
                    r.index(),
                    r.policy().namespace(),
                    r.policy().name(),
                    r.query().serverAddress(),
                    a.result(),
                    a.detail());
        }
    }

    private static String key(AutoscalerEngine.PromReader r) {
        return r.policy().namespace() + "/" + r.policy().name() + "#" + r.index();
    }
}

package dev.trimtab.kafka;

import dev.trimtab.kafka.core.TopicRetention;
import dev.trimtab.kube.Backoff;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The channels that rebuild a view of the cluster by reading {@code trimtab.cluster-events} from
 * its beginning at every start (the autoscaler's {@code cluster-events} in events mode, placement's
 * {@code placement-events}, the policy audit's {@code policy-audit}) lose every object that has not
 * changed within the topic's retention. For each of them that is enabled, the topic's effective
 * configuration is read at start (AdminClient {@code describeConfigs}, in the background: start never
 * waits for the broker; asked again with backoff until it answers) and judged by {@link TopicRetention}: when records can expire (or the
 * topic is compacted, which refuses unkeyed records) a WARN names the topic and its limits, and the
 * gauge {@code trimtab_cluster_events_expiring{channel,topic}} is 1 (0: every record kept; -1: not
 * known, the check failed). Readiness is not affected: the view is complete until the first record
 * expires, and an unready autoscaler would not make the records come back (docs/decisions/0021).
 * The Kafka user needs {@code DescribeConfigs} on the topic.
 */
@ApplicationScoped
public class RetentionCheck {
    private static final Logger LOG = Logger.getLogger(RetentionCheck.class);
    /** The channels that read trimtab.cluster-events from the start, never committing. */
    public static final List<String> CHANNELS = List.of("cluster-events", "placement-events", "policy-audit");

    /** One channel's outcome: the retention found, or why it could not be read. */
    public record Result(String channel, String topic, Optional<TopicRetention> retention, String error) {
        public int expiring() {
            return retention
                    .map(r -> r.verdict() == TopicRetention.Verdict.Kept ? 0 : 1)
                    .orElse(-1);
        }

        public String describe() {
            return retention.map(TopicRetention::describe).orElse(topic + ": retention not known (" + error + ")");
        }
    }

    private final Map<String, Object> kafka;
    private final MeterRegistry registry;
    private final org.eclipse.microprofile.config.Config config;
    private final boolean enabled;
    private final Duration timeout;
    private final Map<String, Result> results = new ConcurrentHashMap<>();
    private volatile Thread worker;
    private final List<Gauge> gauges = new CopyOnWriteArrayList<>();

    @Inject
    public RetentionCheck(
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            MeterRegistry registry,
            org.eclipse.microprofile.config.Config config,
            @ConfigProperty(name = "trimtab.cluster-events.retention-check.enabled", defaultValue = "true")
                    boolean enabled,
            @ConfigProperty(name = "trimtab.cluster-events.retention-check.timeout", defaultValue = "30s")
                    Duration timeout) {
        this.kafka = kafka;
        this.registry = registry;
        this.config = config;
        this.enabled = enabled;
        this.timeout = timeout;
    }

    void start(@Observes StartupEvent ignored) {
        Map<String, String> channels = new LinkedHashMap<>();
        for (String channel : CHANNELS) {
            String prefix = "mp.messaging.incoming." + channel + ".";
            if (config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(true)) {
                config.getOptionalValue(prefix + "topic", String.class).ifPresent(t -> channels.put(channel, t));
            }
        }
        if (!enabled || channels.isEmpty()) {
            return;
        }
        channels.forEach((channel, topic) -> gauges.add(Gauge.builder(
                        "trimtab_cluster_events_expiring",
                        this,
                        c -> c.results.containsKey(channel)
                                ? c.results.get(channel).expiring()
                                : -1)
                .description(
                        "1: records of the topic this channel rebuilds its view from can expire (objects unchanged "
                                + "for longer vanish at a restart); 0: every record kept; -1: not known")
                .tag("channel", channel)
                .tag("topic", topic)
                .register(registry)));
        Thread t = new Thread(() -> checkAll(channels), "trimtab-retention-check");
        t.setDaemon(true);
        worker = t;
        t.start();
    }

    void stop(@Observes ShutdownEvent ignored) {
        Thread t = worker;
        if (t != null) {
            t.interrupt();
        }
        // the registry can outlive this instance (one JVM, several application starts): a gauge left
        // behind would keep reporting this instance's results to the next one
        gauges.forEach(registry::remove);
    }

    /** Each enabled channel's outcome so far (empty until the check has answered). */
    public Map<String, Result> results() {
        return Map.copyOf(results);
    }

    private void checkAll(Map<String, String> channels) {
        Admin admin = Admin.create(adminConfig());
        Map<String, String> left = new LinkedHashMap<>(channels);
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random());
        try {
            // until each is answered: a broker that is down at start (or a user without
            // DescribeConfigs, fixed later) is asked again, from 1 s doubling to 5 min
            while (!left.isEmpty()) {
                for (var it = left.entrySet().iterator(); it.hasNext(); ) {
                    Map.Entry<String, String> c = it.next();
                    Result r;
                    try {
                        r = new Result(
                                c.getKey(), c.getValue(), Optional.of(assess(admin, c.getValue(), timeout)), null);
                        it.remove();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    } catch (Exception e) {
                        Throwable cause = e.getCause() != null ? e.getCause() : e;
                        r = new Result(
                                c.getKey(),
                                c.getValue(),
                                Optional.empty(),
                                cause.getClass().getSimpleName() + ": " + cause.getMessage());
                    }
                    Result was = results.put(c.getKey(), r);
                    if (was == null || r.expiring() != -1) {
                        report(r); // a failure once, then only the answer
                    }
                }
                if (!left.isEmpty()) {
                    Thread.sleep(backoff.next());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ZERO); // a shutdown does not wait for a broker that does not answer
        }
    }

    private static void report(Result r) {
        if (r.expiring() == 0) {
            LOG.infof("channel %s: %s", r.channel(), r.describe());
        } else if (r.expiring() == 1) {
            LOG.warnf(
                    "channel %s rebuilds its view from %s at every start, and %s. Set retention.ms=-1 and "
                            + "retention.bytes=-1 on the topic, or read the cluster through informers (docs/decisions/0021)",
                    r.channel(), r.topic(), r.describe());
        } else {
            LOG.warnf(
                    "channel %s: cannot tell whether the records of %s expire: %s (the Kafka user needs "
                            + "DescribeConfigs on the topic)",
                    r.channel(), r.topic(), r.error());
        }
    }

    /** The effective retention of {@code topic}, defaults included, as the broker reports it. */
    public static TopicRetention assess(Admin admin, String topic, Duration timeout) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config described = admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().timeoutMs((int)
                                Math.min(Integer.MAX_VALUE, timeout.toMillis())))
                .all()
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .get(resource);
        Map<String, String> entries = new HashMap<>();
        for (ConfigEntry e : described.entries()) {
            if (e.value() != null) {
                entries.put(e.name(), e.value());
            }
        }
        return TopicRetention.of(topic, entries);
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> p = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "trimtab-retention-check");
        return p;
    }
}

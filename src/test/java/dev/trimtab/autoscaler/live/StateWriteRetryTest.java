package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A history snapshot the broker does not take is sent again, and a handover waits for it: the
 * real {@link StateStore} and engine against the embedded broker, on a state topic that refuses
 * every write (records over its {@code max.message.bytes}) until the test lifts the limit.
 */
class StateWriteRetryTest {
    static final ObjectRef POLICY = new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "shop", "web");
    static final TopicPartition METRICS_0 = new TopicPartition("trimtab.metrics", 0);

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final String topic = "trimtab.test.state-" + UUID.randomUUID();
    StateStore store;

    /** A store on {@code topic} (refusing writes) for an engine that owns shop/web with a changed history. */
    StateStore store(Duration handoverTimeout) throws Exception {
        admin(a -> a.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "16"))))
                .all()
                .get());
        LiveSettings settings = settings(topic, handoverTimeout);
        AutoscalerEngine engine = new AutoscalerEngine(settings);
        engine.ownAll(1, List.of());
        ScaleApplierTest.workload(engine, "shop", 450);
        store = new StateStore(
                engine,
                settings,
                registry,
                Map.of("bootstrap.servers", EmbeddedKafka.bootstrapServers()),
                METRICS_0.topic(),
                true,
                new RevocationCommit(null));
        return store;
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aFailedWriteIsSentAgainAtTheNextFlush() throws Exception {
        store(Duration.ofSeconds(5)).flushChanged();
        await().atMost(Duration.ofSeconds(20)).until(() -> count("error") >= 1);
        writable();

        store.flushChanged(); // nothing changed since: only the failed snapshot goes again
        await().atMost(Duration.ofSeconds(20)).until(() -> count("ok") >= 1);
        assertThat(keysOnTopic()).containsExactly(HistoryRecords.key(POLICY));
    }

    @Test
    void aBatchIsReadyToCommitOnlyOnceItsHistoriesAreWritten() throws Exception {
        store(Duration.ofSeconds(30));
        long started = System.nanoTime();
        assertThatThrownBy(() -> store.writeBeforeCommit(Duration.ofSeconds(2)))
                .isInstanceOf(Delivery.NotDelivered.class)
                .hasMessageContaining("shop/web")
                .hasMessageContaining(topic);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(keysOnTopic()).isEmpty();

        writable();
        // the history the refused batch changed was kept: the batch read again writes it, no flush needed
        store.writeBeforeCommit(Duration.ofSeconds(20));
        assertThat(keysOnTopic()).containsExactly(HistoryRecords.key(POLICY));
        assertThat(count("lost")).isZero();
    }

    @Test
    void aHandoverWaitsUntilTheBrokerHasTheHistories() throws Exception {
        store(Duration.ofSeconds(30));
        Thread handover = new Thread(() -> store.onPartitionsRevoked(null, List.of(METRICS_0)));
        handover.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> count("error") >= 2);
        assertThat(handover.isAlive())
                .as("the handover waits while the write fails")
                .isTrue();
        assertThat(keysOnTopic()).isEmpty();

        writable();
        handover.join(Duration.ofSeconds(20).toMillis());
        assertThat(handover.isAlive()).isFalse();
        assertThat(count("ok")).isGreaterThanOrEqualTo(1);
        assertThat(count("lost")).isZero();
        assertThat(keysOnTopic()).containsExactly(HistoryRecords.key(POLICY));
    }

    @Test
    void aHandoverGivesUpAfterItsTimeoutAndCountsTheHistoriesLost() throws Exception {
        store(Duration.ofSeconds(2));
        long started = System.nanoTime();
        store.onPartitionsRevoked(null, List.of(METRICS_0));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(count("lost")).isEqualTo(1.0);
        // how many sends failed before the deadline depends on the machine's speed (a slow first
        // metadata fetch leaves none): the retries are shown by aHandoverWaitsUntilTheBrokerHasTheHistories
        assertThat(keysOnTopic()).isEmpty();
    }

    private double count(String result) {
        var c = registry.find("trimtab_autoscaler_state_writes_total")
                .tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }

    private List<String> keysOnTopic() {
        return Topics.readAll(topic, Duration.ofSeconds(3), l -> !l.isEmpty()).stream()
                .map(r -> r.key())
                .toList();
    }

    private void writable() throws Exception {
        admin(a -> a.incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(new AlterConfigOp(
                                new ConfigEntry("max.message.bytes", "1048576"), AlterConfigOp.OpType.SET))))
                .all()
                .get());
    }

    interface AdminCall {
        Object call(Admin admin) throws Exception;
    }

    static void admin(AdminCall call) throws Exception {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers());
        try (Admin a = Admin.create(p)) {
            call.call(a);
        }
    }

    /** The test settings, with snapshots on {@code topic}. */
    static LiveSettings settings(String topic, Duration handoverTimeout) {
        LiveSettings base = ScaleApplierTest.settings(false);
        LiveSettings.State state = new LiveSettings.State() {
            public boolean enabled() {
                return true;
            }

            public String topic() {
                return topic;
            }

            public Duration flushInterval() {
                return Duration.ofSeconds(1);
            }

            public Duration restoreTimeout() {
                return Duration.ofSeconds(5);
            }

            public Duration handoverTimeout() {
                return handoverTimeout;
            }
        };
        return (LiveSettings) Proxy.newProxyInstance(
                LiveSettings.class.getClassLoader(),
                new Class<?>[] {LiveSettings.class},
                (proxy, method, args) -> method.getName().equals("state") ? state : method.invoke(base, args));
    }
}

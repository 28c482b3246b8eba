package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.input.InputLimits;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A decision is carried out (written, logged) only once the recommendation it added is on the
 * state topic: an instance killed right after logging a decision never leaves its successor
 * without the recommendations that decision was taken with. Found by the fault suite:
 * {@code chaos-b/w0007} recommended 10 at 13:53:20.385, its owner was killed before the batch's
 * histories were written, and the new owner scaled it down to 7 at 13:53:27.140, inside the 15 s
 * window. The real StateStore against the embedded broker, on a state topic that refuses every
 * write until the test lifts the limit.
 */
class DurableApplyTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final String topic = "trimtab.test.durable-" + UUID.randomUUID();
    final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    StateStore store;

    @Test
    void aDecisionIsAppliedOnlyOnceItsHistoryIsWritten() throws Exception {
        StateWriteRetryTest.admin(a -> a.createTopics(
                        List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "16"))))
                .all()
                .get());
        LiveSettings settings = StateWriteRetryTest.settings(topic, Duration.ofSeconds(10));
        AutoscalerEngine engine = new AutoscalerEngine(settings, InputLimits.defaults());
        engine.ownAll(1, List.of());
        ScaleApplier applier = ScaleApplierTest.plainApplier(engine, writer(), logged, registry);
        store = new StateStore(
                engine,
                settings,
                registry,
                Map.of("bootstrap.servers", EmbeddedKafka.bootstrapServers()),
                "trimtab.metrics",
                false,
                new RevocationCommit(null));
        DurableApply durable = new DurableApply(engine, applier, shortTimeout(settings), store);
        List<AutoscalerEngine.Triggered> due = new ArrayList<>();
        for (AutoscalerEngine.Evaluation ev : ScaleApplierTest.workload(engine, "shop", 900)) {
            due.add(new AutoscalerEngine.Triggered(ev, ScaleApplierTest.cpuSamples("shop", "m-1", 900)));
        }
        assertThat(due)
                .as("a rescale is due")
                .singleElement()
                .satisfies(t -> assertThat(t.evaluation().decision().rescale()).isTrue());

        assertThatThrownBy(() -> durable.apply(due, false)).isInstanceOf(Delivery.NotDelivered.class);
        assertThat(written).as("not written while its history is not durable").isEmpty();
        assertThat(logged).as("nor logged").isEmpty();

        StateWriteRetryTest.admin(a -> a.incrementalAlterConfigs(Map.of(
                        new ConfigResource(ConfigResource.Type.TOPIC, topic),
                        List.of(new AlterConfigOp(
                                new ConfigEntry("max.message.bytes", "1048576"), AlterConfigOp.OpType.SET))))
                .all()
                .get());
        assertThat(durable.apply(due, false)).hasSize(1);
        assertThat(written).containsExactly(4);
        assertThat(logged).hasSize(1);
        assertThat(Topics.readAll(topic, Duration.ofSeconds(5), l -> !l.isEmpty()))
                .singleElement()
                .satisfies(r -> assertThat(
                                HistoryRecords.read(r.value()).snapshot().recommendations())
                        .isNotEmpty());
    }

    private ScaleWriter writer() {
        return new ScaleWriter(null) {
            @Override
            public Outcome write(ScaleDecision d) {
                written.add(d.desiredReplicas());
                return new Outcome(Outcome.Kind.Written, 200, "9", 0, "ok");
            }

            @Override
            public ScaleTarget read(ObjectRef t) {
                throw new AssertionError("no conflict here");
            }
        };
    }

    /** The delivery timeout of {@code settings}, 2 s: the refused write is given up quickly. */
    private static LiveSettings shortTimeout(LiveSettings settings) {
        return (LiveSettings) Proxy.newProxyInstance(
                LiveSettings.class.getClassLoader(),
                new Class<?>[] {LiveSettings.class},
                (proxy, method, args) -> method.getName().equals("deliveryTimeout")
                        ? Duration.ofSeconds(2)
                        : method.invoke(settings, args));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }
}

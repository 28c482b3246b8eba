package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: two decision paths (an informer event, a metric batch) must not write one workload on
 * the same view of it. A decision taken while another write of its target is in flight, and so
 * without that write's scale event in the history, waits for that write and is decided again on
 * its result: the scale-down limit (50 % per 4 s) counts from 10, not from 5.
 */
class OneWritePerTargetTest {
    static final Instant NOW = Instant.now();
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");

    final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    final List<Integer> written = Collections.synchronizedList(new ArrayList<>());
    /** Runs inside the first write, on the writing thread, before it answers. */
    Consumer<ScaleDecision> duringFirstWrite = d -> {};

    AutoscalerEngine engine;
    ScaleApplier applier;

    @BeforeEach
    void wire() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        engine = new AutoscalerEngine(ScaleApplierTest.settings(false));
        ScaleWriter writer = new ScaleWriter(null) {
            @Override
            public Outcome write(ScaleDecision d) {
                boolean first;
                synchronized (written) {
                    first = written.isEmpty();
                    written.add(d.desiredReplicas());
                }
                if (first) {
                    duringFirstWrite.accept(d);
                }
                return new Outcome(Outcome.Kind.Written, 200, "9", 0, "ok");
            }

            @Override
            public ScaleTarget read(ObjectRef t) {
                throw new AssertionError("no conflict here");
            }
        };
        applier = ScaleApplierTest.plainApplier(engine, writer, logged, registry);
    }

    static CloudEvent event(String id, String type, String data) {
        return CloudEventCodec.parse("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"t\",\"type\":\""
                + type + "\",\"time\":\"" + NOW + "\",\"data\":" + data + "}");
    }

    static CloudEvent deployment(String type, int replicas, String resourceVersion) {
        return event(
                "d" + resourceVersion,
                type,
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":"
                        + "{\"name\":\"web\",\"namespace\":\"shop\",\"resourceVersion\":\"" + resourceVersion
                        + "\"},\"spec\":"
                        + "{\"replicas\":" + replicas + ",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}");
    }

    /** Ten pods of 500m, each using {@code cpu}m. */
    static CloudEvent samples(String id, int cpu) {
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            items.append(i == 0 ? "" : ",")
                    .append("{\"metadata\":{\"name\":\"web-")
                    .append(i)
                    .append("\",\"namespace\":\"shop\"},\"timestamp\":\"")
                    .append(NOW)
                    .append("\",\"containers\":[{\"name\":\"c\",\"usage\":{\"cpu\":\"")
                    .append(cpu)
                    .append("m\"}}]}");
        }
        return event(
                id,
                "m",
                "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetricsList\",\"items\":[" + items + "]}");
    }

    /**
     * Deployment shop/web at 10 replicas, ten ready pods using 10 % of their request, and a 50 %
     * cpu policy that may scale down by at most 50 % per 4 s, without stabilization: the policy's
     * add event decides 10 -> 5 (the limit; 2 without it).
     */
    AutoscalerEngine.Evaluation tenReplicasWantingTwo() {
        engine.accept(deployment("dev.knative.apiserver.resource.add", 10, "1"));
        for (int i = 0; i < 10; i++) {
            engine.accept(event(
                    "p" + i,
                    "dev.knative.apiserver.resource.add",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
                            + "\"metadata\":{\"name\":\"web-" + i
                            + "\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},"
                            + "\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]},"
                            + "\"status\":{\"phase\":\"Running\",\"startTime\":\"" + NOW.minusSeconds(3600)
                            + "\",\"conditions\":"
                            + "[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\""
                            + NOW.minusSeconds(3590) + "\"}]}}"));
        }
        engine.accept(samples("m0", 50));
        List<AutoscalerEngine.Evaluation> due = engine.accept(
                event(
                        "sp",
                        "dev.knative.apiserver.resource.add",
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"web\","
                                + "\"namespace\":\"shop\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"web\"},"
                                + "\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
                                + "{\"type\":\"Utilization\",\"averageUtilization\":50}}}],\"behavior\":{\"scaleDown\":"
                                + "{\"stabilizationWindowSeconds\":0,\"policies\":[{\"type\":\"Percent\",\"value\":50,\"periodSeconds\":4}]}}}}"));
        assertThat(due).singleElement().satisfies(ev -> {
            assertThat(ev.decision().currentReplicas()).isEqualTo(10);
            assertThat(ev.decision().desiredReplicas())
                    .as("the scale-down limit")
                    .isEqualTo(5);
        });
        return due.get(0);
    }

    /**
     * What the informer thread and a metric batch did in issue 13, while the first write is on the
     * wire: the Deployment's watch update (5 replicas) is folded, then a metric event decides on
     * it, before the first write's scale event is recorded.
     */
    AutoscalerEngine.Evaluation decidedDuringTheWrite() {
        engine.accept(deployment("dev.knative.apiserver.resource.update", 5, "2"));
        List<AutoscalerEngine.Evaluation> due = engine.accept(samples("m1", 50));
        assertThat(due).singleElement().satisfies(ev -> {
            assertThat(ev.decision().currentReplicas()).isEqualTo(5);
            assertThat(ev.decision().desiredReplicas())
                    .as("the race: a limit counted from 5, not 10")
                    .isLessThan(5);
        });
        return due.get(0);
    }

    /** The logged decision taken on metric event {@code input} (two threads log in either order). */
    private JsonNode decisionOn(String input) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String l : List.copyOf(logged)) {
            JsonNode d = CloudEventCodec.JSON.readTree(l).get("data");
            if (input.equals(d.at("/inputs/0").asText())) {
                out.add(d);
            }
        }
        assertThat(out).as("decisions on " + input + " in " + logged).hasSize(1);
        return out.get(0);
    }

    @Test
    void aDecisionTakenWhileItsTargetWasWrittenIsDecidedAgainOnThatWriteAndHolds() throws Exception {
        AutoscalerEngine.Evaluation first = tenReplicasWantingTwo();
        AtomicReference<AutoscalerEngine.Evaluation> second = new AtomicReference<>();
        duringFirstWrite = d -> second.set(decidedDuringTheWrite());

        applier.apply(first, event("t1", "dev.knative.apiserver.resource.add", "{}"));
        assertThat(written).containsExactly(5);
        assertThat(engine.writesOf(WEB)).as("begun and done").isEqualTo(2);
        assertThat(second.get().writes()).as("decided between the two").isEqualTo(1);

        applier.apply(second.get(), event("t2", "m", "{}"));
        assertThat(written).as("5 -> 2 (or 3) would break 50 % per 4 s from 10").containsExactly(5);
        JsonNode d = decisionOn("m1"); // still names the metric event it was taken on
        assertThat(d.get("outcome").asText()).isEqualTo("hold after a concurrent write");
        assertThat(d.get("currentReplicas").asInt()).isEqualTo(5);
        assertThat(d.get("desiredReplicas").asInt()).isEqualTo(5);
    }

    /**
     * The fault suite's window violation: an informer event decided a scale-down (10 -> 5) and, before
     * it was written, a metric batch decided the same policy on a doubled demand (a hold at 10). The
     * older decision must not be written after the newer one: it is decided again, on the newer
     * samples, and holds.
     */
    @Test
    void aDecisionOvertakenByALaterDecisionOfItsPolicyIsDecidedAgainBeforeItIsWritten() throws Exception {
        AutoscalerEngine.Evaluation first = tenReplicasWantingTwo();
        List<AutoscalerEngine.Evaluation> later = engine.accept(samples("m1", 500));
        assertThat(later).singleElement().satisfies(ev -> {
            assertThat(ev.decision().rescale()).as("a hold at 10").isFalse();
            assertThat(ev.seq()).isGreaterThan(first.seq());
        });
        assertThat(engine.current(first)).as("overtaken").isNotSameAs(first);

        applier.apply(first, event("t1", "dev.knative.apiserver.resource.add", "{}"));
        assertThat(written)
                .as("the scale-down decided before the demand doubled")
                .isEmpty();
        assertThat(logged).singleElement().satisfies(l -> {
            JsonNode d = CloudEventCodec.JSON.readTree(l).get("data");
            assertThat(d.get("outcome").asText()).isEqualTo("hold after a concurrent write");
            assertThat(d.get("desiredReplicas").asInt()).isEqualTo(10);
        });
    }

    @Test
    void aDecisionWhoseTargetWasNotWrittenSinceIsWrittenAsDecided() {
        AutoscalerEngine.Evaluation first = tenReplicasWantingTwo();
        assertThat(engine.current(first)).isSameAs(first);
        applier.apply(first, event("t1", "dev.knative.apiserver.resource.add", "{}"));
        assertThat(written).containsExactly(5);
        assertThat(engine.current(first)).as("after a write: decided again").isNotSameAs(first);
    }

    @Test
    void aSecondWriterOfTheSameTargetWaitsForTheFirstWriteAndIsDecidedAgain() throws Exception {
        AutoscalerEngine.Evaluation first = tenReplicasWantingTwo();
        AtomicReference<Thread> secondWriter = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Boolean> queued = new ArrayList<>();
        duringFirstWrite = d -> {
            AutoscalerEngine.Evaluation second = decidedDuringTheWrite();
            Thread t = new Thread(
                    () -> {
                        try {
                            engine.work(() -> applier.apply(second, event("t2", "m", "{}")));
                        } catch (Throwable e) {
                            failed.set(e);
                        }
                    },
                    "second-writer");
            secondWriter.set(t);
            t.start();
            // the first write answers only once the second one waits for the target's lock, or has
            // written past it (the defect); polled, not slept on
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!applier.lockOf(WEB).hasQueuedThread(t) && t.isAlive() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            queued.add(applier.lockOf(WEB).hasQueuedThread(t));
        };

        engine.work(() -> applier.apply(first, event("t1", "dev.knative.apiserver.resource.add", "{}")));
        secondWriter.get().join(10_000);
        assertThat(secondWriter.get().isAlive()).isFalse();
        assertThat(failed.get()).isNull();
        assertThat(queued).as("the second write waited for the first").containsExactly(true);
        assertThat(written).containsExactly(5);
        JsonNode d = decisionOn("m1");
        assertThat(d.get("outcome").asText()).isEqualTo("hold after a concurrent write");
        assertThat(d.get("desiredReplicas").asInt()).isEqualTo(5);
    }

    @Test
    void aWriteOfAnotherTargetOnAnotherStripeDoesNotWait() {
        ObjectRef other = new ObjectRef("apps/v1", "Deployment", "shop", "api");
        for (int i = 0; applier.lockOf(other) == applier.lockOf(WEB); i++) {
            other = new ObjectRef("apps/v1", "Deployment", "shop", "api" + i);
        }
        applier.lockOf(WEB).lock();
        try {
            assertThat(applier.lockOf(other).tryLock()).isTrue();
            applier.lockOf(other).unlock();
        } finally {
            applier.lockOf(WEB).unlock();
        }
    }
}

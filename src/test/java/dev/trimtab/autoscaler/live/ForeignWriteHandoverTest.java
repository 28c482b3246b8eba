package dev.trimtab.autoscaler.live;

import static dev.trimtab.autoscaler.live.ScaleApplierTest.cpuSamples;
import static dev.trimtab.autoscaler.live.ScaleApplierTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.autoscaler.core.History;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Reason;
import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Found by the fault suite (docs/reliability.md): after a broker restart an instance that the
 * group had already dropped went on deciding for a moment, saw the new owner's write as a second
 * writer's, and when its partition came back it still held the workload for
 * {@code foreign-write-hold} (5 min). A handover must not bring such a hold back.
 */
class ForeignWriteHandoverTest {
    private final AutoscalerEngine engine = new AutoscalerEngine(ScaleApplierTest.settings(false));

    @Test
    void aForeignWriteSeenBeforeAHandoverHoldsNoMoreWhenThePartitionComesBack() {
        engine.awaitAssignment();
        int p = AutoscalerEngine.partitionOf("shop/web", 12);
        engine.assign(12, List.of(p), List.of());
        workload(2);
        assertThat(engine.accept(cpuSamples("shop", "m1", 450)))
                .singleElement()
                .satisfies(t -> assertThat(t.decision().reason()).isNotEqualTo(Reason.ReplicasChangedByOther));

        engine.accept(deployment(8, "2")); // 8: a count this instance never wrote (the next owner did)
        assertThat(engine.accept(cpuSamples("shop", "m2", 450)))
                .as("held while it owns the workload")
                .singleElement()
                .satisfies(t -> assertThat(t.decision().reason()).isEqualTo(Reason.ReplicasChangedByOther));

        List<HistoryRecords.Entry> handedOver = engine.release(List.of(p));
        engine.assign(12, List.of(p), handedOver);
        assertThat(engine.accept(cpuSamples("shop", "m3", 450)))
                .as("the partition came back")
                .singleElement()
                .satisfies(t -> assertThat(t.decision().reason()).isNotEqualTo(Reason.ReplicasChangedByOther));
    }

    @Test
    void theUpdateOfARescaleThePreviousOwnerMadeIsNotAnotherWriter() {
        engine.awaitAssignment();
        int p = AutoscalerEngine.partitionOf("shop/web", 12);
        workload(2);
        // the previous owner wrote 2 -> 8 just before the handover; its history says so
        History h = new History();
        h.addScaleEvent(true, 6, System.currentTimeMillis() - 1_000, false);
        engine.assign(
                12,
                List.of(p),
                List.of(new HistoryRecords.Entry(
                        new ObjectRef("trimtab.dev/v1alpha1", "ScalingPolicy", "shop", "web"),
                        "shop/web",
                        h.snapshot())));

        engine.accept(deployment(8, "2")); // the update of that write, seen after the takeover
        assertThat(engine.drainForeignWrites())
                .as("Trimtab's own write, by the previous owner")
                .isEmpty();
        assertThat(engine.accept(cpuSamples("shop", "m1", 450)))
                .singleElement()
                .satisfies(t -> assertThat(t.decision().reason()).isNotEqualTo(Reason.ReplicasChangedByOther));

        engine.accept(deployment(3, "3")); // 8 -> 3: no Trimtab instance wrote that
        assertThat(engine.drainForeignWrites())
                .singleElement()
                .satisfies(f -> assertThat(f.write().toReplicas()).isEqualTo(3));
        assertThat(engine.accept(cpuSamples("shop", "m2", 450)))
                .singleElement()
                .satisfies(t -> assertThat(t.decision().reason()).isEqualTo(Reason.ReplicasChangedByOther));
    }

    @Test
    void aGroupedEngineDecidesForNoWorkloadBeforeItsPartitionsAreAssigned() {
        AutoscalerEngine grouped = new AutoscalerEngine(ScaleApplierTest.settings(false), InputLimits.defaults(), true);
        AutoscalerEngine alone = new AutoscalerEngine(ScaleApplierTest.settings(false), InputLimits.defaults(), false);
        workload(grouped, 2);
        workload(alone, 2);
        assertThat(grouped.accept(cpuSamples("shop", "m1", 450)))
                .as("an informer's first list, before any assignment")
                .isEmpty();
        assertThat(alone.accept(cpuSamples("shop", "m1", 450)))
                .as("alone (push mode), every workload is its own")
                .hasSize(1);
        grouped.assign(12, List.of(AutoscalerEngine.partitionOf("shop/web", 12)), List.of());
        assertThat(grouped.accept(cpuSamples("shop", "m2", 450))).hasSize(1);
    }

    private void workload(int replicas) {
        workload(engine, replicas);
    }

    private static void workload(AutoscalerEngine engine, int replicas) {
        engine.accept(deployment(replicas, "1"));
        for (int i = 0; i < 2; i++) {
            engine.accept(event(
                    "dev.knative.apiserver.resource.add",
                    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":"
                            + "{\"name\":\"web-" + i
                            + "\",\"namespace\":\"shop\",\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":"
                            + "[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"500m\"}}}]},\"status\":{\"phase\":\"Running\","
                            + "\"startTime\":\"" + ScaleApplierTest.NOW.minusSeconds(3600)
                            + "\",\"conditions\":[{\"type\":\"Ready\","
                            + "\"status\":\"True\",\"lastTransitionTime\":\"" + ScaleApplierTest.NOW.minusSeconds(3590)
                            + "\"}]}}"));
        }
        engine.accept(
                event(
                        "dev.knative.apiserver.resource.add",
                        "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":"
                                + "\"ScalingPolicy\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\"},\"spec\":{\"scaleTargetRef\":"
                                + "{\"kind\":\"Deployment\",\"name\":\"web\"},\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\","
                                + "\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":50}}}]}}"));
    }

    /** The Deployment as an event dated now: a change seen live, after the engine started. */
    private static CloudEvent deployment(int replicas, String resourceVersion) {
        String type = replicas == 2 ? "dev.knative.apiserver.resource.add" : "dev.knative.apiserver.resource.update";
        return CloudEventCodec.parse("{\"specversion\":\"1.0\",\"id\":\"d" + resourceVersion
                + "\",\"source\":\"t\",\"type\":\"" + type + "\",\"time\":\"" + Instant.now() + "\",\"data\":"
                + "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop\","
                + "\"resourceVersion\":\"" + resourceVersion + "\"},\"spec\":{\"replicas\":" + replicas
                + ",\"selector\":{\"matchLabels\":{\"app\":\"web\"}}}}}");
    }
}

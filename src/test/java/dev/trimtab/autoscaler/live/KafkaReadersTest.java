package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.autoscaler.events.InvalidObjectException;
import dev.trimtab.autoscaler.events.KafkaOffsetEvents;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a Kafka lag source reads from the engine ({@link AutoscalerEngine#kafkaReaders()}: the Kafka
 * metrics of the workloads this instance decides for) and what it sends back (one offsets event
 * per poll, decided like any metric event; a bad one refused with its fields named).
 */
class KafkaReadersTest {
    static final int PARTITIONS = 2;

    static AutoscalerEngine engineWithKafkaPolicy() {
        AutoscalerEngine engine = new AutoscalerEngine(ScaleApplierTest.settings(false), InputLimits.defaults(), true);
        engine.assign(PARTITIONS, List.of(0, 1), List.of());
        engine.accept(ScaleApplierTest.event(
                "dev.knative.apiserver.resource.add",
                "{\"apiVersion\":\"apps/v1\","
                        + "\"kind\":\"Deployment\",\"metadata\":{\"name\":\"consumer\",\"namespace\":\"shop\",\"resourceVersion\":"
                        + "\"1\"},\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"consumer\"}}}}"));
        engine.accept(ScaleApplierTest.event(
                "dev.knative.apiserver.resource.add",
                "{\"apiVersion\":\"trimtab.dev/v1alpha1\","
                        + "\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"consumer\",\"namespace\":\"shop\"},\"spec\":"
                        + "{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"consumer\"},"
                        + "\"maxReplicas\":10,\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":"
                        + "{\"type\":\"Utilization\",\"averageUtilization\":80}}},{\"type\":\"Kafka\",\"kafka\":"
                        + "{\"bootstrapServers\":\"B:9092, a:9092\",\"consumerGroup\":\"orders\",\"topic\":\"orders\","
                        + "\"lagThreshold\":50}}]}}"));
        return engine;
    }

    @Test
    void theLagSourceListsTheKafkaMetricsOfOwnedWorkloadsAndItsPollsAreDecided() {
        AutoscalerEngine engine = engineWithKafkaPolicy();
        assertThat(engine.kafkaReaders()).singleElement().satisfies(r -> {
            assertThat(r.workload()).isEqualTo("shop/consumer");
            assertThat(r.policy().namespace() + "/" + r.policy().name()).isEqualTo("shop/consumer");
            assertThat(r.index()).isEqualTo(1);
            assertThat(r.metricName()).isEqualTo("s1-kafka-orders");
            assertThat(r.bootstrapServers()).isEqualTo("a:9092,b:9092");
            assertThat(r.consumerGroup()).isEqualTo("orders");
            assertThat(r.topic()).isEqualTo("orders");
            assertThat(r.lag().lagThreshold()).isEqualTo(50);
        });
        KafkaOffsets poll = new KafkaOffsets(
                "a:9092,b:9092",
                "orders",
                List.of(new KafkaOffsets.Topic(
                        "orders",
                        List.of(
                                new KafkaOffsets.Partition(0, 500, 300L),
                                new KafkaOffsets.Partition(1, 400, 300L),
                                new KafkaOffsets.Partition(2, 90, null)))));
        CloudEvent event = KafkaOffsetEvents.toEvent(
                poll, "p1", "/trimtab/kafka-lag", "shop/consumer", ScaleApplierTest.NOW, "shop/consumer");
        CloudEvent wire = CloudEventCodec.parse(CloudEventCodec.write(event));
        assertThat(wire.extensions()).containsEntry("partitionkey", "shop/consumer");
        List<AutoscalerEngine.Evaluation> decided = engine.accept(wire);
        assertThat(decided).singleElement().satisfies(e -> {
            assertThat(e.decision().metrics().get(1).currentValueMilli())
                    .as("301 capped at 3 partitions x 50")
                    .isEqualTo(150_000);
            assertThat(e.decision().metrics().get(1).proposedReplicas()).isEqualTo(3);
        });
        assertThatThrownBy(() -> engine.accept(CloudEventCodec.parse(CloudEventCodec.write(KafkaOffsetEvents.toEvent(
                        new KafkaOffsets(
                                "a:9092,b:9092", "orders", List.of(new KafkaOffsets.Topic("bad topic", List.of()))),
                        "p2",
                        "/t",
                        null,
                        ScaleApplierTest.NOW,
                        null)))))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining("data.topics[0].topic: got \"bad topic\"");
    }

    @Test
    void aReleasedWorkloadIsNoLongerPolledHere() {
        AutoscalerEngine engine = engineWithKafkaPolicy();
        engine.release(List.of(0, 1));
        assertThat(engine.kafkaReaders()).isEmpty();
    }
}

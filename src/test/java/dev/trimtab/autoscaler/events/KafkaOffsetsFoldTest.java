package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.core.Autoscaler;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.autoscaler.core.MetricStore;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.Settings;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code dev.trimtab.kafka.offsets} events: validation, which metrics a poll feeds, their memory, decisions. */
class KafkaOffsetsFoldTest {
    static final Instant T0 = Instant.parse("2026-11-01T12:00:00Z");
    static final String SERVERS = "kafka-0.kafka:9092,kafka-1.kafka:9092";
    private ClusterState state;
    private EventFolder folder;
    private Autoscaler autoscaler;

    static String kafkaPolicy(String name, String target, String kafka) {
        return "{\"apiVersion\":\"trimtab.dev/v1alpha1\",\"kind\":\"ScalingPolicy\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"ns\"},\"spec\":{\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"" + target
                + "\"},\"minReplicas\":0,\"maxReplicas\":20,\"metrics\":[{\"type\":\"Kafka\",\"kafka\":" + kafka
                + "}]}}";
    }

    List<ScalingPolicy> fold(String type, String data) {
        CloudEvent e = CloudEventCodec.parse(EventFolderTest.event(type, data));
        return folder.fold(e, e.time().toEpochMilli());
    }

    static KafkaOffsets poll(String servers, String group, String topic, long... endAndCommitted) {
        List<KafkaOffsets.Partition> ps = new ArrayList<>();
        for (int i = 0; i < endAndCommitted.length; i += 2) {
            ps.add(new KafkaOffsets.Partition(
                    i / 2, endAndCommitted[i], endAndCommitted[i + 1] < 0 ? null : endAndCommitted[i + 1]));
        }
        return new KafkaOffsets(servers, group, List.of(new KafkaOffsets.Topic(topic, ps)));
    }

    List<ScalingPolicy> fold(KafkaOffsets offsets, String subject, long seconds) {
        CloudEvent e =
                KafkaOffsetEvents.toEvent(offsets, "k" + seconds, "/test", subject, T0.plusSeconds(seconds), null);
        // through the wire format, as replay and the consumers read it
        CloudEvent read = CloudEventCodec.parse(CloudEventCodec.write(e));
        return folder.fold(read, read.time().toEpochMilli());
    }

    static ObjectRef ref(String name) {
        return new ObjectRef(ScalingPolicyParser.API_VERSION, ScalingPolicyParser.KIND, "ns", name);
    }

    @BeforeEach
    void cluster() {
        state = new ClusterState();
        folder = new EventFolder(state);
        autoscaler = new Autoscaler(Settings.defaults());
        fold(EventFolder.ADD, EventFolderTest.deployment("a"));
        fold(EventFolder.ADD, EventFolderTest.deployment("b"));
        fold(
                EventFolder.ADD,
                kafkaPolicy(
                        "pa",
                        "a",
                        "{\"bootstrapServers\":\"" + SERVERS + "\",\"consumerGroup\":\"g\","
                                + "\"topic\":\"orders\",\"lagThreshold\":10,\"excludePersistentLag\":true}"));
        fold(
                EventFolder.ADD,
                kafkaPolicy(
                        "pb",
                        "b",
                        "{\"bootstrapServers\":\"kafka-1.kafka:9092, kafka-0.kafka:9092\","
                                + "\"consumerGroup\":\"g\",\"excludePersistentLag\":true}"));
    }

    @Test
    void aPollFeedsEveryKafkaMetricOnItsClusterAndGroup() {
        assertThat(fold(poll(SERVERS, "g", "orders", 120, 100, 50, -1), null, 1))
                .extracting(p -> p.ref().name())
                .containsExactly("pa", "pb");
        MetricStore.KafkaLagSample s = state.metrics().kafkaLag(ref("pa"), 0);
        assertThat(s.result().lag()).isEqualTo(21); // 20 + 1 (no committed offset, latest)
        assertThat(s.timestampMillis()).isEqualTo(T0.plusSeconds(1).toEpochMilli());
        assertThat(fold(poll("other:9092", "g", "orders", 120, 100), null, 2))
                .as("another cluster")
                .isEmpty();
        assertThat(fold(poll(SERVERS, "h", "orders", 120, 100), null, 3))
                .as("another group")
                .isEmpty();
        assertThat(fold(poll(SERVERS, "g", "payments", 120, 100), null, 4))
                .as("pa names orders")
                .extracting(p -> p.ref().name())
                .containsExactly("pb");
    }

    @Test
    void theSubjectRestrictsThePollToOnePolicyAndItsMemory() {
        fold(poll(SERVERS, "g", "orders", 120, 100), null, 1);
        assertThat(fold(poll(SERVERS, "g", "orders", 130, 100), "ns/pa", 2))
                .extracting(p -> p.ref().name())
                .containsExactly("pa");
        assertThat(state.metrics().kafkaLag(ref("pa"), 0).result().uncappedLag())
                .as("1 s later: not yet persistent")
                .isEqualTo(30);
        fold(poll(SERVERS, "g", "orders", 130, 100), "ns/pa", 31);
        assertThat(state.metrics().kafkaLag(ref("pa"), 0).result().lag())
                .as("stuck at 100 for 30 s: persistent")
                .isZero();
        assertThat(state.metrics().kafkaLag(ref("pb"), 0).result().uncappedLag())
                .as("pb's memory untouched")
                .isEqualTo(20);
        assertThat(fold(poll(SERVERS, "g", "orders", 130, 100), "ns/unknown", 32))
                .isEmpty();
    }

    @Test
    void aPollReadAgainChangesNothing() {
        fold(poll(SERVERS, "g", "orders", 120, 100), null, 1);
        assertThat(fold(poll(SERVERS, "g", "orders", 120, 100), null, 1))
                .as("same time: a record read again")
                .isEmpty();
        assertThat(state.metrics().kafkaLag(ref("pa"), 0).result().uncappedLag())
                .as("not persistent after a re-read")
                .isEqualTo(20);
    }

    @Test
    void aChangedPolicyForgetsItsMemoryAndAResyncKeepsIt() {
        fold(poll(SERVERS, "g", "orders", 120, 100), null, 1);
        fold(
                EventFolder.UPDATE,
                kafkaPolicy(
                        "pa",
                        "a",
                        "{\"bootstrapServers\":\"" + SERVERS + "\",\"consumerGroup\":\"g\","
                                + "\"topic\":\"orders\",\"lagThreshold\":10,\"excludePersistentLag\":true}"));
        assertThat(state.metrics().kafkaLag(ref("pa"), 0)).as("same spec").isNotNull();
        fold(
                EventFolder.UPDATE,
                kafkaPolicy(
                        "pa",
                        "a",
                        "{\"bootstrapServers\":\"" + SERVERS + "\",\"consumerGroup\":\"g\","
                                + "\"topic\":\"orders\",\"lagThreshold\":20,\"excludePersistentLag\":true}"));
        assertThat(state.metrics().kafkaLag(ref("pa"), 0)).as("changed spec").isNull();
        fold(poll(SERVERS, "g", "orders", 120, 100), null, 2);
        assertThat(state.metrics().kafkaLag(ref("pa"), 0).result().lag())
                .as("a fresh memory counts it all")
                .isEqualTo(20);
        fold(EventFolder.DELETE, kafkaPolicy("pa", "a", "{}"));
        assertThat(state.metrics().kafkaLag(ref("pa"), 0)).isNull();
    }

    @Test
    void decisionsScaleOnTheLagAndWakeOnPersistentLag() {
        ScalingPolicy pa = state.policy(ref("pa"));
        fold(poll(SERVERS, "g", "orders", 1000, 900, 1000, 950, 1000, 990), "ns/pa", 1);
        ScaleDecision d = autoscaler.decide(state, pa, T0.plusSeconds(1).toEpochMilli());
        assertThat(d.metrics().get(0).currentValueMilli()).isEqualTo(30_000); // 160 capped at 3 partitions x 10
        assertThat(d.desiredReplicas()).isEqualTo(3);
        assertThat(d.metrics().get(0).note()).contains("lag 160 over 3 partition(s), 3 with lag; counted as 30");
        fold(poll(SERVERS, "g", "orders", 1000, 900, 1000, 950, 1000, 990), "ns/pa", 31);
        MetricStore.KafkaLagSample s = state.metrics().kafkaLag(ref("pa"), 0);
        assertThat(s.result().lag())
                .as("every partition stuck for a pollingInterval")
                .isZero();
        assertThat(s.result().lagWithPersistent()).isEqualTo(160);
        ScaleDecision stuck = autoscaler.decide(state, pa, T0.plusSeconds(31).toEpochMilli());
        assertThat(stuck.metrics().get(0).activationValueMilli()).isEqualTo(160_000);
        assertThat(stuck.reason().name())
                .as("still active: no scale to zero on persistent lag")
                .isNotEqualTo("Deactivated");
    }

    @Test
    void aStalePollFailsTheMetric() {
        ScaleDecision none = autoscaler.decide(state, state.policy(ref("pb")), T0.toEpochMilli());
        assertThat(none.metrics().get(0).error()).contains("no offsets polled yet");
        ScalingPolicy pa = state.policy(ref("pa"));
        fold(poll(SERVERS, "g", "orders", 120, 100), null, 1);
        ScaleDecision d = autoscaler.decide(state, pa, T0.plusSeconds(1 + 121).toEpochMilli());
        assertThat(d.metrics().get(0).error())
                .isEqualTo("unable to get Kafka lag s0-kafka-orders (group g, topic orders): "
                        + "the newest poll is stale");
    }

    @Test
    void hostileEventsAreRejectedWithEveryFieldNamed() {
        String data = "{\"bootstrapServers\":\"k:9092\",\"consumerGroup\":\"g\",\"extra\":1,\"topics\":["
                + "{\"topic\":\"a b\",\"partitions\":[]},"
                + "{\"topic\":\"t\",\"partitions\":[{\"partition\":0,\"endOffset\":-1,\"committedOffset\":-1},"
                + "{\"partition\":0,\"endOffset\":\"5\"},{\"partition\":2147483648,\"endOffset\":1},"
                + "{\"partition\":3,\"endOffset\":1.5,\"committedOffset\":true}]},"
                + "{\"topic\":\"t\",\"partitions\":[]}]}";
        String json = "{\"specversion\":\"1.0\",\"id\":\"bad\",\"source\":\"s\",\"type\":\"dev.trimtab.kafka.offsets\","
                + "\"subject\":\"no-slash\",\"time\":\"2026-11-01T12:00:00Z\",\"data\":" + data + "}";
        CloudEvent e = CloudEventCodec.parse(json);
        assertThatThrownBy(() -> folder.fold(e, T0.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .satisfies(x -> assertThat(((InvalidObjectException) x).problems())
                        .containsExactly(
                                "subject: got \"no-slash\", must be <namespace>/<scalingpolicy-name> (the policy the poll is for), or absent",
                                "data.extra: got an unknown field, expected one of [bootstrapServers, consumerGroup, topics]",
                                "data.topics[0].topic: got \"a b\", must be a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)",
                                "data.topics[1].partitions[0].endOffset: got -1, must not be negative",
                                "data.topics[1].partitions[0].committedOffset: got -1, must not be negative (write null for no "
                                        + "committed offset, not -1)",
                                "data.topics[1].partitions[1].partition: got 0, is listed twice in this topic",
                                "data.topics[1].partitions[1].endOffset: got \"5\", must be an integer in [0, 9223372036854775807]",
                                "data.topics[1].partitions[2].partition: got 2147483648, must be an integer in [0, 2147483647]",
                                "data.topics[1].partitions[3].endOffset: got 1.5, must be an integer in [0, 9223372036854775807]",
                                "data.topics[1].partitions[3].committedOffset: got true, must be null (no committed "
                                        + "offset) or an integer in [0, 9223372036854775807]",
                                "data.topics[2].topic: got \"t\", is listed twice"))
                .satisfies(x ->
                        assertThat(RejectReason.of((InvalidObjectException) x)).isEqualTo(RejectReason.InvalidField));
        assertThat(state.metrics().kafkaLag(ref("pa"), 0)).isNull();
    }

    @Test
    void sizeAndTimeAreBounded() {
        folder = new EventFolder(state, InputLimits.defaults().withKafka(2, 3));
        CloudEvent big = KafkaOffsetEvents.toEvent(
                poll(SERVERS, "g", "orders", 1, 0, 1, 0, 1, 0, 1, 0), "big", "/t", null, T0, null);
        assertThatThrownBy(() -> folder.fold(big, T0.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .hasMessageContaining(
                        "data.topics[*].partitions: got 4 partitions, at most 3 are accepted in one event "
                                + "(max-kafka-partitions)")
                .satisfies(
                        x -> assertThat(((InvalidObjectException) x).reason()).isEqualTo(RejectReason.TooLarge));
        CloudEvent future = KafkaOffsetEvents.toEvent(
                poll(SERVERS, "g", "orders", 1, 0), "f", "/t", null, T0.plusSeconds(60), null);
        assertThatThrownBy(() -> folder.fold(future, T0.toEpochMilli()))
                .isInstanceOf(InvalidObjectException.class)
                .satisfies(
                        x -> assertThat(((InvalidObjectException) x).reason()).isEqualTo(RejectReason.FutureTimestamp));
        CloudEvent timeless =
                KafkaOffsetEvents.toEvent(poll(SERVERS, "g", "orders", 1, 0), "n", "/t", null, null, null);
        assertThatThrownBy(() -> folder.fold(timeless, T0.toEpochMilli()))
                .hasMessageContaining("time: missing, the CloudEvent's time is required: it dates the poll");
    }

    /** The same events, folded and decided twice from scratch, give the same decisions (seeded). */
    @Test
    void decisionsAreDeterministicOverTheSameEvents() {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        List<CloudEvent> events = new ArrayList<>();
        long[] committed = new long[4];
        long[] end = new long[4];
        long t = 0;
        for (int i = 0; i < 200; i++) {
            t += 1 + r.nextInt(20);
            long[] offsets = new long[8];
            for (int p = 0; p < 4; p++) {
                end[p] += r.nextInt(200);
                if (r.nextInt(4) != 0) {
                    committed[p] = Math.min(end[p], committed[p] + r.nextInt(250));
                }
                offsets[2 * p] = end[p];
                offsets[2 * p + 1] = r.nextInt(20) == 0 ? -1 : committed[p];
            }
            events.add(KafkaOffsetEvents.toEvent(
                    poll(SERVERS, "g", "orders", offsets),
                    "e" + i,
                    "/t",
                    r.nextBoolean() ? null : "ns/pa",
                    T0.plusSeconds(t),
                    null));
        }
        assertThat(run(events)).as("seed " + seed).isEqualTo(run(events)).isNotEmpty();
    }

    private List<String> run(List<CloudEvent> events) {
        cluster();
        List<String> out = new ArrayList<>();
        for (CloudEvent e : events) {
            for (ScalingPolicy p : folder.fold(e, e.time().toEpochMilli())) {
                ScaleDecision d = autoscaler.decide(state, p, e.time().toEpochMilli());
                if (d.rescale()) {
                    state.putTarget(state.target(p.targetRef()).withReplicas(d.desiredReplicas()));
                    autoscaler.applied(state, p, d);
                }
                out.add(CloudEventCodec.write(DecisionEvents.toEvent(d, "d", e)));
            }
        }
        return out;
    }
}

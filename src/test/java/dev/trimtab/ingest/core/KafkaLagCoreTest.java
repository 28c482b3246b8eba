package dev.trimtab.ingest.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Commit;
import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Deletion;
import dev.trimtab.ingest.core.ConsumerOffsetsDecoder.Other;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Kafka-lag source's pure parts: the book of committed offsets, the poll, the pacing, the allow list. */
class KafkaLagCoreTest {
    private static final LagWatch ORDERS =
            new LagWatch("shop/worker", "shop", "worker", 0, "kafka:9092", "g", "orders");
    private static final LagWatch ANY_TOPIC = new LagWatch("shop/worker", "shop", "worker", 1, "kafka:9092", "g", null);

    private static Commit commit(String group, String topic, int partition, long offset) {
        return new Commit(group, topic, partition, offset, -1, "", 0, -1, (short) 3);
    }

    @Test
    void theBookKeepsOnlyWatchedGroupsAndKnowsWhenAGroupIsKnownWhole() {
        LagBook book = new LagBook(100);
        assertThat(book.watch(Set.of("g"))).containsExactly("g");
        assertThat(book.unseeded()).containsExactly("g");
        assertThat(book.apply(commit("other", "orders", 0, 5))).isNull();
        assertThat(book.apply(commit("g", "orders", 0, 5))).isEqualTo("g"); // kept, but not yet known whole
        assertThat(book.seeded("g")).isFalse();
        book.seed("g", Map.of("orders", Map.of(0, 7L, 1, 3L), "audit", Map.of(0, -1L)));
        assertThat(book.seeded("g")).isTrue();
        assertThat(book.committed("g")).isEqualTo(Map.of("orders", Map.of(0, 7L, 1, 3L))); // the seed replaces
        assertThat(book.apply(commit("g", "orders", 1, 3)))
                .as("the same offset again")
                .isNull();
        assertThat(book.apply(commit("g", "orders", 1, 9))).isEqualTo("g");
        assertThat(book.apply(new Deletion("g", "orders", 0))).isEqualTo("g");
        assertThat(book.apply(new Deletion("g", "orders", 0))).isNull();
        assertThat(book.apply(new Other((short) 2))).isNull();
        assertThat(book.committed("g")).isEqualTo(Map.of("orders", Map.of(1, 9L)));
        assertThat(book.apply(new Deletion("g", "orders", 1))).isEqualTo("g");
        assertThat(book.committed("g")).as("a topic without offsets is gone").isEmpty();
        book.unseedAll();
        assertThat(book.unseeded()).containsExactly("g");
        assertThat(book.watch(Set.of("h"))).containsExactly("h");
        assertThat(book.committed("g")).isEmpty();
    }

    @Test
    void theBookHoldsAtMostMaxPartitionsPerGroup() {
        LagBook book = new LagBook(2);
        book.watch(Set.of("g"));
        book.seed("g", Map.of());
        book.apply(commit("g", "t", 0, 1));
        book.apply(commit("g", "t", 1, 1));
        assertThat(book.overflowed("g")).isFalse();
        assertThat(book.apply(commit("g", "t", 2, 1))).isNull();
        assertThat(book.overflowed("g")).isTrue();
        assertThat(book.committed("g").get("t")).containsOnlyKeys(0, 1);
        book.seed("g", Map.of("t", Map.of(0, 4L)));
        assertThat(book.overflowed("g")).as("seeded again within the bound").isFalse();
    }

    @Test
    void aPollHasEveryPartitionOfTheTopicWithNullWhereNothingIsCommitted() {
        Map<String, Map<Integer, Long>> committed = Map.of("orders", Map.of(0, 100L), "audit", Map.of(0, 1L));
        Map<String, List<Integer>> partitions = Map.of("orders", List.of(1, 0), "audit", List.of(0));
        Map<String, Map<Integer, Long>> ends = Map.of("orders", Map.of(0, 120L, 1, 50L), "audit", Map.of(0, 1L));
        OffsetsPoll.Outcome out = OffsetsPoll.of(ORDERS, committed, partitions, ends);
        assertThat(out.poll())
                .isEqualTo(new KafkaOffsets(
                        "kafka:9092",
                        "g",
                        List.of(new KafkaOffsets.Topic(
                                "orders",
                                List.of(
                                        new KafkaOffsets.Partition(0, 120, 100L),
                                        new KafkaOffsets.Partition(1, 50, null))))));

        KafkaOffsets all =
                OffsetsPoll.of(ANY_TOPIC, committed, partitions, ends).poll();
        assertThat(all.topics()).extracting(KafkaOffsets.Topic::topic).containsExactly("audit", "orders");
    }

    @Test
    void aPollNeedsEveryEndOffsetAndAKnownTopic() {
        Map<String, Map<Integer, Long>> committed = Map.of();
        assertThat(OffsetsPoll.of(ORDERS, committed, Map.of(), Map.of()).problem())
                .isEqualTo(OffsetsPoll.Problem.unknown_topic);
        OffsetsPoll.Outcome out =
                OffsetsPoll.of(ORDERS, committed, Map.of("orders", List.of(0, 1)), Map.of("orders", Map.of(0, 5L)));
        assertThat(out.problem()).isEqualTo(OffsetsPoll.Problem.no_end_offset);
        assertThat(out.detail()).contains("orders-1");
        assertThat(OffsetsPoll.of(ANY_TOPIC, committed, Map.of(), Map.of())
                        .poll()
                        .topics())
                .as("a group that committed nothing reads no topic")
                .isEmpty();
    }

    @Test
    void anEndOffsetReadBeforeANewerCommitIsRaisedToIt() {
        KafkaOffsets poll = OffsetsPoll.of(
                        ORDERS,
                        Map.of("orders", Map.of(0, 130L)),
                        Map.of("orders", List.of(0)),
                        Map.of("orders", Map.of(0, 120L)))
                .poll();
        assertThat(poll.topics().get(0).partitions()).containsExactly(new KafkaOffsets.Partition(0, 130, 130L));
    }

    @Test
    void aCommitIsSentAtOnceThenAtMostOncePerGap() {
        EmitPacer pacer = new EmitPacer(100);
        assertThat(pacer.untilNext(0)).isEqualTo(-1);
        pacer.commitSeen("a");
        assertThat(pacer.due(1_000)).containsExactly("a");
        pacer.sent("a", 1_000);
        pacer.commitSeen("a");
        assertThat(pacer.due(1_050)).isEmpty();
        assertThat(pacer.untilNext(1_050)).isEqualTo(50);
        assertThat(pacer.due(1_100)).containsExactly("a");
        pacer.sent("a", 1_100);
        assertThat(pacer.due(5_000)).as("nothing new committed").isEmpty();
        pacer.commitSeen("a");
        assertThat(pacer.due(900)).as("the clock went back").containsExactly("a");
        pacer.retain(Set.of());
        assertThat(pacer.due(10_000)).isEmpty();
    }

    @Test
    void onlyListedBrokersAreAllowedAndAClusterHasOneName() {
        AllowedBrokers allowed = AllowedBrokers.parse("p", List.of("Kafka-0.kafka:9092", " kafka-1.kafka:9092 ", ""));
        assertThat(AllowedBrokers.cluster("kafka-1.kafka:9092, KAFKA-0.kafka:9092"))
                .isEqualTo("kafka-0.kafka:9092,kafka-1.kafka:9092");
        assertThat(allowed.allows(AllowedBrokers.cluster("kafka-1.kafka:9092,kafka-0.kafka:9092")))
                .isTrue();
        assertThat(allowed.allows(AllowedBrokers.cluster("kafka-0.kafka:9092,evil:9092")))
                .isFalse();
        assertThat(allowed.allows(AllowedBrokers.cluster("kafka-0.kafka:9093"))).isFalse();
        assertThat(AllowedBrokers.parse("p", List.of()).allows(AllowedBrokers.cluster("kafka:9092")))
                .isFalse();
        assertThat(AllowedBrokers.cluster("[::1]:9092")).isEqualTo("[::1]:9092");
        for (String bad : List.of(
                "",
                "kafka",
                "kafka:",
                ":9092",
                "kafka:0",
                "kafka:65536",
                "kafka:92a",
                "PLAINTEXT://kafka:9092",
                "user@kafka:9092",
                "kafka:9092,")) {
            assertThatThrownBy(() -> AllowedBrokers.cluster(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("bootstrapServers");
        }
        assertThatThrownBy(() ->
                        AllowedBrokers.parse("trimtab.ingest.kafka-lag.allowed-servers", List.of("http://kafka:9092")))
                .hasMessage(
                        "trimtab.ingest.kafka-lag.allowed-servers: \"http://kafka:9092\" is not host:port (port 1-65535)");
    }
}

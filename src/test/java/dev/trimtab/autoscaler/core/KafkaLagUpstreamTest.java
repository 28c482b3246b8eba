package dev.trimtab.autoscaler.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.testing.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * KEDA's Kafka scaler arithmetic (per-partition lag, persistent lag, the cap, factors) and its
 * partitionLimitation parser, from the vectors in {@code upstream/keda/kafka-lag.json} and
 * {@code kafka-partition-limitation.json}. A row with a {@code trimtab} object is a deliberate
 * deviation: its values are Trimtab's.
 */
class KafkaLagUpstreamTest {
    private static final JsonNode LAG = Json.resource("/upstream/keda/kafka-lag.json");
    private static final JsonNode LIMITATION = Json.resource("/upstream/keda/kafka-partition-limitation.json");

    static Stream<Arguments> rows(JsonNode doc, String array) {
        List<Arguments> out = new ArrayList<>();
        doc.get(array)
                .forEach(r -> out.add(Arguments.of(
                        r.has("name")
                                ? r.get("name").asText()
                                : r.has("input") ? "\"" + r.get("input").asText() + "\"" : r.toString(),
                        r)));
        return out.stream();
    }

    static Stream<Arguments> partitionLag() {
        return rows(LAG, "partitionLag");
    }

    static Stream<Arguments> persistentSequences() {
        return rows(LAG, "persistentSequences");
    }

    static Stream<Arguments> totals() {
        return rows(LAG, "totals");
    }

    static Stream<Arguments> factors() {
        return rows(LAG, "factors");
    }

    static Stream<Arguments> nextFactor() {
        return rows(LAG, "nextFactor");
    }

    static Stream<Arguments> parse() {
        return rows(LIMITATION, "parse");
    }

    static Stream<Arguments> topicPartitions() {
        return rows(LIMITATION, "topicPartitions");
    }

    static KafkaLag metric(JsonNode r) {
        KafkaLag.OffsetResetPolicy policy = r.has("policy")
                ? KafkaLag.OffsetResetPolicy.valueOf(r.get("policy").asText())
                : KafkaLag.OffsetResetPolicy.latest;
        return new KafkaLag(
                Set.of("b:9092"),
                "g",
                "t",
                r.path("lagThreshold").asLong(10),
                0,
                policy,
                r.path("allowIdleConsumers").asBoolean(false),
                r.path("limitToPartitionsWithLag").asBoolean(false),
                r.path("ensureEvenDistributionOfPartitions").asBoolean(false),
                r.path("excludePersistentLag").asBoolean(false),
                r.path("scaleToZeroOnInvalidOffset").asBoolean(false),
                null);
    }

    private static Long committed(JsonNode v) {
        return v == null || v.isNull() ? null : v.asLong();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("partitionLag")
    void partitionLagAsKeda(String name, JsonNode r) {
        assumeTrue(r.path("applicable").asBoolean(true), r.path("why").asText());
        JsonNode want = r.has("trimtab") ? r.get("trimtab") : r;
        KafkaLagCalculator.PartitionLag lag = KafkaLagCalculator.partitionLag(
                metric(r), new KafkaOffsets.Partition(0, r.get("end").asLong(), committed(r.get("committed"))), false);
        assertThat(lag.lag()).isEqualTo(want.get("lag").asLong());
        assertThat(lag.lagWithPersistent())
                .isEqualTo(want.get("lagWithPersistent").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("persistentSequences")
    void persistentLagAcrossPolls(String name, JsonNode r) {
        KafkaLag m = new KafkaLag(
                Set.of("b:9092"),
                "g",
                "t",
                1_000_000,
                0,
                KafkaLag.OffsetResetPolicy.latest,
                true,
                false,
                false,
                true,
                false,
                null);
        KafkaLagCalculator.Memory memory = KafkaLagCalculator.Memory.EMPTY;
        for (int i = 0; i < r.get("committed").size(); i++) {
            KafkaOffsets poll = new KafkaOffsets(
                    "b:9092",
                    "g",
                    List.of(new KafkaOffsets.Topic(
                            "t",
                            List.of(new KafkaOffsets.Partition(
                                    0,
                                    r.get("end").asLong(),
                                    committed(r.get("committed").get(i)))))));
            // KEDA's polls, pollingInterval (30 s) apart
            KafkaLagCalculator.Poll p = KafkaLagCalculator.compute(m, poll, memory, i * 30_000L);
            assertThat(p.result().lag())
                    .as("poll %d lag", i)
                    .isEqualTo(r.get("lag").get(i).asLong());
            assertThat(p.result().lagWithPersistent())
                    .as("poll %d lag with persistent", i)
                    .isEqualTo(r.get("lagWithPersistent").get(i).asLong());
            memory = p.memory();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("totals")
    void totalLagAndTheCapAsKeda(String name, JsonNode r) {
        List<KafkaOffsets.Partition> partitions = new ArrayList<>();
        for (int i = 0; i < r.get("lags").size(); i++) {
            partitions.add(
                    new KafkaOffsets.Partition(i, 1000 + r.get("lags").get(i).asLong(), 1000L));
        }
        KafkaLagCalculator.Poll p = KafkaLagCalculator.compute(
                metric(r),
                new KafkaOffsets("b:9092", "g", List.of(new KafkaOffsets.Topic("t", partitions))),
                KafkaLagCalculator.Memory.EMPTY,
                0);
        assertThat(p.result().error()).isNull();
        assertThat(p.result().lag()).isEqualTo(r.get("lag").asLong());
        assertThat(p.result().lagWithPersistent())
                .isEqualTo(r.get("lagWithPersistent").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("factors")
    void factorsAsKeda(String name, JsonNode r) {
        List<Long> want = new ArrayList<>();
        r.get("factors").forEach(v -> want.add(v.asLong()));
        assertThat(KafkaLagCalculator.factors(r.get("n").asLong())).isEqualTo(want);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nextFactor")
    void nextFactorAsKeda(String name, JsonNode r) {
        assertThat(KafkaLagCalculator.nextFactor(
                        r.get("lag").asLong(),
                        r.get("partitions").asLong(),
                        r.get("threshold").asLong()))
                .isEqualTo(r.get("factor").asLong());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parse")
    void partitionLimitationAsKeda(String name, JsonNode r) {
        boolean error = r.has("trimtab")
                ? r.at("/trimtab/error").asBoolean()
                : r.path("error").asBoolean(false);
        String input = r.get("input").asText();
        if (error) {
            assertThatThrownBy(() -> KafkaLag.PartitionLimitation.parse(input))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid partition limitation");
            return;
        }
        KafkaLag.PartitionLimitation l = KafkaLag.PartitionLimitation.parse(input);
        if (r.has("expectedFirst")) {
            List<Integer> first = new ArrayList<>();
            r.get("expectedFirst").forEach(v -> first.add(v.asInt()));
            assertThat(l.ids(first.size())).isEqualTo(first);
            assertThat(l.contains(Integer.MAX_VALUE)).isTrue();
            return;
        }
        TreeSet<Integer> want = new TreeSet<>();
        r.get("expected").forEach(v -> want.add(v.asInt()));
        assertThat(l.ids(100)).containsExactlyElementsOf(want);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topicPartitions")
    void onlyTheLimitedPartitionsCount(String name, JsonNode r) {
        KafkaLag.PartitionLimitation limitation =
                KafkaLag.PartitionLimitation.parse(r.get("partitionLimitation").asText());
        KafkaLag m = new KafkaLag(
                Set.of("b:9092"),
                "g",
                "my-topic",
                1,
                0,
                KafkaLag.OffsetResetPolicy.latest,
                true,
                false,
                false,
                false,
                false,
                limitation);
        List<KafkaOffsets.Partition> partitions = new ArrayList<>();
        r.get("partitions").forEach(id -> partitions.add(new KafkaOffsets.Partition(id.asInt(), 10, 9L)));
        KafkaLagCalculator.Result result = KafkaLagCalculator.compute(
                        m,
                        new KafkaOffsets("b:9092", "g", List.of(new KafkaOffsets.Topic("my-topic", partitions))),
                        KafkaLagCalculator.Memory.EMPTY,
                        0)
                .result();
        assertThat(result.partitions()).isEqualTo(r.get("expected").size());
        assertThat(result.lag())
                .as("one per counted partition")
                .isEqualTo(r.get("expected").size());
    }
}

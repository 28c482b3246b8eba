package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.kafka.core.TopicRetention;
import dev.trimtab.kafka.core.TopicRetention.Verdict;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Which configurations of a topic read from its start let records expire (Kafka's semantics). */
class TopicRetentionTest {
    record Case(String name, Map<String, String> config, Verdict want, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "the shipped topic: a week",
                        Map.of("cleanup.policy", "delete", "retention.ms", "604800000"),
                        Verdict.Expiring,
                        "older than 7 d (retention.ms=604800000)"),
                new Case("nothing set: Kafka's default week", Map.of(), Verdict.Expiring, "retention.ms=604800000"),
                new Case(
                        "no time limit, a size limit",
                        Map.of("retention.ms", "-1", "retention.bytes", "1073741824"),
                        Verdict.Expiring,
                        "beyond 1073741824 bytes per partition"),
                new Case("hours", Map.of("retention.ms", "7200000"), Verdict.Expiring, "older than 2 h"),
                new Case(
                        "infinite",
                        Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1"),
                        Verdict.Kept,
                        "keeps every record"),
                new Case(
                        "compact and delete with a limit",
                        Map.of("cleanup.policy", "compact,delete", "retention.ms", "86400000"),
                        Verdict.Expiring,
                        "older than 1 d"),
                new Case(
                        "compact and delete without limits",
                        Map.of("cleanup.policy", "delete, compact", "retention.ms", "-1", "retention.bytes", "-1"),
                        Verdict.Kept,
                        "keeps every record"),
                new Case(
                        "compact only",
                        Map.of("cleanup.policy", "compact", "retention.ms", "604800000"),
                        Verdict.CompactedUnkeyed,
                        "refuses the ApiServerSource's records"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void verdict(Case c) {
        TopicRetention r = TopicRetention.of("trimtab.cluster-events", c.config());
        assertThat(r.verdict()).isEqualTo(c.want());
        assertThat(r.describe()).startsWith("trimtab.cluster-events ").contains(c.says());
    }

    @Test
    void aValueThatIsNotANumberNamesTheKeyAndTheValue() {
        assertThatThrownBy(() -> TopicRetention.of("t", Map.of("retention.ms", "a week")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retention.ms: got \"a week\", expected a whole number (-1 for no limit)");
    }
}

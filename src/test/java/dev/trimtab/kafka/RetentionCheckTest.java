package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.kafka.core.TopicRetention;
import dev.trimtab.testing.EmbeddedKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The retention a real broker (embedded KRaft) reports for a topic, defaults included. */
class RetentionCheckTest {
    private static Admin admin;

    @BeforeAll
    static void admin() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafka.bootstrapServers()));
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    private static String topic(Map<String, String> config) throws Exception {
        String name = "retention-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1).configs(config)))
                .all()
                .get();
        // a new topic's metadata reaches the broker that answers describeConfigs a moment later
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> RetentionCheck.assess(admin, name, Duration.ofSeconds(2)) != null);
        return name;
    }

    @Test
    void theShippedClusterEventTopicKeepsAWeekAndIsReportedAsExpiring() throws Exception {
        TopicRetention r = RetentionCheck.assess(admin, "trimtab.cluster-events", Duration.ofSeconds(10));
        assertThat(r.verdict()).isEqualTo(TopicRetention.Verdict.Expiring);
        assertThat(r.retentionMs()).isEqualTo(604_800_000L);
        assertThat(r.describe()).contains("trimtab.cluster-events", "retention.ms=604800000");
    }

    @Test
    void anHourOfRetentionIsExpiring() throws Exception {
        String t = topic(Map.of("retention.ms", "3600000"));
        TopicRetention r = RetentionCheck.assess(admin, t, Duration.ofSeconds(10));
        assertThat(r.verdict()).isEqualTo(TopicRetention.Verdict.Expiring);
        assertThat(r.describe()).contains(t, "older than 1 h (retention.ms=3600000)");
    }

    @Test
    void infiniteRetentionIsKept() throws Exception {
        String t = topic(Map.of("retention.ms", "-1", "retention.bytes", "-1"));
        assertThat(RetentionCheck.assess(admin, t, Duration.ofSeconds(10)).verdict())
                .isEqualTo(TopicRetention.Verdict.Kept);
    }

    @Test
    void aTopicWithoutSettingsHasTheBrokersDefaultsWhichExpire() throws Exception {
        String t = topic(Map.of());
        TopicRetention r = RetentionCheck.assess(admin, t, Duration.ofSeconds(10));
        assertThat(r.verdict()).isEqualTo(TopicRetention.Verdict.Expiring);
        assertThat(r.cleanupPolicy()).containsExactly("delete");
    }

    @Test
    void aMissingTopicIsAnError() {
        assertThatThrownBy(() ->
                        RetentionCheck.assess(admin, "no-such-topic-" + UUID.randomUUID(), Duration.ofSeconds(10)))
                .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    }
}

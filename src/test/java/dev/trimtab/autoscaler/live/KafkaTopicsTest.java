package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.KafkaTopicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every configured topic has its KafkaTopic file, and every file its channel or setting. */
class KafkaTopicsTest {
    @Test
    void channelsAndTopicFilesMatch() throws IOException {
        Properties config = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            config.load(in);
        }
        Set<String> configured = new TreeSet<>();
        for (String key : config.stringPropertyNames()) {
            if ((key.startsWith("mp.messaging.") || key.startsWith("trimtab.")) && key.endsWith(".topic")) {
                configured.add(config.getProperty(key));
            }
        }
        Set<String> declared = new TreeSet<>();
        KafkaTopicFiles.all().forEach(t -> declared.add(t.name()));
        assertThat(declared).isEqualTo(configured);
        KafkaTopicFiles.all()
                .forEach(t -> assertThat(t.file().getFileName().toString()).isEqualTo(t.name() + ".yaml"));
    }

    @Test
    void theStateTopicIsCompactedAndPartitionedLikeTheMetricTopic() {
        KafkaTopicFiles.Topic state = topic("trimtab.autoscaler.state");
        assertThat(state.config()).containsEntry("cleanup.policy", "compact");
        assertThat(state.partitions())
                .as("snapshots go to their workload's metric partition number")
                .isEqualTo(topic("trimtab.metrics").partitions());
        assertThat(topic("trimtab.cluster-events").partitions())
                .as("unkeyed ApiServerSource records stay in order only on one partition")
                .isEqualTo(1);
    }

    private static KafkaTopicFiles.Topic topic(String name) {
        return KafkaTopicFiles.all().stream()
                .filter(t -> t.name().equals(name))
                .findFirst()
                .orElseThrow();
    }
}

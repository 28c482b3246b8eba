package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.KafkaTopicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Every configured channel has its KafkaTopic file, and every file its channel. */
class KafkaTopicsTest {
    @Test
    void channelsAndTopicFilesMatch() throws IOException {
        Properties config = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/application.properties")) {
            config.load(in);
        }
        Set<String> configured = new TreeSet<>();
        for (String key : config.stringPropertyNames()) {
            if (key.startsWith("mp.messaging.") && (key.endsWith(".topic"))) {
                configured.add(config.getProperty(key));
            }
        }
        Set<String> declared = new TreeSet<>();
        KafkaTopicFiles.all().forEach(t -> declared.add(t.name()));
        assertThat(declared).isEqualTo(configured);
        KafkaTopicFiles.all().forEach(t -> assertThat(t.file().getFileName().toString()).isEqualTo(t.name() + ".yaml"));
    }
}

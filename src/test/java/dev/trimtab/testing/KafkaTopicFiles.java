package dev.trimtab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The Strimzi KafkaTopic files in kafka-topics/: the one source of truth for topics in tests. */
public final class KafkaTopicFiles {
    public record Topic(String name, int partitions, Map<String, String> config, Path file) {}

    private KafkaTopicFiles() {}

    public static List<Topic> all() {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        try (Stream<Path> files = Files.list(Path.of("kafka-topics"))) {
            return files.filter(p -> p.toString().endsWith(".yaml"))
                    .sorted()
                    .map(p -> {
                        try {
                            JsonNode t = yaml.readTree(p.toFile());
                            Map<String, String> config = new TreeMap<>();
                            t.at("/spec/config")
                                    .fields()
                                    .forEachRemaining(e ->
                                            config.put(e.getKey(), e.getValue().asText()));
                            return new Topic(
                                    t.at("/metadata/name").asText(),
                                    t.at("/spec/partitions").asInt(),
                                    config,
                                    p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

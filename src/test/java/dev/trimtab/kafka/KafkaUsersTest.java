package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The KafkaUsers of the policy and placement functions grant exactly what their channels in
 * application.properties use: Write and Describe on each outgoing channel's topic and each
 * incoming channel's dead-letter topic; Read, Describe and DescribeConfigs (the retention check)
 * on each incoming channel's topic; Read on its group (a prefix where the group id ends in
 * {@code ${quarkus.uuid}}); nothing else.
 */
class KafkaUsersTest {
    static final String PREFIX = "mp.messaging.";

    record Acl(String type, String name, String pattern, Set<String> operations) {}

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "policy, trimtab-policy, policy-events, policy-audit",
        "placement, trimtab-placement, placement-decisions, placement-events"
    })
    void aclsAreExactlyWhatTheChannelsUse(String function, String user, String outgoing, String incoming)
            throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("src/main/resources/application.properties"))) {
            p.load(r);
        }
        String in = PREFIX + "incoming." + incoming + ".";
        String group = p.getProperty(in + "group.id");
        List<Acl> want = List.of(
                new Acl(
                        "topic",
                        p.getProperty(PREFIX + "outgoing." + outgoing + ".topic"),
                        "literal",
                        Set.of("Write", "Describe")),
                new Acl("topic", p.getProperty(in + "topic"), "literal", Set.of("Read", "Describe", "DescribeConfigs")),
                group.endsWith("${quarkus.uuid}")
                        ? new Acl("group", group.replace("${quarkus.uuid}", ""), "prefix", Set.of("Read"))
                        : new Acl("group", group, "literal", Set.of("Read")),
                new Acl(
                        "topic",
                        p.getProperty(in + "dead-letter-queue.topic"),
                        "literal",
                        Set.of("Write", "Describe")));
        assertThat(want).allMatch(a -> a.name() != null && !a.name().isBlank());

        JsonNode doc = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of("k8s-manifests", function, "kafka-users.yaml").toFile());
        assertThat(doc.path("kind").asText()).isEqualTo("KafkaUser");
        assertThat(doc.path("metadata").path("name").asText()).isEqualTo(user);
        assertThat(doc.path("metadata")
                        .path("labels")
                        .path("strimzi.io/cluster")
                        .asText())
                .isEqualTo("trimtab");
        List<Acl> got = new ArrayList<>();
        for (JsonNode acl : doc.path("spec").path("authorization").path("acls")) {
            Set<String> ops = new TreeSet<>();
            acl.path("operations").forEach(o -> ops.add(o.asText()));
            JsonNode res = acl.path("resource");
            got.add(new Acl(
                    res.path("type").asText(),
                    res.path("name").asText(),
                    res.path("patternType").asText(),
                    ops));
        }
        assertThat(got).containsExactlyInAnyOrderElementsOf(want);
    }
}

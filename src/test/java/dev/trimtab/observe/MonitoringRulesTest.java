package dev.trimtab.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PrometheusRule's groups pass {@code promtool check rules}, and its alerts fire (and stay
 * quiet) as {@code src/test/resources/monitoring/alerts-test.yml} says ({@code promtool test rules}).
 * promtool is Debian's {@code prometheus} package, which {@code .ci/run} installs: without it the
 * test is skipped, except under CI (env {@code CI} set), where it fails.
 */
class MonitoringRulesTest {
    static final Path RULE = Path.of("k8s-manifests/monitoring/prometheusrule.yaml");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static Path dir;

    @BeforeAll
    static void rulesFile() throws IOException {
        dir = Files.createDirectories(Path.of("target/monitoring-rules"));
        JsonNode rule = YAML.readTree(RULE.toFile());
        assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        YAML.writeValue(dir.resolve("rules.yml").toFile(), rule.path("spec"));
        JsonNode bare = rule.path("spec").deepCopy();
        for (JsonNode group : bare.path("groups")) {
            for (JsonNode r : group.path("rules")) {
                ((ObjectNode) r).remove("annotations");
            }
        }
        YAML.writeValue(dir.resolve("alerting-rules.yml").toFile(), bare);
        Files.copy(
                Path.of("src/test/resources/monitoring/alerts-test.yml"),
                dir.resolve("alerts-test.yml"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void everyAlertHasASeveritySummaryAndRunbook() throws IOException {
        List<String> names = new ArrayList<>();
        for (JsonNode group : YAML.readTree(RULE.toFile()).at("/spec/groups")) {
            for (JsonNode r : group.path("rules")) {
                String name = r.path("alert").asText();
                names.add(name);
                assertThat(name).matches("Trimtab[A-Z][A-Za-z]+");
                assertThat(r.at("/labels/severity").asText()).as(name).isIn("warning", "critical");
                assertThat(r.at("/annotations/summary").asText()).as(name).isNotBlank();
                assertThat(r.at("/annotations/description").asText()).as(name).contains("Runbook:");
            }
        }
        assertThat(names)
                .doesNotHaveDuplicates()
                .contains(
                        "TrimtabAutoscalerConsumerLagHigh",
                        "TrimtabDeadLetters",
                        "TrimtabScaleWritesFailing",
                        "TrimtabPoliciesRejected",
                        "TrimtabLeaseUnheld",
                        "TrimtabWebhookErrors");
    }

    @Test
    void promtoolChecksTheRules() throws Exception {
        String out = promtool("check", "rules", dir.resolve("rules.yml").toString());
        assertThat(out).contains("SUCCESS");
    }

    @Test
    void promtoolUnitTestsOfTheAlertsPass() throws Exception {
        String out = promtool("test", "rules", dir.resolve("alerts-test.yml").toString());
        assertThat(out).contains("SUCCESS");
    }

    /** Runs promtool; its output, once it exited 0 (else the test fails with the output). */
    private static String promtool(String... args) throws Exception {
        String promtool = findPromtool();
        if (promtool == null) {
            String ci = System.getenv("CI");
            assertThat(ci == null || ci.isEmpty())
                    .as("promtool is missing under CI (.ci/run installs Debian's " + "prometheus package)")
                    .isTrue();
            assumeTrue(false, "promtool not found (apt-get install prometheus); skipped outside CI");
        }
        List<String> command = new ArrayList<>(List.of(promtool));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ":\n" + out).isZero();
        return out;
    }

    private static String findPromtool() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(d, "promtool");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}

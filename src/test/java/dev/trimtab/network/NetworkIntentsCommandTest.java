package dev.trimtab.network;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code network intents [--plan]} on a temporary directory of manifests, as Main calls it. */
class NetworkIntentsCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void manifests() throws IOException {
        Files.writeString(dir.resolve("cluster.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {team: a}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                status: {podIP: 10.0.0.10}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: prom, namespace: monitoring, labels: {app: prom}}
                status: {podIP: 10.2.0.5}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: open, namespace: other}
                spec: {podSelector: {}, ingress: [{}]}
                """);
        Files.writeString(dir.resolve("intents.yaml"), """
                apiVersion: trimtab.dev/v1alpha1
                kind: NetworkIntent
                metadata: {name: metrics}
                spec:
                  mode: Enforce
                  rules:
                  - onlyFrom:
                      to: {podSelector: {matchLabels: {app: web}}}
                      port: 9090
                      from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]
                ---
                apiVersion: trimtab.dev/v1alpha1
                kind: NetworkIntent
                metadata: {name: broken}
                spec: {rules: [{deny: {from: {}}}]}
                """);
    }

    private int run(String... args) {
        return NetworkCommand.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<JsonNode> lines() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    @Test
    void violationsOnlyWithoutPlan() throws IOException {
        assertThat(run("intents", "--manifests", dir.toString()))
                .as("a violated intent fails the command")
                .isEqualTo(1);
        List<JsonNode> lines = lines();
        assertThat(lines).extracting(n -> n.get("from").asText()).containsExactly("203.0.113.1");
        JsonNode v = lines.get(0);
        assertThat(v.get("intent").asText()).isEqualTo("metrics");
        assertThat(v.get("code").asText()).isEqualTo("AllowedFlow");
        assertThat(v.get("to").asText()).isEqualTo("shop/web");
        assertThat(v.get("port").asInt()).isEqualTo(9090);
        assertThat(v.get("protocol").asText()).isEqualTo("TCP");
        assertThat(v.get("direction").asText()).isEqualTo("Ingress");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("NetworkIntent broken: spec.rules[0].deny.from.namespaceSelector: required")
                .contains("NetworkIntent broken: spec.rules[0].deny.to: required");
    }

    @Test
    void planPrintsChangesThenHolds() throws IOException {
        assertThat(run("intents", "--manifests", dir.toString(), "--plan")).isEqualTo(1);
        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(4);
        JsonNode change = lines.get(1);
        assertThat(change.get("action").asText()).isEqualTo("create");
        assertThat(change.at("/policy/metadata/name").asText()).isEqualTo("trimtab-metrics-0");
        assertThat(change.at("/policy/metadata/labels/app.kubernetes.io~1managed-by")
                        .asText())
                .isEqualTo("trimtab");
        assertThat(change.at("/policy/spec/ingress/0/ports/0/port").asInt()).isEqualTo(9090);
        // web's other ports stay open to everyone
        assertThat(lines.get(2).at("/policy/metadata/name").asText()).isEqualTo("trimtab-metrics-0-others");
        assertThat(lines.get(3).toString()).isEqualTo("{\"holds\":true}");
    }

    @Test
    void planOnlyForIntents() {
        assertThat(run("matrix", "--manifests", dir.toString(), "--plan", "80")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown option: '--plan'");
    }
}

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code network can-reach|matrix} on a temporary directory of manifests, called as Main would call it. */
class NetworkCommandTest {
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
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop, labels: {app: web}}
                spec: {containers: [{name: main, ports: [{name: http, containerPort: 8080}]}]}
                status: {podIP: 10.0.0.10}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: db, namespace: shop, labels: {app: db}}
                spec: {containers: [{name: pg, ports: [{name: pg, containerPort: 5432}]}]}
                status: {podIP: 10.0.0.20}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: client, namespace: other, labels: {app: client}}
                status: {podIP: 10.1.0.5}
                """);
        Files.writeString(dir.resolve("policies.yaml"), """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: db-from-web, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: db}}
                  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: pg}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-egress, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Egress]
                  egress:
                  - to: [{podSelector: {}}]
                  - to: [{ipBlock: {cidr: 192.0.2.0/24}}]
                    ports: [{port: 443}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: broken, namespace: shop}
                spec: {podSelector: {}, ingress: [{ports: [{port: 'a b'}]}]}
                """);
        Files.writeString(dir.resolve("junk.yaml"), "kind: [unterminated\n");
    }

    private int run(String... args) {
        return NetworkCommand.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private int runWithStdin(String stdin, String... args) {
        out.reset();
        err.reset();
        return NetworkCommand.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** The output of one single-query run, each line a JSON object. */
    private List<JsonNode> single(String... args) throws IOException {
        out.reset();
        err.reset();
        assertThat(run(args)).isZero();
        return lines();
    }

    private List<JsonNode> lines() throws IOException {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void canReachAllowedNamesTheRulesOnBothSides() throws IOException {
        assertThat(run("can-reach", "--manifests", dir.toString(), "shop/web", "shop/db", "5432"))
                .isZero();

        assertThat(lines()).hasSize(1);
        assertThat(lines().get(0)).isEqualTo(JSON.readTree("""
                {"from":"shop/web","to":"shop/db","port":5432,"protocol":"TCP","reachable":true,
                 "egress":{"allowed":true,"reason":"AllowedByPolicy","isolated":true,"isolatedBy":["shop/web-egress"],
                           "allowedBy":[{"policy":"shop/web-egress","rule":0}]},
                 "ingress":{"allowed":true,"reason":"AllowedByPolicy","isolated":true,"isolatedBy":["shop/db-from-web"],
                            "allowedBy":[{"policy":"shop/db-from-web","rule":0}]}}"""));
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("network: NetworkPolicy shop/broken: spec.ingress[0].ports[0].port: got \"a b\", "
                        + "want a port number or an IANA service name")
                .contains("network: junk.yaml: document ");
    }

    @Test
    void canReachDeniedNamesTheIsolatingPolicy() throws IOException {
        assertThat(run("can-reach", "--manifests", dir.toString(), "other/client", "shop/db", "5432/tcp"))
                .isZero();

        JsonNode a = lines().get(0);
        assertThat(a.get("reachable").asBoolean()).isFalse();
        assertThat(a.get("egress").get("reason").asText()).isEqualTo("NotIsolated");
        assertThat(a.get("ingress").get("reason").asText()).isEqualTo("NoRuleAllows");
        assertThat(a.get("ingress").get("isolatedBy").toString()).isEqualTo("[\"shop/db-from-web\"]");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "192.0.2.9, 443, true, NotInCluster",
        "192.0.2.9, 80, false, NotInCluster",
        "198.51.100.1, 443, false, NotInCluster",
        "10.0.0.20, 5432, true, AllowedByPolicy",
    })
    void anAddressAsDestination(String to, String port, boolean reachable, String ingressReason) throws IOException {
        assertThat(run("can-reach", "--manifests", dir.toString(), "shop/web", to, port))
                .isZero();

        JsonNode a = lines().get(0);
        assertThat(a.get("reachable").asBoolean()).isEqualTo(reachable);
        assertThat(a.get("ingress").get("reason").asText()).isEqualTo(ingressReason);
    }

    @Test
    void matrixAnswersEveryOrderedPairOnce() throws IOException {
        assertThat(run("matrix", "--manifests", dir.toString(), "5432/TCP")).isZero();

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(9);
        assertThat(lines)
                .extracting(n -> n.get("from").asText() + ">" + n.get("to").asText() + "="
                        + n.get("reachable").asBoolean())
                .containsExactly(
                        "shop/web>shop/web=true",
                        "shop/web>shop/db=true",
                        "shop/web>other/client=false",
                        "shop/db>shop/web=true",
                        "shop/db>shop/db=false",
                        "shop/db>other/client=true",
                        "other/client>shop/web=true",
                        "other/client>shop/db=false",
                        "other/client>other/client=true");
        assertThat(lines.get(2).get("egress").get("isolatedBy").toString()).isEqualTo("[\"shop/web-egress\"]");
    }

    @Test
    void matrixOfChosenNamespaces() throws IOException {
        assertThat(run("matrix", "--manifests", dir.toString(), "--namespace", "other", "80"))
                .isZero();

        assertThat(lines())
                .extracting(n -> n.get("from").asText() + ">" + n.get("to").asText())
                .containsExactly("other/client>other/client");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no command||a command is required: can-reach, matrix or intents",
                "unknown command|reach|Unmatched argument at index 0: 'reach'",
                "no manifests|can-reach shop/web shop/db 80|Missing required option: '--manifests=DIR'",
                "too few arguments|can-reach --manifests DIR shop/web 80|want FROM TO PORT",
                "bad port|matrix --manifests DIR http|PORT \"http\": port: got \"http\", want a number in 1..65535",
                "bad protocol|matrix --manifests DIR 80/ICMP|PORT \"80/ICMP\": protocol: got \"ICMP\", want TCP, UDP or SCTP",
                "port out of range|matrix --manifests DIR 0|PORT \"0\": port: got 0, want 1..65535",
                "unknown pod|can-reach --manifests DIR shop/nope shop/db 80|FROM \"shop/nope\": no such pod in the manifests",
                "not a pod or address|can-reach --manifests DIR shop/web web 80|TO \"web\": want NAMESPACE/POD or an IP address",
                "unknown option|matrix --manifests DIR --verbose 80|Unknown option: '--verbose'",
                "namespace on can-reach|can-reach --manifests DIR --namespace x a/b c/d 80|Unknown option: '--namespace'",
                "batch and arguments|can-reach --manifests DIR --batch - shop/web shop/db 80|no query arguments with --batch",
                "batch and port|matrix --manifests DIR 80 --batch -|no query arguments with --batch",
                "batch and --namespace|matrix --manifests DIR --namespace shop --batch -|--namespace: not with --batch, give \"namespaces\" on each line",
                "batch on intents|intents --manifests DIR --batch -|Unknown options: '--batch', '-'",
                "batch without file|matrix --manifests DIR --batch|Missing required parameter for option '--batch' (FILE)",
            })
    void usageErrorsExit2NamingTheArgument(String name, String args, String message) {
        String[] argv = args == null
                ? new String[0]
                : args.replace("DIR", dir.toString()).split(" ");

        assertThat(run(argv)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(message);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void batchAnswersEachLineAsTheSingleQueryDoes() throws IOException {
        String m = dir.toString();
        List<JsonNode> expected = new ArrayList<>();
        expected.addAll(single("can-reach", "--manifests", m, "shop/web", "shop/db", "5432"));
        expected.addAll(single("can-reach", "--manifests", m, "other/client", "shop/db", "5432/tcp"));
        expected.addAll(single("can-reach", "--manifests", m, "shop/web", "192.0.2.9", "443"));
        Path batch = dir.resolve("queries.jsonl");
        Files.writeString(batch, """
                {"from":"shop/web","to":"shop/db","port":5432}
                {"from":"other/client","to":"shop/db","port":"5432/tcp"}

                {"to":"192.0.2.9","from":"shop/web","port":"443"}
                """);

        assertThat(runWithStdin("", "can-reach", "--manifests", m, "--batch", batch.toString()))
                .isZero();

        assertThat(lines()).containsExactlyElementsOf(expected);
    }

    @Test
    void matrixBatchFromStdinPrintsEachLinesObjectsInOrder() throws IOException {
        String m = dir.toString();
        List<JsonNode> expected = new ArrayList<>();
        expected.addAll(single("matrix", "--manifests", m, "5432/TCP"));
        expected.addAll(single("matrix", "--manifests", m, "--namespace", "other", "--namespace", "shop", "80"));

        assertThat(runWithStdin(
                        "{\"port\":\"5432/TCP\"}\n{\"port\":80,\"namespaces\":[\"other\",\"shop\"]}\n",
                        "matrix",
                        "--manifests",
                        m,
                        "--batch",
                        "-"))
                .isZero();

        assertThat(lines()).hasSize(9 + 9).containsExactlyElementsOf(expected);
    }

    @Test
    void aBadLineIsAnsweredWithItsErrorAndTheBatchGoesOn() throws IOException {
        String m = dir.toString();
        JsonNode good = single("can-reach", "--manifests", m, "shop/web", "shop/db", "5432")
                .get(0);
        String batch = """
                {"from":"shop/web","to":"shop/db","port":5432}
                {"from":"shop/nope","to":"shop/db","port":5432}
                not json
                {"from":"shop/web","to":"shop/db","port":5432,"protocol":"TCP"}
                {"from":"shop/web","to":"shop/db","port":"http"}
                {"from":"shop/web","to":"shop/db","port":true}
                {"from":"shop/web","port":5432}

                {"from":"shop/web","to":"shop/db","port":5432}
                """;

        assertThat(runWithStdin(batch, "can-reach", "--manifests", m, "--batch", "-"))
                .isEqualTo(2);

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).isEqualTo(good);
        assertThat(lines.get(1))
                .isEqualTo(JSON.readTree(
                        "{\"line\":2,\"error\":\"from \\\"shop/nope\\\": no such pod in the manifests\"}"));
        assertThat(lines.subList(2, 7))
                .extracting(n -> n.get("line").asInt() + ": " + n.get("error").asText())
                .satisfiesExactly(
                        e -> assertThat(e).startsWith("3: not JSON: "),
                        e -> assertThat(e).isEqualTo("4: unknown field \"protocol\": want from, to, port"),
                        e -> assertThat(e).isEqualTo("5: port \"http\": port: got \"http\", want a number in 1..65535"),
                        e -> assertThat(e).isEqualTo("6: port: got true, want a number or a string"),
                        e -> assertThat(e).isEqualTo("7: to: required"));
        assertThat(lines.get(7)).isEqualTo(good);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("network: line 2: from \"shop/nope\": no such pod in the manifests\n")
                .contains("network: line 4: unknown field \"protocol\"")
                .doesNotContain("line 1:", "line 8:", "line 9:", "usage:");
    }

    @Test
    void aMissingBatchFileExit2() {
        assertThat(run(
                        "matrix",
                        "--manifests",
                        dir.toString(),
                        "--batch",
                        dir.resolve("nope.jsonl").toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--batch ").contains("nope.jsonl: no such file");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void unreadableManifestsExit1() {
        assertThat(run("matrix", "--manifests", dir.resolve("missing").toString(), "80"))
                .isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("cannot read manifests")
                .contains("not a directory");
    }
}

package dev.trimtab.rbac;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code rbac} run as the CLI runs it, on a temporary directory of manifests. */
class RbacCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    record Run(int code, String out, String err) {
        List<JsonNode> lines() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (String l : this.out.split("\n")) {
                if (!l.isBlank()) {
                    out.add(JSON.readTree(l));
                }
            }
            return out;
        }
    }

    @BeforeAll
    static void manifests() throws IOException {
        Files.writeString(dir.resolve("rbac.yaml"), """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: pod-reader}
                rules:
                - {verbs: [get, list], apiGroups: [""], resources: [pods, pods/log]}
                - {verbs: [get], nonResourceURLs: [/healthz]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: alice-pods, namespace: team-a}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
                subjects: [{kind: User, name: alice, apiGroup: rbac.authorization.k8s.io}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRoleBinding
                metadata: {name: sa-deployer}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: deployer}
                subjects: [{kind: Group, name: "system:serviceaccounts:ci"}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: deployer}
                rules:
                - {verbs: [create], apiGroups: [apps], resources: [deployments]}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: broken}
                rules:
                - {apiGroups: [""], resources: [pods]}
                """);
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RbacCommand.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Run runWithStdin(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RbacCommand.run(
                args,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** The one answer of a single query, which must have been answered (can-i: yes or no). */
    static JsonNode single(String... args) throws IOException {
        Run r = run(args);
        assertThat(r.code()).isBetween(0, 1);
        assertThat(r.lines()).hasSize(1);
        return r.lines().get(0);
    }

    static String[] args(String... rest) {
        return Stream.concat(
                        Stream.of(rest[0], "--manifests", dir.toString()),
                        Stream.of(rest).skip(1))
                .toArray(String[]::new);
    }

    @Test
    void canIAllowedWithTheGrantingRule() throws IOException {
        Run r = run(args(
                "can-i",
                "--as",
                "alice",
                "get",
                "pods/web",
                "--subresource",
                "log",
                "--namespace",
                "team-a",
                "-o",
                "json"));
        assertThat(r.code()).isZero();
        JsonNode a = r.lines().get(0);
        assertThat(a.get("allowed").asBoolean()).isTrue();
        assertThat(a.get("resource").asText()).isEqualTo("pods");
        assertThat(a.get("subresource").asText()).isEqualTo("log");
        assertThat(a.get("name").asText()).isEqualTo("web");
        JsonNode rule = a.get("rules").get(0);
        assertThat(rule.get("binding").toString())
                .isEqualTo("{\"kind\":\"RoleBinding\",\"namespace\":\"team-a\",\"name\":\"alice-pods\"}");
        assertThat(rule.get("role").get("name").asText()).isEqualTo("pod-reader");
        assertThat(rule.get("rule").get("resources").toString()).isEqualTo("[\"pods\",\"pods/log\"]");
        assertThat(r.err()).contains("ClusterRole broken: rules[0].verbs: required");
    }

    @Test
    void canIAnswersYesOrNoWithItsExitStatusAsKubectlDoes() throws IOException {
        assertThat(run(args("can-i", "--as", "alice", "get", "pods", "-n", "team-a")))
                .isEqualTo(new Run(0, "yes\n", "" + "rbac: ClusterRole broken: rules[0].verbs: required\n"));
        Run no = run(args("can-i", "--as", "alice", "get", "pods", "--namespace", "team-b"));
        assertThat(no.code()).isEqualTo(1);
        assertThat(no.out()).isEqualTo("no\n");
        Run json = run(args("can-i", "--as", "alice", "get", "pods", "--namespace=team-b", "-o", "json"));
        assertThat(json.code()).isEqualTo(1);
        assertThat(json.lines().get(0).get("allowed").asBoolean()).isFalse();
        assertThat(json.lines().get(0).get("rules")).isEmpty();
        assertThat(run(args("can-i", "--as", "alice", "get", "/healthz")).out()).isEqualTo("no\n");
        Run quiet = run(args("can-i", "-q", "--as", "alice", "get", "pods", "-n", "team-a"));
        assertThat(quiet.code()).isZero();
        assertThat(quiet.out()).isEmpty();
    }

    @Test
    void theNamespaceIsDefaultUnlessGivenAndAllNamespacesCountsClusterBindingsOnly() {
        // alice reads pods through a RoleBinding in team-a only
        assertThat(run(args("can-i", "--as", "alice", "get", "pods")).code()).isEqualTo(1);
        assertThat(run(args("can-i", "--as", "alice", "get", "pods", "-A")).code())
                .isEqualTo(1);
        assertThat(run(args("can-i", "--as", "alice", "get", "pods", "-n", "team-a"))
                        .code())
                .isZero();
        // the ci service accounts create deployments through a ClusterRoleBinding: in every namespace
        assertThat(run(args(
                                "can-i",
                                "--as",
                                "bob",
                                "--as-group",
                                "system:serviceaccounts:ci",
                                "create",
                                "deployments.apps",
                                "--all-namespaces"))
                        .code())
                .isZero();
        Run both = run(args("can-i", "--as", "alice", "get", "pods", "-A", "-n", "team-a"));
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("-n/--namespace \"team-a\": not with -A/--all-namespaces");
    }

    static Stream<Object[]> typesResolvedAsKubectlDoes() {
        return Stream.of(
                new Object[] {"deployments", "deployments.apps"},
                new Object[] {"deploy", "deployments.apps"},
                new Object[] {"deployment", "deployments.apps"},
                new Object[] {"Deployment", "deployments.apps"},
                new Object[] {"deployments.apps", "deployments.apps"},
                new Object[] {"deployments.v1.apps", "deployments.apps"},
                new Object[] {"deploy/web", "deployments.apps"});
    }

    /** Issue 18: {@code can-i … create deployments} asked about the core group and answered no. */
    @ParameterizedTest(name = "{0}")
    @MethodSource
    void typesResolvedAsKubectlDoes(String type, String resolved) throws IOException {
        Run r = run(
                args("can-i", "--as", "system:serviceaccount:ci:builder", "create", type, "-n", "prod", "-o", "json"));
        assertThat(r.code()).isZero();
        assertThat(r.lines().get(0).get("resource").asText()).isEqualTo(resolved);
        assertThat(r.err()).doesNotContain("Warning");
    }

    @Test
    void anUnknownTypeIsWarnedAboutAndAskedLiterally() throws IOException {
        Run r = run(args("can-i", "--as", "alice", "get", "widgets.example.com", "-n", "team-a", "-o", "json"));
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("Warning: the server doesn't have a resource type 'widgets' in group 'example.com'");
        assertThat(r.lines().get(0).get("resource").asText()).isEqualTo("widgets.example.com");
        Run nodes = run(args("can-i", "--as", "alice", "list", "nodes", "-n", "team-a"));
        assertThat(nodes.err()).contains("Warning: resource 'nodes' is not namespace scoped");
        assertThat(nodes.out()).isEqualTo("no\n");
    }

    @Test
    void listPrintsTheRulesOfTheUserInTheNamespaceAsKubectlsTable() throws IOException {
        Run r = run(args("can-i", "--list", "--as", "alice", "-n", "team-a"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                Resources        Non-Resource URLs   Resource Names   Verbs
                pods, pods/log   []                  []               [get list]
                                 [/healthz]          []               [get]
                """);
        assertThat(run(args("can-i", "--list", "--no-headers", "--as", "alice", "-n", "team-b"))
                        .out())
                .isEmpty();
        Run json = run(args("can-i", "--list", "--as", "alice", "-n", "team-a", "-o", "json"));
        assertThat(json.code()).isZero();
        assertThat(json.lines().get(0).get("rules"))
                .extracting(JsonNode::toString)
                .containsExactly(
                        "{\"verbs\":[\"get\",\"list\"],\"apiGroups\":[\"\"],\"resources\":[\"pods\",\"pods/log\"],"
                                + "\"resourceNames\":[],\"nonResourceURLs\":[]}",
                        "{\"verbs\":[\"get\"],\"apiGroups\":[],\"resources\":[],\"resourceNames\":[],"
                                + "\"nonResourceURLs\":[\"/healthz\"]}");
    }

    @Test
    void serviceAccountUserGetsItsNamespaceGroup() throws IOException {
        Run r = run(args(
                "can-i",
                "--as",
                "system:serviceaccount:ci:builder",
                "create",
                "deployments.apps",
                "--namespace",
                "prod",
                "-o",
                "json"));
        JsonNode a = r.lines().get(0);
        assertThat(a.get("allowed").asBoolean()).isTrue();
        assertThat(a.get("resource").asText()).isEqualTo("deployments.apps");
        assertThat(a.get("groups").toString()).contains("system:serviceaccounts:ci", "system:authenticated");
        Run group = run(args(
                "can-i",
                "--as",
                "bob",
                "--as-group",
                "system:serviceaccounts:ci",
                "create",
                "deployments.apps",
                "-o",
                "json"));
        assertThat(group.lines().get(0).get("allowed").asBoolean()).isTrue();
    }

    @Test
    void whoCanListsSubjectsWithTheirBindings() throws IOException {
        Run r = run(args("who-can", "list", "pods", "--namespace", "team-a", "-o", "json"));
        assertThat(r.code()).isZero();
        JsonNode a = r.lines().get(0);
        assertThat(a.get("subjects").toString())
                .isEqualTo(
                        "[{\"kind\":\"User\",\"name\":\"alice\",\"namespace\":null,"
                                + "\"bindings\":[{\"kind\":\"RoleBinding\",\"namespace\":\"team-a\",\"name\":\"alice-pods\"}]}]");
        assertThat(a.get("rules")).hasSize(1);
    }

    @Test
    void whoCanPrintsATableByDefault() {
        Run r = run(args("who-can", "create", "deploy", "-n", "prod"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("""
                SUBJECT                     KIND    SA-NAMESPACE   BINDINGS
                system:serviceaccounts:ci   Group                  ClusterRoleBinding/sa-deployer
                """);
    }

    @Test
    void escalationsOneLinePerFinding() throws IOException {
        Run r = run(args("escalations"));
        assertThat(r.code()).isZero();
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0).get("code").asText()).isEqualTo("WorkloadCreation");
        assertThat(lines.get(0).get("subjects").get(0).get("name").asText()).isEqualTo("system:serviceaccounts:ci");
        assertThat(lines.get(0).get("binding").get("name").asText()).isEqualTo("sa-deployer");
        assertThat(lines.get(0).get("message").asText()).contains("create deployments.apps");
    }

    @Test
    void canIBatchAnswersEachLineAsTheSingleQueryDoes() throws IOException {
        List<JsonNode> expected = List.of(
                single(args(
                        "can-i",
                        "--as",
                        "alice",
                        "get",
                        "pods/web",
                        "--subresource",
                        "log",
                        "--namespace",
                        "team-a",
                        "-o",
                        "json")),
                single(args("can-i", "--as", "alice", "get", "pods", "--namespace", "team-b", "-o", "json")),
                single(args("can-i", "--as", "alice", "get", "/healthz", "-A", "-o", "json")),
                single(args(
                        "can-i",
                        "--as",
                        "bob",
                        "--as-group",
                        "system:serviceaccounts:ci",
                        "--as-group",
                        "dev",
                        "create",
                        "deployments.apps",
                        "-A",
                        "-o",
                        "json")));
        Path batch = dir.resolve("can-i.jsonl");
        Files.writeString(batch, """
                {"as":"alice","verb":"get","resource":"pods/web","subresource":"log","namespace":"team-a"}
                {"as":"alice","verb":"get","resource":"pods","namespace":"team-b","asGroups":[]}

                {"as":"alice","verb":"get","resource":"/healthz","subresource":null}
                {"as":"bob","asGroups":["system:serviceaccounts:ci","dev"],"verb":"create","resource":"deployments.apps"}
                """);

        Run r = run("can-i", "--manifests", dir.toString(), "--batch", batch.toString());

        assertThat(r.code()).isZero();
        assertThat(r.lines()).containsExactlyElementsOf(expected);
        assertThat(r.lines()).extracting(n -> n.get("allowed").asBoolean()).containsExactly(true, false, false, true);
    }

    @Test
    void whoCanBatchFromStdin() throws IOException {
        List<JsonNode> expected = List.of(
                single(args("who-can", "list", "pods", "--namespace", "team-a", "-o", "json")),
                single(args("who-can", "create", "deployments.apps", "-A", "-o", "json")),
                single(args("who-can", "get", "/healthz", "-o", "json")));

        Run r = runWithStdin("""
                {"verb":"list","resource":"pods","namespace":"team-a"}
                {"verb":"create","resource":"deployments.apps"}
                {"verb":"get","resource":"/healthz"}
                """, "who-can", "--manifests", dir.toString(), "--batch", "-");

        assertThat(r.code()).isZero();
        assertThat(r.lines()).containsExactlyElementsOf(expected);
    }

    @Test
    void aBadLineIsAnsweredWithItsErrorAndTheBatchGoesOn() throws IOException {
        JsonNode good = single(args("can-i", "--as", "alice", "list", "pods", "--namespace", "team-a", "-o", "json"));

        Run r = runWithStdin("""
                {"as":"alice","verb":"list","resource":"pods","namespace":"team-a"}
                {"as":"alice","verb":"list","resource":"pods","group":"x"}
                {"verb":"list","resource":"pods"}
                {"as":"alice","verb":"get","resource":"/healthz","subresource":"a"}
                {"as":"alice","asGroups":"dev","verb":"get","resource":"pods"}
                {"as":"alice","verb":"get","resource":"pods/a/b"}
                [1]
                {"as":"alice","verb":"list","resource":"pods","namespace":"team-a"}
                """, args("can-i", "--batch", "-"));

        assertThat(r.code()).isEqualTo(2);
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(8);
        assertThat(lines.get(0)).isEqualTo(good);
        assertThat(lines.get(7)).isEqualTo(good);
        assertThat(lines.subList(1, 7))
                .extracting(n -> n.get("line").asInt() + ": " + n.get("error").asText())
                .containsExactly(
                        "2: unknown field \"group\": want as, asGroups, verb, resource, subresource, namespace",
                        "3: as: required",
                        "4: /healthz: a non-resource URL takes no --subresource",
                        "5: asGroups: got \"dev\", want a list of strings",
                        "6: pods/a/b: want TYPE, TYPE/NAME or a URL starting with /",
                        "7: got [1], want a JSON object");
        assertThat(r.err())
                .contains("rbac: line 3: as: required\n", "rbac: line 5: asGroups: got \"dev\"")
                .doesNotContain("line 1:", "line 8:", "usage:");
    }

    @Test
    void aBatchLineThatIsNotUtf8IsAnsweredWithItsErrorAndTheBatchGoesOn() throws IOException {
        JsonNode good = single(args("can-i", "--as", "alice", "list", "pods", "--namespace", "team-a", "-o", "json"));
        byte[] line = "{\"as\":\"alice\",\"verb\":\"list\",\"resource\":\"pods\",\"namespace\":\"team-a\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(line);
        b.writeBytes(
                new byte[] {'{', '"', 'a', 's', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}', '\n'});
        b.writeBytes(line);
        Path batch = dir.resolve("broken.jsonl");
        Files.write(batch, b.toByteArray());

        Run r = run(args("can-i", "--batch", batch.toString()));

        assertThat(r.code()).isEqualTo(2);
        List<JsonNode> lines = r.lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).isEqualTo(good);
        assertThat(lines.get(2)).isEqualTo(good);
        assertThat(lines.get(1).get("line").asInt()).isEqualTo(2);
        assertThat(lines.get(1).get("error").asText())
                .isEqualTo("invalid UTF-8 at byte 7 of the line (byte " + (line.length + 7)
                        + " of the input): 0xED 0xA0 0x80");
        assertThat(r.err()).contains("rbac: line 2: invalid UTF-8 at byte 7 of the line (byte ");
    }

    static Stream<Object[]> usage() {
        return Stream.of(
                new Object[] {"no command", new String[0], "a command is required"},
                new Object[] {"unknown command", new String[] {"whoami"}, "Unmatched argument at index 0: 'whoami'"},
                new Object[] {"no manifests", new String[] {"escalations"}, "Missing required option: '--manifests=DIR'"
                },
                new Object[] {"can-i without --as", args("can-i", "get", "pods"), "--as: required"},
                new Object[] {"missing target", args("who-can", "get"), "VERB and TYPE[/NAME]|URL are required"},
                new Object[] {"unknown option", args("who-can", "get", "pods", "--all"), "Unknown option: '--all'"},
                new Object[] {"--as on who-can", args("who-can", "--as", "x", "get", "pods"), "Unknown option: '--as'"},
                new Object[] {
                    "URL with a subresource",
                    args("who-can", "get", "/healthz", "--subresource", "a"),
                    "/healthz: a non-resource URL"
                },
                new Object[] {
                    "option without value",
                    args("who-can", "get", "pods", "--namespace"),
                    "Missing required parameter for option '--namespace' (NS)"
                },
                new Object[] {
                    "batch and arguments",
                    args("who-can", "--batch", "-", "get", "pods"),
                    "get: no arguments with --batch, its lines are the queries"
                },
                new Object[] {
                    "batch and --as",
                    args("can-i", "--as", "alice", "--batch", "-"),
                    "--as: not with --batch, give \"as\" on each line"
                },
                new Object[] {
                    "batch and --as-group",
                    args("can-i", "--batch=-", "--as-group=dev"),
                    "--as-group: not with --batch, give \"asGroups\" on each line"
                },
                new Object[] {
                    "batch and --namespace",
                    args("who-can", "--batch", "-", "--namespace", "a"),
                    "--namespace: not with --batch, give \"namespace\" on each line"
                },
                new Object[] {
                    "batch and --subresource",
                    args("who-can", "--subresource", "log", "--batch", "-"),
                    "--subresource: not with --batch, give \"subresource\" on each line"
                },
                new Object[] {
                    "batch on escalations", args("escalations", "--batch", "-"), "Unknown options: '--batch', '-'"
                });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void usage(String name, String[] args, String message) {
        Run r = run(args);
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unreadableManifestsExitOne() {
        Run r = run("escalations", "--manifests", dir.resolve("nowhere").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("cannot read manifests");
    }
}

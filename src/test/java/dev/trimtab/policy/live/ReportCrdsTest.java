package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.policy.core.ReportApi;
import dev.trimtab.policy.core.ReportBook;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The shipped report CRDs (k8s-manifests/crds/policyreports/) and RBAC
 * (k8s-manifests/policy/reports-rbac.yaml) fit what {@link LiveReports} writes: the names and scopes
 * of {@link ReportApi}, structural schemas (every field typed), every field of a written report
 * declared (nothing pruned) and within its enums, and the verbs the writer uses granted.
 */
class ReportCrdsTest {
    static final Path DIR = Path.of("k8s-manifests/crds/policyreports");

    @SuppressWarnings("unchecked")
    static Map<String, Object> crd(String file) throws IOException {
        return IntentCrdsTest.YAML.readValue(Files.readString(DIR.resolve(file)), Map.class);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> schema(Map<String, Object> crd) {
        Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
        Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
        return (Map<String, Object>) ((Map<String, Object>) version.get("schema")).get("openAPIV3Schema");
    }

    /** Fields without a type (a structural schema types every node). */
    static void untyped(Map<?, ?> node, String path, List<String> out) {
        if (!(node.get("type") instanceof String)) {
            out.add(path);
        }
        if (node.get("properties") instanceof Map<?, ?> props) {
            props.forEach((k, v) -> untyped((Map<?, ?>) v, path + "." + k, out));
        }
        if (node.get("items") instanceof Map<?, ?> items) {
            untyped(items, path + "[]", out);
        }
        if (node.get("additionalProperties") instanceof Map<?, ?> add) {
            untyped(add, path + "{}", out);
        }
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @EnumSource(ReportApi.class)
    void theCrdsMatchTheApiAndTakeEveryReportTheBookWritesUnpruned(ReportApi api) throws IOException {
        ReportBook book = new ReportBook(ReportBook.REPORT_NAME, 2);
        book.put(
                new ReportBook.Resource("apps/v1", "Deployment", "shop", "web", "0b7a4a9e-6f0b-4c31-9d55-2b1f4a0c7e11"),
                List.of(
                        new ReportBook.Entry("p", "r", "fail", "m"),
                        new ReportBook.Entry("q", "r", "warn", null),
                        new ReportBook.Entry("s", "r", "pass", "ok")));
        book.put(
                new ReportBook.Resource("v1", "Namespace", "", "shop", null),
                List.of(new ReportBook.Entry("p", "r", "skip", "m")));
        List<ReportBook.Due> due = book.drain(api, 1_700_000_000L);
        assertThat(due).hasSize(2);
        for (ReportBook.Due d : due) {
            String kind = (String) d.report().get("kind");
            boolean cluster = d.ref().clusterScoped();
            String plural = cluster ? api.clusterPlural : api.plural;
            Map<String, Object> crd = crd(api.group + "_" + plural + ".yaml");
            Map<String, Object> spec = (Map<String, Object>) crd.get("spec");
            assertThat(((Map<String, Object>) crd.get("metadata")).get("name")).isEqualTo(plural + "." + api.group);
            assertThat(spec.get("group")).isEqualTo(api.group);
            assertThat(spec.get("scope")).isEqualTo(cluster ? "Cluster" : "Namespaced");
            assertThat(((Map<String, Object>) spec.get("names")).get("kind")).isEqualTo(kind);
            Map<String, Object> version = ((List<Map<String, Object>>) spec.get("versions")).get(0);
            assertThat(version)
                    .containsEntry("name", api.version)
                    .containsEntry("served", true)
                    .containsEntry("storage", true);

            List<String> untyped = new ArrayList<>();
            untyped(schema(crd), kind, untyped);
            assertThat(untyped).as("a structural schema types every field").isEmpty();

            List<String> problems = new ArrayList<>();
            IntentCrdsTest.check(d.report(), schema(crd), kind, problems);
            assertThat(problems).isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @EnumSource(ReportApi.class)
    void thePolicyFunctionMayDoWhatTheWriterDoes(ReportApi api) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (String doc : Files.readString(Path.of("k8s-manifests/policy/reports-rbac.yaml"))
                .split("(?m)^---\\s*$")) {
            docs.add(IntentCrdsTest.YAML.readValue(doc, Map.class));
        }
        Map<String, Object> role = docs.stream()
                .filter(d -> "ClusterRole".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> binding = docs.stream()
                .filter(d -> "ClusterRoleBinding".equals(d.get("kind")))
                .findFirst()
                .orElseThrow();
        assertThat(((Map<String, Object>) binding.get("roleRef")).get("name"))
                .isEqualTo(((Map<String, Object>) role.get("metadata")).get("name"));
        assertThat((List<Map<String, Object>>) binding.get("subjects"))
                .containsExactly(Map.of("kind", "ServiceAccount", "name", "trimtab-policy", "namespace", "trimtab"));
        Map<String, Object> rule = ((List<Map<String, Object>>) role.get("rules"))
                .stream()
                        .filter(r -> ((List<?>) r.get("apiGroups")).contains(api.group))
                        .findFirst()
                        .orElseThrow();
        assertThat((List<String>) rule.get("resources")).containsExactlyInAnyOrder(api.plural, api.clusterPlural);
        assertThat((List<String>) rule.get("verbs"))
                .as("no more than the writer uses")
                .containsExactlyInAnyOrder("get", "list", "create", "update", "delete");
    }
}

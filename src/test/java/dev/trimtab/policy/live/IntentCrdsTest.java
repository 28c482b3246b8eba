package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.network.core.intent.NetworkIntent;
import dev.trimtab.rbac.core.RbacIntent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The intents' CRDs (k8s-manifests/base/intents-crds.yaml) take every valid intent of the docs and the
 * test data unchanged: a field the structural schema does not declare would be pruned by the API
 * server, silently changing what the intent means; a value outside an enum or a missing required
 * field would be refused although Trimtab reads it.
 */
class IntentCrdsTest {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Map<String, Map<String, Object>> schemas() throws IOException {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (String doc : Files.readString(Path.of("k8s-manifests/base/intents-crds.yaml"))
                .split("(?m)^---\\s*$")) {
            if (!doc.contains("kind: CustomResourceDefinition")) {
                continue;
            }
            Map<?, ?> crd = YAML.readValue(doc, Map.class);
            Map<?, ?> spec = (Map<?, ?>) crd.get("spec");
            String kind = (String) ((Map<?, ?>) spec.get("names")).get("kind");
            Map<?, ?> version = (Map<?, ?>) ((List<?>) spec.get("versions")).get(0);
            @SuppressWarnings("unchecked")
            Map<String, Object> schema =
                    (Map<String, Object>) ((Map<?, ?>) version.get("schema")).get("openAPIV3Schema");
            out.put(kind, schema);
        }
        return out;
    }

    /** Every NetworkIntent and RbacIntent map found in the YAML of the docs and the test data. */
    static List<Map<String, Object>> examples() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String doc : List.of("docs/network-intents.md", "docs/rbac-intents.md")) {
            Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(Path.of(doc)));
            while (m.find()) {
                texts.addAll(List.of(m.group(1).split("(?m)^---\\s*$")));
            }
        }
        try (Stream<Path> files = Stream.concat(
                Files.walk(Path.of("src/test/resources/network/intents")),
                Stream.concat(
                        Files.walk(Path.of("src/test/resources/rbac/intents")),
                        Files.walk(Path.of("src/test/resources/intents-live"))))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                texts.addAll(List.of(Files.readString(f).split("(?m)^---\\s*$")));
            }
        }
        for (String t : texts) {
            collect(YAML.readValue(t, Object.class), out);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static void collect(Object node, List<Map<String, Object>> out) {
        if (node instanceof Map<?, ?> m) {
            if ((NetworkIntent.KIND.equals(m.get("kind")) || RbacIntent.KIND.equals(m.get("kind")))
                    && m.get("spec") != null) {
                out.add((Map<String, Object>) m);
                return;
            }
            m.values().forEach(v -> collect(v, out));
        } else if (node instanceof List<?> l) {
            l.forEach(v -> collect(v, out));
        }
    }

    static boolean valid(Map<String, Object> intent) {
        return NetworkIntent.KIND.equals(intent.get("kind"))
                ? NetworkIntent.fromObjects(List.of(intent)).errors().isEmpty()
                : RbacIntent.fromObjects(List.of(intent)).errors().isEmpty();
    }

    /** The structural-schema problems of {@code value} at {@code path}. */
    static void check(Object value, Map<?, ?> schema, String path, List<String> problems) {
        String type = (String) schema.get("type");
        if (schema.get("enum") instanceof List<?> e && !e.contains(value)) {
            problems.add(path + ": " + value + " not in " + e);
        }
        if (value instanceof Map<?, ?> m) {
            if (!"object".equals(type)) {
                problems.add(path + ": an object where the schema has " + type);
                return;
            }
            if (schema.get("required") instanceof List<?> req) {
                req.stream().filter(r -> !m.containsKey(r)).forEach(r -> problems.add(path + "." + r + ": required"));
            }
            Map<?, ?> props = (Map<?, ?>) schema.get("properties");
            Map<?, ?> additional = schema.get("additionalProperties") instanceof Map<?, ?> a ? a : null;
            if (props == null && additional == null) {
                return; // metadata: free
            }
            m.forEach((k, v) -> {
                Map<?, ?> sub = props != null && props.get(k) instanceof Map<?, ?> p ? p : additional;
                if (sub == null) {
                    problems.add(path + "." + k + ": not in the schema (would be pruned)");
                } else {
                    check(v, sub, path + "." + k, problems);
                }
            });
        } else if (value instanceof List<?> l) {
            if (!"array".equals(type)) {
                problems.add(path + ": a list where the schema has " + type);
                return;
            }
            if (schema.get("minItems") instanceof Integer min && l.size() < min) {
                problems.add(path + ": fewer than " + min + " items");
            }
            for (int i = 0; i < l.size(); i++) {
                check(l.get(i), (Map<?, ?>) schema.get("items"), path + "[" + i + "]", problems);
            }
        } else if (value instanceof String && !"string".equals(type)) {
            problems.add(path + ": a string where the schema has " + type);
        } else if (value instanceof Number && !"integer".equals(type) && !"number".equals(type)) {
            problems.add(path + ": a number where the schema has " + type);
        } else if (value instanceof Boolean && !"boolean".equals(type)) {
            problems.add(path + ": a boolean where the schema has " + type);
        }
    }

    @Test
    void everyValidIntentOfTheDocsAndTestDataPassesTheSchemaUnpruned() throws IOException {
        Map<String, Map<String, Object>> schemas = schemas();
        assertThat(schemas).containsOnlyKeys(NetworkIntent.KIND, RbacIntent.KIND);
        List<Map<String, Object>> valid =
                examples().stream().filter(IntentCrdsTest::valid).toList();
        assertThat(valid.stream().map(i -> i.get("kind")).distinct())
                .containsExactlyInAnyOrder(NetworkIntent.KIND, RbacIntent.KIND);
        assertThat(valid.size()).isGreaterThan(20);
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> intent : valid) {
            Map<?, ?> meta = (Map<?, ?>) intent.get("metadata");
            check(
                    intent,
                    schemas.get((String) intent.get("kind")),
                    intent.get("kind") + " " + meta.get("name"),
                    problems);
        }
        assertThat(problems).isEmpty();
    }
}

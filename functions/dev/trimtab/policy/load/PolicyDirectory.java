package dev.trimtab.policy.load;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.InvalidPolicyException;
import dev.trimtab.policy.core.PolicyBinding;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Everything in a directory of YAML or JSON files (several documents per file allowed):
 * ValidatingAdmissionPolicies (compiled), their bindings, and any other object, which can serve
 * as a parameter or a namespace. A document that is not valid is reported ({@code file: document
 * N: problem}) and left out; it never disables the others. Test files ({@code *.test.yaml}, for
 * {@code policy test}) are not read.
 */
public final class PolicyDirectory {
    /** JSON and YAML into maps, integers as Long (CEL's int). */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    public record Contents(List<CompiledPolicy> policies, List<PolicyBinding> bindings,
                           List<Map<String, Object>> objects, List<String> errors) {
        public ObjectCluster cluster() {
            return new ObjectCluster(objects);
        }
    }

    private PolicyDirectory() {}

    public static Contents read(Path dir) throws IOException {
        List<CompiledPolicy> policies = new ArrayList<>();
        List<PolicyBinding> bindings = new ArrayList<>();
        List<Map<String, Object>> objects = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .filter(f -> !f.getFileName().toString().endsWith(".test.yaml"))
                    .filter(f -> !dir.relativize(f).toString().matches("(.*/)?testdata/.*")).sorted().toList();
        }
        for (Path f : files) {
            Contents c = readFile(f, dir);
            policies.addAll(c.policies());
            bindings.addAll(c.bindings());
            objects.addAll(c.objects());
            errors.addAll(c.errors());
        }
        return new Contents(policies, bindings, objects, errors);
    }

    /** One file's documents; errors name the file relative to {@code base}. */
    public static Contents readFile(Path f, Path base) {
        List<CompiledPolicy> policies = new ArrayList<>();
        List<PolicyBinding> bindings = new ArrayList<>();
        List<Map<String, Object>> objects = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        int n = 0;
        try (JsonParser parser = YAML.getFactory().createParser(f.toFile());
             MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class)) {
            while (docs.hasNext()) {
                n++;
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                try {
                    add(doc, policies, bindings, objects);
                } catch (InvalidPolicyException | IllegalArgumentException e) {
                    errors.add(base.relativize(f) + ": document " + n + ": " + e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.add(base.relativize(f) + ": document " + (n + 1) + ": not YAML or JSON: " + e.getMessage());
        }
        return new Contents(policies, bindings, objects, errors);
    }

    @SuppressWarnings("unchecked")
    static void add(JsonNode doc, List<CompiledPolicy> policies, List<PolicyBinding> bindings,
                    List<Map<String, Object>> objects) throws InvalidPolicyException {
        String kind = doc.path("kind").asText("");
        String apiVersion = doc.path("apiVersion").asText("");
        if (kind.equals("ValidatingAdmissionPolicy") || kind.equals("ValidatingAdmissionPolicyBinding")) {
            if (!apiVersion.equals(PolicyParser.API_VERSION)) {
                throw new IllegalArgumentException(kind + " " + doc.at("/metadata/name") + ": apiVersion: got \""
                        + apiVersion + "\", expected " + PolicyParser.API_VERSION);
            }
            if (kind.equals("ValidatingAdmissionPolicy")) {
                policies.add(CompiledPolicy.compile(PolicyParser.policy(doc)));
            } else {
                bindings.add(PolicyParser.binding(doc));
            }
        } else if (kind.isEmpty() || apiVersion.isEmpty()) {
            throw new IllegalArgumentException("kind and apiVersion are required");
        } else {
            objects.add(YAML.convertValue(doc, Map.class));
        }
    }
}

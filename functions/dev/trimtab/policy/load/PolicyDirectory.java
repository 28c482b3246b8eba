package dev.trimtab.policy.load;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.policy.core.CompiledMutatingPolicy;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.InvalidPolicyException;
import dev.trimtab.policy.core.MutatingBinding;
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
 * Validating and MutatingAdmissionPolicies (compiled), their bindings, and any other object, which can serve
 * as a parameter or a namespace. A document that is not valid is reported ({@code file: document
 * N: problem}) and left out; it never disables the others. Test files ({@code *.test.yaml}, for
 * {@code policy test}) are not read.
 */
public final class PolicyDirectory {
    /** JSON and YAML into maps, integers as Long (CEL's int). */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.USE_LONG_FOR_INTS);

    public record Contents(List<CompiledPolicy> policies, List<PolicyBinding> bindings,
                           List<CompiledMutatingPolicy> mutatingPolicies, List<MutatingBinding> mutatingBindings,
                           List<Map<String, Object>> objects, List<String> errors) {
        public static Contents empty() {
            return new Contents(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new ArrayList<>(), new ArrayList<>());
        }

        public ObjectCluster cluster() {
            return new ObjectCluster(objects);
        }

        public void addAll(Contents c) {
            policies.addAll(c.policies);
            bindings.addAll(c.bindings);
            mutatingPolicies.addAll(c.mutatingPolicies);
            mutatingBindings.addAll(c.mutatingBindings);
            objects.addAll(c.objects);
            errors.addAll(c.errors);
        }
    }

    private PolicyDirectory() {}

    public static Contents read(Path dir) throws IOException {
        Contents all = Contents.empty();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .filter(f -> !f.getFileName().toString().endsWith(".test.yaml"))
                    .filter(f -> !dir.relativize(f).toString().matches("(.*/)?testdata/.*")).sorted().toList();
        }
        for (Path f : files) {
            all.addAll(readFile(f, dir));
        }
        return all;
    }

    /** One file's documents; errors name the file relative to {@code base}. */
    public static Contents readFile(Path f, Path base) {
        Contents c = Contents.empty();
        dev.trimtab.kube.Manifests.forEachDocument(f, base, doc -> add(doc, c), c.errors());
        return c;
    }

    @SuppressWarnings("unchecked")
    static void add(JsonNode doc, Contents c) throws InvalidPolicyException {
        String kind = doc.path("kind").asText("");
        String apiVersion = doc.path("apiVersion").asText("");
        switch (kind) {
            case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding" -> {
                if (!apiVersion.equals(PolicyParser.API_VERSION)) {
                    throw new IllegalArgumentException(kind + " " + doc.at("/metadata/name") + ": apiVersion: got \""
                            + apiVersion + "\", expected " + PolicyParser.API_VERSION);
                }
                if (kind.equals("ValidatingAdmissionPolicy")) {
                    c.policies().add(CompiledPolicy.compile(PolicyParser.policy(doc)));
                } else {
                    c.bindings().add(PolicyParser.binding(doc));
                }
            }
            case "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding" -> {
                if (!PolicyParser.MUTATING_API_VERSIONS.contains(apiVersion)) {
                    throw new IllegalArgumentException(kind + " " + doc.at("/metadata/name") + ": apiVersion: got \""
                            + apiVersion + "\", expected one of " + new java.util.TreeSet<>(PolicyParser.MUTATING_API_VERSIONS));
                }
                if (kind.equals("MutatingAdmissionPolicy")) {
                    c.mutatingPolicies().add(CompiledMutatingPolicy.compile(PolicyParser.mutatingPolicy(doc)));
                } else {
                    c.mutatingBindings().add(PolicyParser.mutatingBinding(doc));
                }
            }
            default -> {
                if (kind.isEmpty() || apiVersion.isEmpty()) {
                    throw new IllegalArgumentException("kind and apiVersion are required");
                }
                c.objects().add(YAML.convertValue(doc, Map.class));
            }
        }
    }
}

package dev.trimtab.policy.load;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.kube.Manifests;
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
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Everything in a directory of YAML or JSON files (several documents per file allowed):
 * Validating and MutatingAdmissionPolicies (compiled), their bindings, and any other object, which can serve
 * as a parameter or a namespace. A document that is not valid is reported ({@code file: document
 * N: problem}) and never disables the others; an invalid ValidatingAdmissionPolicy or binding is
 * still kept when the API server would keep it, failing what it matches under its failurePolicy
 * ({@link #policy}, docs/decisions/0017), any other invalid document is left out. Test files ({@code *.test.yaml}, for
 * {@code policy test}) are not read.
 */
public final class PolicyDirectory {
    /** JSON and YAML into maps, integers as Long (CEL's int). */
    public static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_LONG_FOR_INTS);

    public record Contents(
            List<CompiledPolicy> policies,
            List<PolicyBinding> bindings,
            List<CompiledMutatingPolicy> mutatingPolicies,
            List<MutatingBinding> mutatingBindings,
            List<Map<String, Object>> objects,
            List<String> errors) {
        public static Contents empty() {
            return new Contents(
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>(),
                    new ArrayList<>());
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
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .filter(f -> !f.getFileName().toString().endsWith(".test.yaml"))
                    .filter(f -> !dir.relativize(f).toString().matches("(.*/)?testdata/.*"))
                    .sorted()
                    .toList();
        }
        for (Path f : files) {
            all.addAll(readFile(f, dir));
        }
        return all;
    }

    /** One file's documents; errors name the file relative to {@code base}. */
    public static Contents readFile(Path f, Path base) {
        Contents c = Contents.empty();
        Manifests.forEachDocument(f, base, doc -> add(doc, c), c.errors());
        return c;
    }

    /**
     * An object as read: {@code value} the one in force (null: none can be), {@code problem} what
     * is wrong with it (null: nothing). A policy or binding with problems may still be in force,
     * failing what it matches, as the API server keeps a policy whose expressions do not compile.
     */
    public record Loaded<T>(T value, InvalidPolicyException problem) {}

    /**
     * A ValidatingAdmissionPolicy as the API server keeps it: compiled, its expressions that do not
     * compile failing each evaluation; or, when it cannot be read that far,
     * {@link PolicyParser#misconfiguredPolicy misconfigured}.
     */
    public static Loaded<CompiledPolicy> policy(JsonNode doc) {
        try {
            CompiledPolicy p = CompiledPolicy.compile(PolicyParser.policy(doc));
            return new Loaded<>(p, p.problems().isEmpty() ? null : new InvalidPolicyException(p.name(), p.problems()));
        } catch (InvalidPolicyException e) {
            return new Loaded<>(PolicyParser.misconfiguredPolicy(doc, e).orElse(null), e);
        }
    }

    /**
     * A MutatingAdmissionPolicy: compiled, its expressions that do not compile failing each
     * evaluation; one that cannot be read is left out (no misconfigured form yet).
     */
    public static Loaded<CompiledMutatingPolicy> mutatingPolicy(JsonNode doc) {
        try {
            CompiledMutatingPolicy p = CompiledMutatingPolicy.compile(PolicyParser.mutatingPolicy(doc));
            return new Loaded<>(
                    p,
                    p.problems().isEmpty()
                            ? null
                            : new InvalidPolicyException("MutatingAdmissionPolicy", p.name(), p.problems()));
        } catch (InvalidPolicyException e) {
            return new Loaded<>(null, e);
        }
    }

    /** A ValidatingAdmissionPolicyBinding, or when it cannot be read, {@link PolicyParser#misconfiguredBinding misconfigured}. */
    public static Loaded<PolicyBinding> binding(JsonNode doc) {
        try {
            return new Loaded<>(PolicyParser.binding(doc), null);
        } catch (InvalidPolicyException e) {
            return new Loaded<>(PolicyParser.misconfiguredBinding(doc, e).orElse(null), e);
        }
    }

    private static <T> void keep(Loaded<T> loaded, List<T> into) throws InvalidPolicyException {
        if (loaded.value() != null) {
            into.add(loaded.value());
        }
        if (loaded.problem() != null) {
            throw loaded.problem();
        }
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
                    keep(policy(doc), c.policies());
                } else {
                    keep(binding(doc), c.bindings());
                }
            }
            case "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding" -> {
                if (!PolicyParser.MUTATING_API_VERSIONS.contains(apiVersion)) {
                    throw new IllegalArgumentException(kind + " " + doc.at("/metadata/name") + ": apiVersion: got \""
                            + apiVersion + "\", expected one of " + new TreeSet<>(PolicyParser.MUTATING_API_VERSIONS));
                }
                if (kind.equals("MutatingAdmissionPolicy")) {
                    keep(mutatingPolicy(doc), c.mutatingPolicies());
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

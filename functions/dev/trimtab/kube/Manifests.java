package dev.trimtab.kube;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Kubernetes objects from a directory of manifests, as {@code kubectl apply -f DIR -R} would read
 * them: every {@code .yaml}, {@code .yml} and {@code .json} file below it, several documents per
 * file, {@code kind: List} (and {@code *List}) expanded into its items. Objects are map trees with
 * integers as {@code Long}. A document that cannot be read is reported ({@code file: document N:
 * problem}) and left out; the others are still returned. Kustomize's own files
 * ({@code kustomization.yaml}: a Kustomization or Component, not an object of the cluster) are
 * skipped, so a kustomize tree (k8s-manifests/) reads as the objects it is made of.
 * Grafana dashboards (JSON files in a
 * directory named {@code dashboards}, as k8s-manifests/monitoring/dashboards/) are not objects
 * and are skipped: they are applied as a ConfigMap that kustomize generates from them.
 */
public final class Manifests {
    private static final ObjectMapper YAML =
            new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.USE_LONG_FOR_INTS);

    private static final Pattern KUSTOMIZATION = Pattern.compile("(?i)kustomization\\.ya?ml");

    /** The objects read, in file order, and one message per document that could not be read. */
    public record Contents(List<Map<String, Object>> objects, List<String> errors) {}

    private Manifests() {}

    public static Contents read(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(f -> f.toString().matches(".*\\.(ya?ml|json)$"))
                    .filter(f ->
                            !KUSTOMIZATION.matcher(f.getFileName().toString()).matches())
                    .filter(f -> !(f.toString().endsWith(".json")
                            && f.getParent() != null
                            && f.getParent().getFileName() != null
                            && f.getParent().getFileName().toString().equals("dashboards")))
                    .sorted()
                    .toList();
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Path f : files) {
            readFile(f, dir, objects, errors);
        }
        return new Contents(objects, errors);
    }

    /** What is done with one document; a problem it throws is reported with the file and document number. */
    public interface DocumentHandler {
        void accept(JsonNode document) throws Exception;
    }

    /**
     * Every non-empty document of a YAML or JSON file, in order; a document the handler refuses (any
     * exception) or a file that is not YAML is reported in {@code errors} as
     * {@code file: document N: problem}, {@code file} relative to {@code base}.
     */
    public static void forEachDocument(Path f, Path base, DocumentHandler handler, List<String> errors) {
        int n = 1; // the document being read; a parse error is about it
        try (JsonParser parser = YAML.getFactory().createParser(f.toFile());
                MappingIterator<JsonNode> docs = YAML.readValues(parser, JsonNode.class)) {
            for (; docs.hasNext(); n++) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                try {
                    handler.accept(doc);
                } catch (Exception e) {
                    errors.add(base.relativize(f) + ": document " + n + ": " + e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            errors.add(base.relativize(f) + ": document " + n + ": not YAML or JSON: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static void readFile(Path f, Path base, List<Map<String, Object>> objects, List<String> errors) {
        forEachDocument(
                f,
                base,
                doc -> {
                    if (!doc.isObject()
                            || doc.path("kind").asText("").isEmpty()
                            || doc.path("apiVersion").asText("").isEmpty()) {
                        throw new IllegalArgumentException("kind and apiVersion are required");
                    } else if (doc.path("kind").asText().endsWith("List")
                            && doc.path("items").isArray()) {
                        doc.path("items").forEach(item -> objects.add(YAML.convertValue(item, Map.class)));
                    } else {
                        objects.add(YAML.convertValue(doc, Map.class));
                    }
                },
                errors);
    }
}

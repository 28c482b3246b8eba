package dev.trimtab.autoscaler.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The CRD and the example ScalingPolicies agree with the parser. */
class ManifestsTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("k8s-manifests/examples"))) {
            // scalingpolicy-*.yaml; the directory also holds other examples (prometheus-remote-write.yaml)
            List<Path> policies = s.filter(p -> p.getFileName().toString().startsWith("scalingpolicy-")
                            && p.toString().endsWith(".yaml"))
                    .sorted()
                    .toList();
            assertThat(policies).hasSizeGreaterThanOrEqualTo(2);
            return policies.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void everyExampleIsAValidScalingPolicy(Path example) throws IOException {
        ScalingPolicy p = ScalingPolicyParser.parse(YAML.readTree(example.toFile()));
        assertThat(p.ref().namespace()).isNotEmpty();
    }

    @Test
    void theCrdDeclaresExactlyTheSpecFieldsTheParserReads() throws IOException {
        JsonNode crd = YAML.readTree(
                Path.of("k8s-manifests/base/scalingpolicy-crd.yaml").toFile());
        assertThat(crd.at("/spec/group").asText()).isEqualTo("trimtab.dev");
        assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(ScalingPolicyParser.KIND);
        JsonNode version = crd.at("/spec/versions/0");
        assertThat(crd.at("/spec/group").asText() + "/" + version.get("name").asText())
                .isEqualTo(ScalingPolicyParser.API_VERSION);
        JsonNode spec = version.at("/schema/openAPIV3Schema/properties/spec/properties");
        Set<String> declared = new TreeSet<>();
        spec.fieldNames().forEachRemaining(declared::add);
        assertThat(declared)
                .isEqualTo(new TreeSet<>(List.of(
                        "scaleTargetRef",
                        "minReplicas",
                        "maxReplicas",
                        "metrics",
                        "behavior",
                        "scaleToZero",
                        "fallback",
                        "panic")));
    }
}

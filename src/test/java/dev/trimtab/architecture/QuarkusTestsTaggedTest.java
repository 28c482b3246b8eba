package dev.trimtab.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build runs the tests in two groups (pom.xml, decision 0039): the {@code @QuarkusTest} classes,
 * tagged {@code quarkus}, in one JVM where classes of a profile share one application; every other
 * test in two JVMs side by side. An untagged {@code @QuarkusTest} would still pass, but in the
 * side-by-side JVMs, each augmenting and starting its application again: this keeps them tagged.
 */
class QuarkusTestsTaggedTest {
    @Test
    void everyQuarkusTestClassIsTagged() throws IOException {
        List<String> untagged;
        try (Stream<Path> files = Stream.concat(
                Files.walk(Path.of("src/test/java")),
                Files.isDirectory(Path.of("src/test-local/java"))
                        ? Files.walk(Path.of("src/test-local/java"))
                        : Stream.empty())) {
            untagged = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        List<String> lines = read(p);
                        return lines.contains("@QuarkusTest") && !lines.contains("@Tag(\"quarkus\")");
                    })
                    .map(Path::toString)
                    .sorted()
                    .toList();
        }
        assertThat(untagged)
                .as("@QuarkusTest classes without @Tag(\"quarkus\") (see pom.xml, surefire's quarkus-test execution)")
                .isEmpty();
    }

    private static List<String> read(Path p) {
        try {
            return Files.readAllLines(p).stream().map(String::strip).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

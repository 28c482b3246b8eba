package dev.trimtab.autoscaler.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, for real: the packaged application replays the bundled example
 * without booting Quarkus (so no Kafka client, no Kubernetes client, no HTTP server).
 */
class ReplayJarIT {
    record Result(int status, String out, String err) {}

    static Result run(String... args) throws IOException, InterruptedException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).as("mvn package builds the application").exists();
        Path out = Files.createTempFile("replay", ".out");
        Path err = Files.createTempFile("replay", ".err");
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("replay finishes").isTrue();
        return new Result(
                p.exitValue(),
                Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theBundledExampleReplaysToItsExpectedOutputWithoutBootingQuarkus() throws Exception {
        Result r = run("replay", "examples/quickstart.jsonl");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("examples/quickstart.expected.jsonl")));
        assertThat(r.err())
                .as("nothing on stderr: no Quarkus start-up, no Kafka or Kubernetes client logging")
                .isEmpty();
    }

    @Test
    void theJarReplaysPlacementToo() throws Exception {
        Result r = run("replay", "examples/placement.jsonl");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("examples/placement.expected.jsonl")));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void theJarReplaysKafkaLagToo() throws Exception {
        Result r = run("replay", "examples/kafka-lag.jsonl");
        assertThat(r.status()).isZero();
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("examples/kafka-lag.expected.jsonl")));
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aBadTraceExitsNonZeroAfterProcessingTheRest() throws Exception {
        Result r = run("replay", "src/test/resources/traces/mixed-bad.jsonl");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("line 5: not JSON");
        assertThat(r.out()).isNotEmpty();
    }

    @Test
    void policyReviewAnswersFromTheJarWithoutBootingQuarkus() throws Exception {
        Result r = run("policy", "review", "--policies", "policies", "src/test/resources/admission/reviews.jsonl");
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("src/test/resources/admission/reviews.expected.jsonl")));
        assertThat(r.err()).startsWith("line 7: not JSON");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void theProductionBuildCarriesNoBrokerAndNoMockApiServer() throws Exception {
        try (var jars = Files.list(Path.of("target/quarkus-app/lib/main"))) {
            assertThat(jars.map(p -> p.getFileName().toString()).toList())
                    .noneMatch(n -> n.contains("kafka_2.13")
                            || n.contains("kubernetes-server-mock")
                            || n.contains("kafka-test-companion"));
        }
        Result r = run("local");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("this build has no local mode");
    }
}

package dev.trimtab.autoscaler.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays every trace under src/test/resources/traces and every bundled example. A trace with a
 * sibling {@code NAME.expected.jsonl} must reproduce it byte for byte; every trace must replay
 * identically twice and, unless named {@code *-bad.jsonl}, without rejected lines.
 */
class ReplayTest {

    record Run(int status, String out, String err) {}

    static Run replay(String... args) {
        return replay(new byte[0], args);
    }

    static Run replay(byte[] stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = ReplayCommand.run(
                args,
                new ByteArrayInputStream(stdin),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static Stream<Path> traces() throws IOException {
        List<Path> dirs = List.of(Path.of("src/test/resources/traces"), Path.of("examples"));
        return dirs.stream().flatMap(d -> {
            try (Stream<Path> s = Files.list(d)) {
                return s
                        .filter(p ->
                                p.toString().endsWith(".jsonl") && !p.toString().endsWith(".expected.jsonl"))
                        .sorted()
                        .toList()
                        .stream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("traces")
    void replaysDeterministically(Path trace) throws IOException {
        Run first = replay(trace.toString());
        Run second = replay(trace.toString());
        assertThat(second.out()).as("same input, same output").isEqualTo(first.out());
        assertThat(first.out()).as("a trace yields decisions").isNotEmpty();
        boolean bad = trace.getFileName().toString().endsWith("-bad.jsonl");
        if (!bad) {
            assertThat(first.err()).as("stderr").isEmpty();
            assertThat(first.status()).isZero();
        }
        Path expected = trace.resolveSibling(trace.getFileName().toString().replace(".jsonl", ".expected.jsonl"));
        if (Files.exists(expected)) {
            assertThat(first.out()).as("output equals " + expected).isEqualTo(Files.readString(expected));
        }
    }

    @Test
    void malformedLinesAreReportedWithTheirNumberAndTheRestGoesOn() {
        Run run = replay("src/test/resources/traces/mixed-bad.jsonl");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .contains("line 5: not JSON")
                .contains("line 6: required attribute \"id\" is missing")
                .contains("line 7: attribute \"time\" is required")
                .contains(
                        "line 8: ScalingPolicy shop/broken is invalid: spec.maxReplicas: got 0, must be an integer in [1, 2147483647]")
                .contains("line 9: PodMetrics is invalid: containers[0].usage.cpu: got \"lots\"")
                .contains("is not a Kubernetes quantity")
                .contains("line 10: time 2026-11-01T11:00:00Z is earlier than the previous event");
        assertThat(run.out().lines().count())
                .as("the good lines still produce decisions")
                .isGreaterThanOrEqualTo(2);
    }

    /** A line that is not UTF-8 is named with its byte and skipped; every other line replays as it would without it. */
    @Test
    void aLineThatIsNotUtf8IsNamedAndTheRestReplays() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("examples/quickstart.jsonl"));
        ByteArrayOutputStream broken = new ByteArrayOutputStream();
        for (int i = 0; i < lines.size(); i++) {
            broken.writeBytes(lines.get(i).getBytes(StandardCharsets.UTF_8));
            broken.write('\n');
            if (i == 2) {
                broken.writeBytes(
                        new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}', '\n'});
            }
        }
        Run run = replay(broken.toByteArray(), "-");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("line 4: invalid UTF-8 at byte 7 of the line (byte "
                        + (String.join("\n", lines.subList(0, 3)).getBytes(StandardCharsets.UTF_8).length + 1 + 7)
                        + " of the input): 0xC0\n");
        assertThat(run.out()).isEqualTo(replay("examples/quickstart.jsonl").out());
    }

    @Test
    void hostileLinesAreRejectedQuicklyWithTheLiveLimitsAndChangeNoDecision() throws IOException {
        String quickstart = Files.readString(Path.of("examples/quickstart.jsonl"));
        String last = quickstart.lines().reduce((a, b) -> b).orElseThrow();
        String time = last.replaceAll(".*\"time\":\"([^\"]+)\".*", "$1");
        BiFunction<String, String, String> podMetrics = (cpu, timestamp) -> "{\"specversion\":\"1.0\","
                + "\"id\":\"h\",\"source\":\"/x\",\"type\":\"dev.trimtab.metrics\",\"time\":\"" + time + "\",\"data\":"
                + "{\"apiVersion\":\"metrics.k8s.io/v1beta1\",\"kind\":\"PodMetrics\",\"metadata\":{\"name\":\"web-0\","
                + "\"namespace\":\"shop\"},\"timestamp\":\"" + timestamp + "\",\"window\":\"15s\",\"containers\":"
                + "[{\"name\":\"app\",\"usage\":{\"cpu\":\"" + cpu + "\"}}]}}";
        String hostile = quickstart + podMetrics.apply("1e-100000000", time) + "\n" + podMetrics.apply("-500m", time)
                + "\n"
                + podMetrics.apply("1m", Instant.parse(time).plusSeconds(3600).toString()) + "\n"
                + "{\"specversion\":\"1.0\",\"id\":\"big\",\"source\":\"" + "x".repeat(1_100_000) + "\"}\n";
        Run run = Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(30), () -> replay(hostile.getBytes(StandardCharsets.UTF_8), "-"));
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err().lines())
                .satisfiesExactly(
                        l -> assertThat(l)
                                .startsWith(
                                        "line 27: PodMetrics is invalid: containers[0].usage.cpu: got \"1e-100000000\""),
                        l -> assertThat(l)
                                .startsWith("line 28: PodMetrics is invalid: containers[0].usage.cpu: got \"-500m\"")
                                .contains(
                                        "must not be negative (resource usage of pod shop/web-0, container \"app\", resource cpu)"),
                        l -> assertThat(l)
                                .startsWith("line 29: PodMetrics is invalid: timestamp: got")
                                .contains("(max-clock-skew) ahead of the decision clock " + time),
                        l -> assertThat(l)
                                .startsWith("line 30: the event is ")
                                .endsWith("bytes, more than the 1048576 accepted (max-event-bytes)"));
        assertThat(run.out())
                .as("no decision from the hostile lines")
                .isEqualTo(replay("examples/quickstart.jsonl").out());
        assertThat(replay(hostile.getBytes(StandardCharsets.UTF_8), "--max-clock-skew=2h", "-")
                        .err())
                .as("the skew is a flag")
                .doesNotContain("line 29");
    }

    /**
     * The Kafka-lag example: a new group below activation, a burst capped at the 6 partitions, the
     * catch-up held by the scale-down window, a stuck partition that keeps one replica awake on its
     * persistent lag, then zero after the cooldown.
     */
    @Test
    void theKafkaLagExampleFollowsTheLag() throws IOException {
        Run run = replay("examples/kafka-lag.jsonl");
        assertThat(run.err()).isEmpty();
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(Files.readString(Path.of("examples/kafka-lag.expected.jsonl")));
        List<String> lines = run.out().lines().toList();
        assertThat(lines)
                .extracting(l -> Integer.parseInt(l.replaceAll(".*\"desiredReplicas\":([0-9]+).*", "$1")))
                .containsExactly(0, 0, 6, 6, 6, 6, 3, 2, 1, 1, 1, 1, 1, 1, 0);
        assertThat(lines)
                .extracting(l -> l.replaceAll(".*\"reason\":\"([A-Za-z]+)\".*", "$1"))
                .startsWith("Inactive", "Inactive", "Activated")
                .endsWith("Deactivated");
        assertThat(lines.get(10))
                .as("the partition stuck for 50 s, but not across a whole pollingInterval yet: counted")
                .contains("\"value\":\"80\"")
                .contains("\"activationValue\":\"80\"");
        assertThat(lines.get(11))
                .as("stuck across a pollingInterval (30 s): no lag counted, still active")
                .contains("\"value\":\"0\"")
                .contains("\"activationValue\":\"80\"");
    }

    @Test
    void readsStandardInputWithDash() throws IOException {
        byte[] trace = Files.readAllBytes(Path.of("examples/quickstart.jsonl"));
        Run run = replay(trace, "-");
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo(replay("examples/quickstart.jsonl").out());
    }

    @Test
    void resyncEvaluatesBetweenEventsOnTheTraceClock() {
        Run run = replay("--resync=15s", "examples/quickstart.jsonl");
        assertThat(run.status()).isZero();
        assertThat(run.out())
                .isEqualTo(replay("--resync=15s", "examples/quickstart.jsonl").out());
        assertThat(run.out()).contains("\"trigger\":{\"id\":\"resync\",\"type\":\"dev.trimtab.autoscaler.resync\"");
        assertThat(run.out().lines().filter(l -> l.contains("\"reason\":\"Deactivated\"")))
                .singleElement()
                .asString()
                .contains("\"time\":\"2026-11-01T12:05:20Z\"");
    }

    @Test
    void usageErrors() {
        assertThat(replay().status()).isEqualTo(2);
        assertThat(replay("a", "b").err()).contains("Unmatched argument at index 1: 'b'", "Usage: replay");
        assertThat(replay("--max-sample-age=soon", "x").err())
                .contains("Invalid value for option '--max-sample-age': \"soon\" is not a duration such as 2m or 90s");
        assertThat(replay("--resync", "often", "x").err())
                .contains("Invalid value for option '--resync': \"often\" is not a duration");
        assertThat(replay("does-not-exist.jsonl").status()).isEqualTo(2);
    }

    @Test
    void everyDecisionIsAScaleDecisionCloudEvent() {
        Run run = replay("examples/quickstart.jsonl");
        run.out()
                .lines()
                .forEach(
                        line -> assertThat(line)
                                .startsWith("{\"specversion\":\"1.0\",\"id\":\"replay-")
                                .contains("\"type\":\"dev.trimtab.decision.scale\"")
                                .contains("\"partitionkey\":\"shop/")
                                .contains(
                                        "\"target\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"namespace\":\"shop\""));
    }
}

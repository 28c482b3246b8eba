package dev.trimtab.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code policy review} over the shipped policies/: each AdmissionReview answered as the webhook
 * would (reviewed by hand once, then kept as the expected output); a bad line is named on stderr
 * and the rest still answered.
 */
class PolicyCommandTest {
    record Run(int status, String out, String err) {}

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PolicyCommand.run(
                args,
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void theShippedPoliciesAnswerTheExampleReviews() throws Exception {
        Run r = run("review", "--policies", "policies", "src/test/resources/admission/reviews.jsonl");
        assertThat(r.out()).isEqualTo(Files.readString(Path.of("src/test/resources/admission/reviews.expected.jsonl")));
        assertThat(r.err())
                .isEqualTo("line 7: not JSON: Unexpected character ('n' (code 110)): was expecting "
                        + "double-quote to start field name\n");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.out())
                .contains("\"uid\":\"scale-too-many\",\"allowed\":false,\"status\":{\"code\":403")
                .contains("replicas 21 exceed the ceiling of 20 for namespace shop");
    }

    @Test
    void anInvalidPolicyIsNamedAndTheOthersStillDecide() throws Exception {
        Path dir = Files.createTempDirectory("policies");
        Files.copy(Path.of("policies/replica-guardrails/policy.yaml"), dir.resolve("a.yaml"));
        Files.copy(Path.of("policies/replica-guardrails/example-params.yaml"), dir.resolve("b.yaml"));
        Files.writeString(dir.resolve("c.yaml"), """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: broken}
                spec:
                  matchConstraints: {resourceRules: [{operations: ["*"], apiGroups: ["*"], apiVersions: ["*"], resources: ["*"]}]}
                  validations: [{expression: "object.spec.replicas <"}]
                """);
        Path reviews = dir.resolve("reviews.jsonl");
        Files.writeString(
                reviews,
                Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"))
                        .get(3));
        Run r = run("review", "--policies", dir.toString(), reviews.toString());
        assertThat(r.err())
                .startsWith("policy: c.yaml: document 1: ValidatingAdmissionPolicy 'broken' is invalid: "
                        + "spec.validations[0].expression: compilation failed: line 1, column");
        assertThat(r.out()).contains("replicas 21 exceed the ceiling of 20");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void aReviewThatIsNotUtf8IsNamedAndTheOthersAreAnswered() throws Exception {
        List<String> reviews = Files.readAllLines(Path.of("src/test/resources/admission/reviews.jsonl"));
        Path file = Files.createTempFile("reviews", ".jsonl");
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes((reviews.get(2) + "\n").getBytes(StandardCharsets.UTF_8));
        b.writeBytes(new byte[] {'{', (byte) 0xFF, '}', '\n'});
        b.writeBytes((reviews.get(3) + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(file, b.toByteArray());
        Run r = run("review", "--policies", "policies", file.toString());
        assertThat(r.err()).startsWith("line 2: invalid UTF-8 at byte 1 of the line (byte ");
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.out().lines()).hasSize(2);
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void wrongUsageSaysHow() {
        Run r = run("review");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err())
                .contains(
                        "Missing required options and parameters: '--policies=DIR', 'FILE|-'", "Usage: policy review");
    }
}

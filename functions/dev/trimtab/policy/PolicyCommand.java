package dev.trimtab.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.cli.Lines;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code policy review --policies DIR FILE|-}: each line of FILE an {@code AdmissionReview} v1
 * request, each output line the {@code AdmissionReview} response the admission webhook would give
 * for it, against the policies, bindings and parameter objects found in DIR. Runs offline: no
 * Quarkus, no Kafka, no Kubernetes API. Exit 0 when everything was read, 1 when a policy or a line
 * could not be (each named on stderr; the rest is still reviewed), 2 on wrong usage.
 * {@code policy test DIR} runs the policies' test cases ({@link PolicyTests}).
 */
public final class PolicyCommand {
    static final String USAGE = "usage: policy review --policies DIR FILE|-\n       policy test DIR";

    private PolicyCommand() {}

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        if (args.length == 2 && args[0].equals("test")) {
            try {
                return PolicyTests.run(Path.of(args[1]), out, err);
            } catch (IOException e) {
                err.println("policy test: " + e.getMessage());
                return 2;
            }
        }
        if (args.length != 4 || !args[0].equals("review") || !args[1].equals("--policies")) {
            err.println(USAGE);
            return 2;
        }
        Path dir = Path.of(args[2]);
        if (!Files.isDirectory(dir)) {
            err.println("policy review: " + dir + " is not a directory");
            return 2;
        }
        try {
            PolicyDirectory.Contents contents = PolicyDirectory.read(dir);
            contents.errors().forEach(e -> err.println("policy: " + e));
            PolicyEngine engine = new PolicyEngine(contents.policies(), contents.bindings());
            MutationEngine mutations = new MutationEngine(contents.mutatingPolicies(), contents.mutatingBindings());
            var cluster = contents.cluster();
            int bad = contents.errors().size();
            try (Lines in = Lines.open(args[3], stdin)) {
                for (Lines.Line l = in.next(); l != null; l = in.next()) {
                    int lineNo = l.number();
                    String line = l.text();
                    if (line == null) {
                        bad++;
                        err.println("line " + lineNo + ": " + l.error());
                        continue;
                    }
                    if (line.isBlank()) {
                        continue;
                    }
                    try {
                        JsonNode review = AdmissionReviews.JSON.readTree(line);
                        AdmissionRequest request = AdmissionReviews.request(review);
                        out.println(AdmissionReviews.JSON.writeValueAsString(review(request, mutations, engine, cluster)));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        bad++;
                        err.println("line " + lineNo + ": not JSON: " + e.getOriginalMessage());
                    } catch (IllegalArgumentException e) {
                        bad++;
                        err.println("line " + lineNo + ": " + e.getMessage());
                    }
                }
            }
            out.flush();
            return bad == 0 ? 0 : 1;
        } catch (IOException e) {
            err.println("policy review: " + e.getMessage());
            return 2;
        }
    }

    /**
     * What the mutating and then the validating webhook answer, in one review: the validation
     * sees the mutated object, as it does in the API server.
     */
    static com.fasterxml.jackson.databind.node.ObjectNode review(AdmissionRequest request, MutationEngine mutations,
                                                                  PolicyEngine engine, PolicyEngine.Cluster cluster) {
        if (mutations.isEmpty()) {
            return AdmissionReviews.response(request.uid(), engine.review(request, cluster));
        }
        MutationEngine.Outcome m = mutations.mutate(request, cluster, false);
        PolicyEngine.Verdict v = m.allowed() ? engine.review(request.withObject(m.object()), cluster) : null;
        return AdmissionReviews.response(request.uid(), m, v);
    }
}

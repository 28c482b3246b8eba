package dev.trimtab.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cli.Cli;
import dev.trimtab.cli.Lines;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.PolicyDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code policy review|apply|test}, offline (no Quarkus, no Kafka, no Kubernetes API):
 * {@code review --policies DIR FILE|-} answers each line of FILE, an {@code AdmissionReview} v1
 * request, with the {@code AdmissionReview} the admission webhook would give (exit 0 when everything
 * was read, 1 when a policy or a line could not be, each named on stderr while the rest is still
 * reviewed); {@code apply} checks resources against the policies in the manner of
 * {@code kyverno apply} ({@link PolicyApply}); {@code test DIR} runs the policies' test cases
 * ({@link PolicyTests}). Exit 2 on wrong usage.
 */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "ValidatingAdmissionPolicies and MutatingAdmissionPolicies, offline.",
        subcommands = {PolicyCommand.Review.class, PolicyApply.class, PolicyCommand.Test.class})
public final class PolicyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        return Cli.execute(PolicyCommand.class, args, new Cli.Io(stdin, out, err));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "a command is required: review, apply or test");
    }

    /** The policies, bindings and parameter objects of {@code dir}, each problem named on stderr. */
    static PolicyDirectory.Contents policies(Path dir, CommandSpec spec, PrintStream err) {
        if (!Files.isDirectory(dir)) {
            throw new ParameterException(spec.commandLine(), "--policies " + dir + ": not a directory");
        }
        try {
            PolicyDirectory.Contents contents = PolicyDirectory.read(dir);
            contents.errors().forEach(e -> err.println("policy: " + e));
            return contents;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    @Command(
            name = "review",
            mixinStandardHelpOptions = true,
            description = "Answers each AdmissionReview of FILE (one a line) as the admission webhook would.")
    static final class Review implements Callable<Integer> {
        private final Cli.Io io;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--policies",
                required = true,
                paramLabel = "DIR",
                description = "Policies, bindings and parameter objects (YAML or JSON, searched recursively).")
        Path dir;

        @Parameters(
                paramLabel = "FILE|-",
                description = "AdmissionReview requests, one JSON object a line; - for stdin.")
        String file;

        Review(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws IOException {
            PolicyDirectory.Contents contents = policies(dir, spec, io.err());
            PolicyEngine engine = new PolicyEngine(contents.policies(), contents.bindings());
            MutationEngine mutations = new MutationEngine(contents.mutatingPolicies(), contents.mutatingBindings());
            var cluster = contents.cluster();
            int bad = contents.errors().size();
            try (Lines in = Lines.open(file, io.in())) {
                for (Lines.Line l = in.next(); l != null; l = in.next()) {
                    if (l.text() == null) {
                        bad++;
                        io.err().println("line " + l.number() + ": " + l.error());
                    } else if (!l.text().isBlank()) {
                        bad += answer(l, mutations, engine, cluster);
                    }
                }
            }
            return bad == 0 ? 0 : 1;
        }

        private int answer(Lines.Line l, MutationEngine mutations, PolicyEngine engine, PolicyEngine.Cluster cluster) {
            try {
                JsonNode review = AdmissionReviews.JSON.readTree(l.text());
                AdmissionRequest request = AdmissionReviews.request(review);
                io.out().println(AdmissionReviews.JSON.writeValueAsString(review(request, mutations, engine, cluster)));
                return 0;
            } catch (JsonProcessingException e) {
                io.err().println("line " + l.number() + ": not JSON: " + e.getOriginalMessage());
            } catch (IllegalArgumentException e) {
                io.err().println("line " + l.number() + ": " + e.getMessage());
            }
            return 1;
        }
    }

    @Command(
            name = "test",
            mixinStandardHelpOptions = true,
            description = "Runs every *.test.yaml under DIR: exit 1 when a case does not get the answer it expects.")
    static final class Test implements Callable<Integer> {
        private final Cli.Io io;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "Where the *.test.yaml files are (searched recursively).")
        Path dir;

        Test(Cli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(dir)) {
                throw new ParameterException(spec.commandLine(), dir + ": not a directory");
            }
            return PolicyTests.run(dir, io.out(), io.err());
        }
    }

    /**
     * What the mutating and then the validating webhook answer, in one review: the validation
     * sees the mutated object, as it does in the API server.
     */
    static ObjectNode review(
            AdmissionRequest request, MutationEngine mutations, PolicyEngine engine, PolicyEngine.Cluster cluster) {
        if (mutations.isEmpty()) {
            return AdmissionReviews.response(request.uid(), engine.review(request, cluster));
        }
        MutationEngine.Outcome m = mutations.mutate(request, cluster, false);
        PolicyEngine.Verdict v = m.allowed() ? engine.review(request.withObject(m.object()), cluster) : null;
        return AdmissionReviews.response(request.uid(), m, v);
    }
}

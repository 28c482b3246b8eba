package dev.trimtab.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cli.Cli;
import dev.trimtab.cli.Output;
import dev.trimtab.kube.Manifests;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ReportApi;
import dev.trimtab.policy.core.ReportBook;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code policy apply --policies DIR --resource FILE…}, in the manner of {@code kyverno apply}: each
 * resource (every document of every file, or of every manifest under a directory) is admitted as a
 * CREATE through the mutating and then the validating policies, and each policy and binding that
 * failed it is printed with its messages, then one summary line
 * {@code pass: N, fail: N, warn: N, error: N, skip: N}. {@code -o json|yaml} prints instead the
 * reports the policy audit would write for them ({@code --report-api}). Exit 1 when a result is
 * {@code fail} or {@code error} (a Warn-only binding's failure is {@code warn}), or when a policy or
 * a resource could not be read; 0 otherwise; 2 on wrong usage.
 */
@Command(
        name = "apply",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Checks resources against the policies, as kyverno apply: exit 1 when one fails.")
final class PolicyApply implements Callable<Integer> {
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};
    private final Cli.Io io;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--policies",
            required = true,
            paramLabel = "DIR",
            description = "Policies, bindings and parameter objects (YAML or JSON, searched recursively).")
    Path dir;

    @Option(
            names = {"-r", "--resource"},
            required = true,
            arity = "1..*",
            paramLabel = "FILE",
            description = "Resource manifests: YAML or JSON files (every document) or directories.")
    List<Path> resources = new ArrayList<>();

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            completionCandidates = Output.Names.class,
            description = "json or yaml: the reports the audit would write (default: failures and a summary).")
    Output output;

    @Option(names = "--report-api", paramLabel = "API", description = "openreports (default) or wgpolicyk8s, with -o.")
    ReportApi reportApi = ReportApi.openreports;

    PolicyApply(Cli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        PolicyDirectory.Contents contents = PolicyCommand.policies(dir, spec, io.err());
        List<String> problems = new ArrayList<>(contents.errors());
        List<JsonNode> objects = read(problems);
        List<Map<String, Object>> known = new ArrayList<>(contents.objects());
        objects.forEach(o -> known.add(AdmissionReviews.JSON.convertValue(o, OBJECT)));
        ObjectCluster cluster = new ObjectCluster(known);
        PolicyEngine engine = new PolicyEngine(contents.policies(), contents.bindings());
        MutationEngine mutations = new MutationEngine(contents.mutatingPolicies(), contents.mutatingBindings());
        boolean text = output == null || output == Output.TABLE;
        if (text) {
            io.out()
                    .println("Applying "
                            + (contents.policies().size()
                                    + contents.mutatingPolicies().size()) + " policies to " + objects.size()
                            + " resources...");
        }
        Map<String, Integer> summary = new LinkedHashMap<>();
        List.of("pass", "fail", "warn", "error", "skip").forEach(r -> summary.put(r, 0));
        ReportBook book = new ReportBook();
        for (JsonNode object : objects) {
            List<ReportBook.Entry> entries = ReportBook.entries(admit(object, mutations, engine, cluster));
            entries.forEach(e -> summary.merge(e.result(), 1, Integer::sum));
            if (text) {
                printFailures(object, entries);
            }
            book.put(resource(object), entries);
        }
        if (text) {
            io.out().println();
            io.out()
                    .println("pass: " + summary.get("pass") + ", fail: " + summary.get("fail") + ", warn: "
                            + summary.get("warn") + ", error: " + summary.get("error") + ", skip: "
                            + summary.get("skip"));
        } else {
            List<Map<String, Object>> reports = new ArrayList<>();
            for (ReportBook.Due due : book.drain(reportApi, 0)) {
                if (due.report() != null) {
                    reports.add(due.report());
                }
            }
            output.print(reports, io.out(), null);
        }
        problems.subList(contents.errors().size(), problems.size())
                .forEach(p -> io.err().println("policy: " + p));
        return summary.get("fail") + summary.get("error") == 0 && problems.isEmpty() ? 0 : 1;
    }

    /** The results of admitting {@code object} as a CREATE: the mutation's refusal, or the validation of what it made. */
    private static List<PolicyEngine.Result> admit(
            JsonNode object, MutationEngine mutations, PolicyEngine engine, ObjectCluster cluster) {
        AdmissionRequest request = AdmissionReviews.request(PolicyTests.review(
                AdmissionReviews.JSON.createObjectNode().put("name", "apply").set("object", object)));
        MutationEngine.Outcome m = mutations.isEmpty() ? null : mutations.mutate(request, cluster, false);
        if (m != null && !m.allowed()) {
            return List.of(new PolicyEngine.Result(
                    "MutatingAdmissionPolicy", null, List.of(), -1, PolicyEngine.Outcome.error, m.message()));
        }
        return engine.review(m == null ? request : request.withObject(m.object()), cluster)
                .results();
    }

    /** kyverno's lines: {@code policy P -> resource NS/Kind/name failed:} and one numbered line a rule. */
    private void printFailures(JsonNode object, List<ReportBook.Entry> entries) {
        Map<String, List<ReportBook.Entry>> byPolicy = new LinkedHashMap<>();
        for (ReportBook.Entry e : entries) {
            if (e.result().equals("fail")
                    || e.result().equals("error")
                    || e.result().equals("warn")) {
                byPolicy.computeIfAbsent(e.policy(), k -> new ArrayList<>()).add(e);
            }
        }
        String name = (object.at("/metadata/namespace").asText("").isEmpty()
                        ? ""
                        : object.at("/metadata/namespace").asText() + "/")
                + object.path("kind").asText() + "/"
                + object.at("/metadata/name").asText();
        byPolicy.forEach((policy, failed) -> {
            io.out().println();
            io.out().println("policy " + policy + " -> resource " + name + " failed:");
            for (int i = 0; i < failed.size(); i++) {
                ReportBook.Entry e = failed.get(i);
                io.out().println((i + 1) + ". " + e.rule() + ": " + e.result() + ": " + e.message());
            }
        });
    }

    private static ReportBook.Resource resource(JsonNode object) {
        String uid = object.at("/metadata/uid").asText(null);
        return new ReportBook.Resource(
                object.path("apiVersion").asText(),
                object.path("kind").asText(),
                object.at("/metadata/namespace").asText(""),
                object.at("/metadata/name").asText(),
                uid);
    }

    /** Every document of the resource files, or of the manifests under a directory; problems collected. */
    private List<JsonNode> read(List<String> problems) {
        List<JsonNode> out = new ArrayList<>();
        for (Path r : resources) {
            if (Files.isDirectory(r)) {
                try {
                    Manifests.Contents c = Manifests.read(r);
                    c.objects().forEach(o -> out.add(AdmissionReviews.JSON.valueToTree(o)));
                    problems.addAll(c.errors());
                } catch (IOException e) {
                    problems.add(r + ": " + e.getMessage());
                }
            } else if (Files.isRegularFile(r)) {
                Manifests.forEachDocument(r, r.toAbsolutePath().getParent(), out::add, problems);
            } else {
                throw new ParameterException(spec.commandLine(), "--resource " + r + ": no such file or directory");
            }
        }
        return out;
    }
}

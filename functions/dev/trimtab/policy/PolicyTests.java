package dev.trimtab.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.kube.Kinds;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.JsonPatch;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyBinding;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code policy test DIR}: runs every {@code *.test.yaml} under DIR (format in policies/README.md):
 * each names the files holding its policies, bindings and parameter objects, and cases — a request
 * (operation, object, old object, user, subresource) and what the API server would answer.
 * A mismatch prints the test, the case, the resource and every failing policy, binding and
 * expression; the exit status is 1 if any case mismatched or any file could not be read.
 */
public final class PolicyTests {
    private PolicyTests() {}

    /** A test file: its policies, bindings and objects (or why they did not load), and its cases. */
    public record TestFile(
            Path file,
            List<Path> policyFiles,
            PolicyDirectory.Contents contents,
            List<String> problems,
            List<JsonNode> cases) {
        public List<CompiledPolicy> policies() {
            return contents.policies();
        }

        public List<PolicyBinding> bindings() {
            return contents.bindings();
        }

        public List<Map<String, Object>> objects() {
            return contents.objects();
        }
    }

    /** Every {@code *.test.yaml} under {@code dir}, loaded. */
    public static List<TestFile> load(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".test.yaml"))
                    .sorted()
                    .toList();
        }
        List<TestFile> out = new ArrayList<>();
        for (Path file : files) {
            PolicyDirectory.Contents contents = PolicyDirectory.Contents.empty();
            List<String> problems = contents.errors();
            List<JsonNode> cases = new ArrayList<>();
            List<Path> policyFiles = new ArrayList<>();
            try {
                JsonNode test = PolicyDirectory.YAML.readTree(file.toFile());
                test.path("spec").path("cases").forEach(cases::add);
                for (String field : List.of("policies", "resources")) {
                    for (JsonNode f : test.path("spec").path(field)) {
                        Path p = file.resolveSibling(f.asText());
                        if (!Files.isRegularFile(p)) {
                            problems.add("spec." + field + ": " + f.asText() + " is not a file next to the test");
                            continue;
                        }
                        if (field.equals("policies")) {
                            policyFiles.add(p);
                        }
                        contents.addAll(PolicyDirectory.readFile(p, p.getParent()));
                    }
                }
            } catch (IOException e) {
                problems.add("not YAML: " + e.getMessage());
            }
            out.add(new TestFile(file, policyFiles, contents, problems, cases));
        }
        return out;
    }

    static int run(Path dir, PrintStream out, PrintStream err) throws IOException {
        List<TestFile> files = load(dir);
        if (files.isEmpty()) {
            err.println("policy test: no *.test.yaml under " + dir);
            return 1;
        }
        int cases = 0;
        int failed = 0;
        for (TestFile t : files) {
            Path file = t.file();
            List<CompiledPolicy> policies = t.policies();
            if (!t.problems().isEmpty()) {
                t.problems().forEach(p -> err.println("FAIL " + dir.relativize(file) + ": " + p));
                failed++;
                continue;
            }
            PolicyEngine engine = new PolicyEngine(policies, t.bindings());
            MutationEngine mutations = new MutationEngine(
                    t.contents().mutatingPolicies(), t.contents().mutatingBindings());
            ObjectCluster cluster = new ObjectCluster(t.objects());
            for (JsonNode c : t.cases()) {
                cases++;
                String name = dir.relativize(file) + ": case '" + c.path("name").asText("#" + cases) + "'";
                AdmissionRequest request;
                try {
                    request = AdmissionReviews.request(review(c));
                } catch (IllegalArgumentException e) {
                    err.println("FAIL " + name + ": " + e.getMessage());
                    failed++;
                    continue;
                }
                MutationEngine.Outcome m = mutations.mutate(request, cluster, false);
                PolicyEngine.Verdict v = m.allowed()
                        ? engine.review(request.withObject(m.object()), cluster)
                        : new PolicyEngine.Verdict(
                                false, m.code(), m.reason(), m.message(), List.of(), Map.of(), List.of());
                List<String> mismatches =
                        mismatches(c.path("expect"), v.allowed(), v.code(), v.message(), v.warnings());
                mismatches.addAll(patchMismatches(c.path("expect"), m));
                if (mismatches.isEmpty()) {
                    out.println("ok   " + name);
                } else {
                    failed++;
                    err.println("FAIL " + name + " on " + request.operation() + " "
                            + request.resource().resource()
                            + (request.subResource().isEmpty() ? "" : "/" + request.subResource()) + " "
                            + (request.namespace().isEmpty() ? "" : request.namespace() + "/") + request.name());
                    mismatches.forEach(line -> err.println("     " + line));
                    for (PolicyEngine.Result r : v.results()) {
                        if (r.outcome() == PolicyEngine.Outcome.fail || r.outcome() == PolicyEngine.Outcome.error) {
                            err.println("     " + r.outcome() + ": policy " + r.policy() + ", binding " + r.binding()
                                    + expression(policies, r) + ": " + r.message());
                        }
                    }
                    for (MutationEngine.Invocation i : m.invocations()) {
                        err.println("     mutation: policy " + i.policy() + ", binding " + i.binding()
                                + (i.error() != null
                                        ? ": error: " + i.error()
                                        : i.changed() ? ": changed the object" : ": no change"));
                    }
                }
            }
        }
        out.println(cases + " cases, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    private static String expression(List<CompiledPolicy> policies, PolicyEngine.Result r) {
        for (CompiledPolicy p : policies) {
            if (p.name().equals(r.policy())
                    && r.index() >= 0
                    && r.index() < p.spec().validations().size()) {
                return ", spec.validations[" + r.index() + "] "
                        + p.spec().validations().get(r.index()).expression();
            }
        }
        return "";
    }

    /** An AdmissionReview for the case; the resource, name and namespace default from the object. */
    public static JsonNode review(JsonNode c) {
        JsonNode object = c.hasNonNull("object") ? c.get("object") : c.path("oldObject");
        String apiVersion = object.path("apiVersion").asText("");
        String kindName = object.path("kind").asText("");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        ObjectNode request = AdmissionReviews.JSON.createObjectNode();
        request.put("uid", c.path("name").asText("case"));
        request.put("operation", c.path("operation").asText("CREATE"));
        request.set(
                "kind",
                c.hasNonNull("kind")
                        ? c.get("kind")
                        : AdmissionReviews.JSON
                                .createObjectNode()
                                .put("group", group)
                                .put("version", version)
                                .put("kind", kindName));
        request.set(
                "resource",
                c.hasNonNull("resource")
                        ? c.get("resource")
                        : AdmissionReviews.JSON
                                .createObjectNode()
                                .put("group", group)
                                .put("version", version)
                                .put("resource", Kinds.plural(kindName)));
        request.put("subResource", c.path("subResource").asText(""));
        request.put("name", object.at("/metadata/name").asText(""));
        request.put(
                "namespace",
                c.hasNonNull("namespace")
                        ? c.get("namespace").asText()
                        : object.at("/metadata/namespace").asText(""));
        request.set(
                "userInfo",
                c.hasNonNull("userInfo")
                        ? c.get("userInfo")
                        : AdmissionReviews.JSON.createObjectNode().put("username", "policy-test"));
        if (c.hasNonNull("object")) {
            request.set("object", c.get("object"));
        }
        if (c.hasNonNull("oldObject")) {
            request.set("oldObject", c.get("oldObject"));
        }
        ObjectNode review = AdmissionReviews.JSON.createObjectNode();
        review.put("apiVersion", AdmissionReviews.API_VERSION);
        review.put("kind", "AdmissionReview");
        review.set("request", request);
        return review;
    }

    /**
     * How the mutated object differs from {@code expect.patchedObject} (the whole object after the
     * MutatingAdmissionPolicies; numbers compare by value); empty when it matches or is not expected.
     */
    public static List<String> patchMismatches(JsonNode expect, MutationEngine.Outcome m) {
        if (!expect.has("patchedObject")) {
            return List.of();
        }
        Object wanted = PolicyDirectory.YAML.convertValue(expect.get("patchedObject"), Object.class);
        if (m.allowed() && JsonPatch.same(wanted, m.object())) {
            return List.of();
        }
        return List.of("expected patchedObject " + AdmissionReviews.JSON.valueToTree(wanted) + ", got "
                + AdmissionReviews.JSON.valueToTree(m.object()) + " (patch "
                + AdmissionReviews.JSON.valueToTree(m.patch()) + ")");
    }

    /** How an answer differs from a case's {@code expect}; empty when it matches. */
    public static List<String> mismatches(
            JsonNode expect, boolean allowed, int code, String message, List<String> warnings) {
        List<String> out = new ArrayList<>();
        if (expect.has("allowed") && expect.get("allowed").asBoolean() != allowed) {
            out.add("expected allowed=" + expect.get("allowed").asBoolean() + ", got " + allowed
                    + (message == null ? "" : ": " + message));
        }
        if (expect.has("code") && expect.get("code").asInt() != code) {
            out.add("expected code " + expect.get("code").asInt() + ", got " + code);
        }
        if (expect.has("message")
                && (message == null || !message.contains(expect.get("message").asText()))) {
            out.add("expected a message containing \"" + expect.get("message").asText() + "\", got " + message);
        }
        List<String> wanted = new ArrayList<>();
        expect.path("warnings").forEach(w -> wanted.add(w.asText()));
        for (String w : wanted) {
            if (warnings.stream().noneMatch(actual -> actual.contains(w))) {
                out.add("expected a warning containing \"" + w + "\", got " + warnings);
            }
        }
        if (expect.has("warnings") && wanted.isEmpty() && !warnings.isEmpty()) {
            out.add("expected no warnings, got " + warnings);
        }
        return out;
    }
}

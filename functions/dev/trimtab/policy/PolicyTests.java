package dev.trimtab.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.CompiledPolicy;
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
final class PolicyTests {
    private PolicyTests() {}

    static int run(Path dir, PrintStream out, PrintStream err) throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(f -> f.getFileName().toString().endsWith(".test.yaml")).sorted().toList();
        }
        if (files.isEmpty()) {
            err.println("policy test: no *.test.yaml under " + dir);
            return 1;
        }
        int cases = 0;
        int failed = 0;
        for (Path file : files) {
            JsonNode test;
            try {
                test = PolicyDirectory.YAML.readTree(file.toFile());
            } catch (IOException e) {
                err.println("policy test: " + file + ": not YAML: " + e.getMessage());
                failed++;
                continue;
            }
            List<CompiledPolicy> policies = new ArrayList<>();
            List<PolicyBinding> bindings = new ArrayList<>();
            List<Map<String, Object>> objects = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (String field : List.of("policies", "resources")) {
                for (JsonNode f : test.path("spec").path(field)) {
                    Path p = file.resolveSibling(f.asText());
                    if (!Files.isRegularFile(p)) {
                        problems.add("spec." + field + ": " + f.asText() + " is not a file next to the test");
                        continue;
                    }
                    PolicyDirectory.Contents c = PolicyDirectory.readFile(p, p.getParent());
                    policies.addAll(c.policies());
                    bindings.addAll(c.bindings());
                    objects.addAll(c.objects());
                    problems.addAll(c.errors());
                }
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> err.println("FAIL " + dir.relativize(file) + ": " + p));
                failed++;
                continue;
            }
            PolicyEngine engine = new PolicyEngine(policies, bindings);
            ObjectCluster cluster = new ObjectCluster(objects);
            for (JsonNode c : test.path("spec").path("cases")) {
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
                PolicyEngine.Verdict v = engine.review(request, cluster);
                List<String> mismatches = mismatches(c.path("expect"), v);
                if (mismatches.isEmpty()) {
                    out.println("ok   " + name);
                } else {
                    failed++;
                    err.println("FAIL " + name + " on " + request.operation() + " " + request.resource().resource()
                            + (request.subResource().isEmpty() ? "" : "/" + request.subResource()) + " "
                            + (request.namespace().isEmpty() ? "" : request.namespace() + "/") + request.name());
                    mismatches.forEach(m -> err.println("     " + m));
                    for (PolicyEngine.Result r : v.results()) {
                        if (r.outcome() == PolicyEngine.Outcome.fail || r.outcome() == PolicyEngine.Outcome.error) {
                            err.println("     " + r.outcome() + ": policy " + r.policy() + ", binding " + r.binding()
                                    + expression(policies, r) + ": " + r.message());
                        }
                    }
                }
            }
        }
        out.println(cases + " cases, " + failed + " failed");
        return failed == 0 ? 0 : 1;
    }

    private static String expression(List<CompiledPolicy> policies, PolicyEngine.Result r) {
        for (CompiledPolicy p : policies) {
            if (p.name().equals(r.policy()) && r.index() >= 0 && r.index() < p.spec().validations().size()) {
                return ", spec.validations[" + r.index() + "] " + p.spec().validations().get(r.index()).expression();
            }
        }
        return "";
    }

    /** An AdmissionReview for the case; the resource, name and namespace default from the object. */
    private static JsonNode review(JsonNode c) {
        JsonNode object = c.hasNonNull("object") ? c.get("object") : c.path("oldObject");
        String apiVersion = object.path("apiVersion").asText("");
        String kindName = object.path("kind").asText("");
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        ObjectNode request = AdmissionReviews.JSON.createObjectNode();
        request.put("uid", c.path("name").asText("case"));
        request.put("operation", c.path("operation").asText("CREATE"));
        request.set("kind", c.hasNonNull("kind") ? c.get("kind") : AdmissionReviews.JSON.createObjectNode()
                .put("group", group).put("version", version).put("kind", kindName));
        request.set("resource", c.hasNonNull("resource") ? c.get("resource") : AdmissionReviews.JSON.createObjectNode()
                .put("group", group).put("version", version).put("resource", dev.trimtab.kube.Kinds.plural(kindName)));
        request.put("subResource", c.path("subResource").asText(""));
        request.put("name", object.at("/metadata/name").asText(""));
        request.put("namespace", c.hasNonNull("namespace") ? c.get("namespace").asText()
                : object.at("/metadata/namespace").asText(""));
        request.set("userInfo", c.hasNonNull("userInfo") ? c.get("userInfo")
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

    private static List<String> mismatches(JsonNode expect, PolicyEngine.Verdict v) {
        List<String> out = new ArrayList<>();
        if (expect.has("allowed") && expect.get("allowed").asBoolean() != v.allowed()) {
            out.add("expected allowed=" + expect.get("allowed").asBoolean() + ", got " + v.allowed()
                    + (v.message() == null ? "" : ": " + v.message()));
        }
        if (expect.has("code") && expect.get("code").asInt() != v.code()) {
            out.add("expected code " + expect.get("code").asInt() + ", got " + v.code());
        }
        if (expect.has("message") && (v.message() == null || !v.message().contains(expect.get("message").asText()))) {
            out.add("expected a message containing \"" + expect.get("message").asText() + "\", got " + v.message());
        }
        List<String> warnings = new ArrayList<>();
        expect.path("warnings").forEach(w -> warnings.add(w.asText()));
        for (String w : warnings) {
            if (v.warnings().stream().noneMatch(actual -> actual.contains(w))) {
                out.add("expected a warning containing \"" + w + "\", got " + v.warnings());
            }
        }
        if (expect.has("warnings") && warnings.isEmpty() && !v.warnings().isEmpty()) {
            out.add("expected no warnings, got " + v.warnings());
        }
        return out;
    }
}

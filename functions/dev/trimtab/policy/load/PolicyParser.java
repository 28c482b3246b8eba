package dev.trimtab.policy.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.InvalidPolicyException;
import dev.trimtab.policy.core.MatchResources;
import dev.trimtab.policy.core.MutatingBinding;
import dev.trimtab.policy.core.MutatingPolicy;
import dev.trimtab.policy.core.PolicyBinding;
import dev.trimtab.policy.core.ResourceRule;
import dev.trimtab.policy.core.ValidatingPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code ValidatingAdmissionPolicy} and {@code ValidatingAdmissionPolicyBinding}
 * ({@code admissionregistration.k8s.io/v1}) as the API server would accept them, collecting every
 * problem as {@code path: got VALUE, ALLOWED} so one pass reports all of a policy's mistakes.
 */
public final class PolicyParser {
    public static final String API_VERSION = "admissionregistration.k8s.io/v1";
    /** MutatingAdmissionPolicy's versions: beta since Kubernetes 1.34, alpha's shape is the same. */
    public static final Set<String> MUTATING_API_VERSIONS =
            Set.of("admissionregistration.k8s.io/v1beta1", "admissionregistration.k8s.io/v1alpha1", API_VERSION);

    public static final String MUTATING_WATCH_VERSION = "admissionregistration.k8s.io/v1beta1";
    private static final Set<String> REASONS = Set.of("Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge");
    private static final Set<String> OPERATIONS = Set.of("*", "CREATE", "UPDATE", "DELETE", "CONNECT");

    private final List<String> problems = new ArrayList<>();

    private PolicyParser() {}

    public static ValidatingPolicy policy(JsonNode doc) throws InvalidPolicyException {
        PolicyParser p = new PolicyParser();
        String name = p.name(doc);
        JsonNode spec = doc.path("spec");
        ValidatingPolicy.FailurePolicy failurePolicy = p.failurePolicy(spec);
        ValidatingPolicy.ParamKind paramKind = p.paramKind(spec);
        MatchResources match = p.constraints(spec);
        List<ValidatingPolicy.Named> conditions = p.named(spec.path("matchConditions"), "spec.matchConditions");
        List<ValidatingPolicy.Named> variables = p.named(spec.path("variables"), "spec.variables");
        List<ValidatingPolicy.Validation> validations = new ArrayList<>();
        JsonNode vs = spec.path("validations");
        for (int i = 0; i < vs.size(); i++) {
            JsonNode v = vs.get(i);
            String path = "spec.validations[" + i + "]";
            String reason = v.hasNonNull("reason") ? v.get("reason").asText() : null;
            if (reason != null && !REASONS.contains(reason)) {
                p.problem(path + ".reason", v.get("reason"), "expected one of " + new TreeSet<>(REASONS));
            }
            validations.add(new ValidatingPolicy.Validation(
                    p.text(v, "expression", path + ".expression"),
                    v.path("message").asText(null),
                    v.path("messageExpression").asText(null),
                    reason));
        }
        List<ValidatingPolicy.AuditAnnotation> annotations = new ArrayList<>();
        JsonNode as = spec.path("auditAnnotations");
        for (int i = 0; i < as.size(); i++) {
            String path = "spec.auditAnnotations[" + i + "]";
            annotations.add(new ValidatingPolicy.AuditAnnotation(
                    p.text(as.get(i), "key", path + ".key"),
                    p.text(as.get(i), "valueExpression", path + ".valueExpression")));
        }
        if (validations.isEmpty() && annotations.isEmpty()) {
            p.problem("spec.validations", null, "at least one of validations or auditAnnotations is required");
        }
        p.throwIfAny(name);
        return new ValidatingPolicy(
                name, failurePolicy, paramKind, match, conditions, variables, validations, annotations);
    }

    /**
     * A policy {@link #policy} rejected, kept as the API server keeps a policy it cannot use: when
     * its name and matchConstraints can be read, a {@link CompiledPolicy#misconfigured} policy that
     * fails each request it matches ({@code failed to configure policy: …}) under its failurePolicy
     * (an unreadable failurePolicy counts as Fail, as the API server denies under an unrecognized
     * one); else empty: nobody can tell which requests it is about (docs/decisions/0017).
     */
    public static Optional<CompiledPolicy> misconfiguredPolicy(JsonNode doc, InvalidPolicyException e) {
        PolicyParser p = new PolicyParser();
        String name = p.name(doc);
        JsonNode spec = doc.path("spec");
        MatchResources match = p.constraints(spec);
        if (!p.problems.isEmpty()) {
            return Optional.empty();
        }
        ValidatingPolicy.FailurePolicy failurePolicy = p.failurePolicy(spec);
        return Optional.of(CompiledPolicy.misconfigured(
                new ValidatingPolicy(name, failurePolicy, null, match, List.of(), List.of(), List.of(), List.of()),
                String.join("; ", e.problems())));
    }

    /**
     * A binding {@link #binding} rejected, kept when its name and policyName can be read: it fails
     * each request it matches ({@code failed to configure binding: …}) under its policy's
     * failurePolicy; an unreadable matchResources widens it to all its policy matches.
     */
    public static Optional<PolicyBinding> misconfiguredBinding(JsonNode doc, InvalidPolicyException e) {
        PolicyParser p = new PolicyParser();
        String name = p.name(doc);
        JsonNode spec = doc.path("spec");
        String policyName = p.text(spec, "policyName", "spec.policyName");
        if (!p.problems.isEmpty()) {
            return Optional.empty();
        }
        MatchResources match = spec.hasNonNull("matchResources")
                ? p.match(spec.get("matchResources"), "spec.matchResources", false)
                : null;
        return Optional.of(PolicyBinding.misconfigured(
                name, policyName, p.problems.isEmpty() ? match : null, String.join("; ", e.problems())));
    }

    public static MutatingPolicy mutatingPolicy(JsonNode doc) throws InvalidPolicyException {
        PolicyParser p = new PolicyParser();
        String name = p.name(doc);
        JsonNode spec = doc.path("spec");
        ValidatingPolicy.FailurePolicy failurePolicy = p.failurePolicy(spec);
        String reinvocation = spec.path("reinvocationPolicy").asText("Never");
        if (!reinvocation.equals("Never") && !reinvocation.equals("IfNeeded")) {
            p.problem("spec.reinvocationPolicy", spec.get("reinvocationPolicy"), "expected Never or IfNeeded");
        }
        ValidatingPolicy.ParamKind paramKind = p.paramKind(spec);
        MatchResources match = p.constraints(spec);
        List<ValidatingPolicy.Named> conditions = p.named(spec.path("matchConditions"), "spec.matchConditions");
        List<ValidatingPolicy.Named> variables = p.named(spec.path("variables"), "spec.variables");
        List<MutatingPolicy.Mutation> mutations = new ArrayList<>();
        JsonNode ms = spec.path("mutations");
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String path = "spec.mutations[" + i + "]";
            String type = m.path("patchType").asText("");
            if (type.equals("JSONPatch") || type.equals("ApplyConfiguration")) {
                String field = type.equals("JSONPatch") ? "jsonPatch" : "applyConfiguration";
                mutations.add(new MutatingPolicy.Mutation(
                        MutatingPolicy.PatchType.valueOf(type),
                        p.text(m.path(field), "expression", path + "." + field + ".expression")));
            } else {
                p.problem(path + ".patchType", m.get("patchType"), "expected JSONPatch or ApplyConfiguration");
            }
        }
        if (ms.isEmpty()) {
            p.problem("spec.mutations", spec.get("mutations"), "at least one mutation is required");
        }
        if (!p.problems.isEmpty()) {
            throw new InvalidPolicyException("MutatingAdmissionPolicy", name, p.problems);
        }
        return new MutatingPolicy(
                name,
                failurePolicy,
                paramKind,
                match,
                conditions,
                variables,
                mutations,
                MutatingPolicy.Reinvocation.valueOf(reinvocation));
    }

    public static MutatingBinding mutatingBinding(JsonNode doc) throws InvalidPolicyException {
        PolicyParser p = new PolicyParser();
        String name = p.name(doc);
        JsonNode spec = doc.path("spec");
        String policyName = p.text(spec, "policyName", "spec.policyName");
        PolicyBinding.ParamRef ref = p.paramRef(spec);
        MatchResources match = spec.hasNonNull("matchResources")
                ? p.match(spec.get("matchResources"), "spec.matchResources", false)
                : null;
        JsonNode remediate = doc.at("/metadata/annotations").path(MutatingBinding.REMEDIATE_ANNOTATION);
        if (!remediate.isMissingNode() && !Set.of("true", "false").contains(remediate.asText())) {
            p.problem(
                    "metadata.annotations[" + MutatingBinding.REMEDIATE_ANNOTATION + "]",
                    remediate,
                    "expected \"true\" or \"false\"");
        }
        if (!p.problems.isEmpty()) {
            throw new InvalidPolicyException("MutatingAdmissionPolicyBinding", name, p.problems);
        }
        return new MutatingBinding(
                name, policyName, ref, match, remediate.asText("false").equals("true"));
    }

    private ValidatingPolicy.FailurePolicy failurePolicy(JsonNode spec) {
        String fp = spec.path("failurePolicy").asText("Fail");
        if (!fp.equals("Fail") && !fp.equals("Ignore")) {
            problem("spec.failurePolicy", spec.get("failurePolicy"), "expected Fail or Ignore");
            return ValidatingPolicy.FailurePolicy.Fail;
        }
        return ValidatingPolicy.FailurePolicy.valueOf(fp);
    }

    private MatchResources constraints(JsonNode spec) {
        if (!spec.hasNonNull("matchConstraints")) {
            problem("spec.matchConstraints", null, "required");
            return null;
        }
        return match(spec.get("matchConstraints"), "spec.matchConstraints", true);
    }

    private String name(JsonNode doc) {
        String name = doc.at("/metadata/name").asText("");
        if (name.isEmpty()) {
            problem("metadata.name", doc.at("/metadata/name"), "a name is required");
        }
        return name;
    }

    private ValidatingPolicy.ParamKind paramKind(JsonNode spec) {
        if (!spec.hasNonNull("paramKind")) {
            return null;
        }
        JsonNode k = spec.get("paramKind");
        return new ValidatingPolicy.ParamKind(
                text(k, "apiVersion", "spec.paramKind.apiVersion"), text(k, "kind", "spec.paramKind.kind"));
    }

    private PolicyBinding.ParamRef paramRef(JsonNode spec) {
        if (!spec.hasNonNull("paramRef")) {
            return null;
        }
        JsonNode r = spec.get("paramRef");
        String action = r.path("parameterNotFoundAction").asText("");
        if (!action.equals("Deny") && !action.equals("Allow")) {
            problem(
                    "spec.paramRef.parameterNotFoundAction",
                    r.get("parameterNotFoundAction"),
                    "expected Deny or Allow");
        }
        boolean named = r.hasNonNull("name");
        boolean selected = r.hasNonNull("selector");
        if (named == selected) {
            problem("spec.paramRef", r, "exactly one of name or selector is required");
        }
        return new PolicyBinding.ParamRef(
                named ? r.get("name").asText() : null,
                r.path("namespace").asText(""),
                selected ? selector(r.get("selector"), "spec.paramRef.selector") : null,
                action);
    }

    public static PolicyBinding binding(JsonNode doc) throws InvalidPolicyException {
        PolicyParser p = new PolicyParser();
        String name = p.name(doc);
        JsonNode spec = doc.path("spec");
        String policyName = p.text(spec, "policyName", "spec.policyName");
        PolicyBinding.ParamRef ref = p.paramRef(spec);
        MatchResources match = spec.hasNonNull("matchResources")
                ? p.match(spec.get("matchResources"), "spec.matchResources", false)
                : null;
        List<PolicyBinding.Action> actions = new ArrayList<>();
        JsonNode as = spec.path("validationActions");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < as.size(); i++) {
            String a = as.get(i).asText();
            if (!Set.of("Deny", "Warn", "Audit").contains(a) || !seen.add(a)) {
                p.problem("spec.validationActions[" + i + "]", as.get(i), "expected Deny, Warn or Audit, each once");
            } else {
                actions.add(PolicyBinding.Action.valueOf(a));
            }
        }
        if (actions.isEmpty()) {
            p.problem("spec.validationActions", spec.get("validationActions"), "at least one action is required");
        }
        if (seen.contains("Deny") && seen.contains("Warn")) {
            p.problem("spec.validationActions", as, "must not contain both Deny and Warn");
        }
        if (!p.problems.isEmpty()) {
            throw new InvalidPolicyException("ValidatingAdmissionPolicyBinding", name, p.problems);
        }
        return new PolicyBinding(name, policyName, ref, match, actions);
    }

    private MatchResources match(JsonNode m, String path, boolean policy) {
        List<ResourceRule> rules = rules(m.path("resourceRules"), path + ".resourceRules");
        if (policy && rules.isEmpty()) {
            problem(path + ".resourceRules", m.get("resourceRules"), "at least one rule is required");
        }
        String matchPolicy = m.path("matchPolicy").asText("Equivalent");
        if (!matchPolicy.equals("Equivalent") && !matchPolicy.equals("Exact")) {
            problem(path + ".matchPolicy", m.get("matchPolicy"), "expected Equivalent or Exact");
        }
        return new MatchResources(
                selector(m.get("namespaceSelector"), path + ".namespaceSelector"),
                selector(m.get("objectSelector"), path + ".objectSelector"),
                rules,
                rules(m.path("excludeResourceRules"), path + ".excludeResourceRules"),
                !matchPolicy.equals("Exact"));
    }

    private List<ResourceRule> rules(JsonNode rs, String path) {
        List<ResourceRule> out = new ArrayList<>();
        for (int i = 0; i < rs.size(); i++) {
            JsonNode r = rs.get(i);
            String at = path + "[" + i + "]";
            List<String> ops = strings(r.path("operations"));
            for (String op : ops) {
                if (!OPERATIONS.contains(op)) {
                    problem(at + ".operations", op, "expected one of " + new TreeSet<>(OPERATIONS));
                }
            }
            String scope = r.path("scope").asText("*");
            if (!Set.of("*", "Cluster", "Namespaced").contains(scope)) {
                problem(at + ".scope", r.get("scope"), "expected *, Cluster or Namespaced");
            }
            for (String field : List.of("operations", "apiGroups", "apiVersions", "resources")) {
                if (strings(r.path(field)).isEmpty()) {
                    problem(at + "." + field, r.get(field), "at least one entry is required");
                }
            }
            out.add(new ResourceRule(
                    strings(r.path("resourceNames")),
                    ops,
                    strings(r.path("apiGroups")),
                    strings(r.path("apiVersions")),
                    strings(r.path("resources")),
                    scope));
        }
        return out;
    }

    /** Absent: every object. Read by {@link LabelSelector#parse}, as the API server validates a selector. */
    private LabelSelector selector(JsonNode s, String path) {
        if (s == null || s.isNull()) {
            return LabelSelector.EVERYTHING;
        }
        return LabelSelector.parse(CloudEventCodec.JSON.convertValue(s, Object.class), path, this::problem);
    }

    private List<ValidatingPolicy.Named> named(JsonNode list, String path) {
        List<ValidatingPolicy.Named> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            String name = text(list.get(i), "name", path + "[" + i + "].name");
            if (name != null && !names.add(name)) {
                problem(path + "[" + i + "].name", name, "names must be unique");
            }
            out.add(new ValidatingPolicy.Named(name, text(list.get(i), "expression", path + "[" + i + "].expression")));
        }
        return out;
    }

    private String text(JsonNode node, String field, String path) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            problem(path, v, "a non-empty string is required");
            return null;
        }
        return v.asText();
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private void problem(String path, Object value, String allowed) {
        problems.add(path + ": " + (value == null ? "missing" : "got " + value) + ", " + allowed);
    }

    private void throwIfAny(String name) throws InvalidPolicyException {
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(name, problems);
        }
    }
}

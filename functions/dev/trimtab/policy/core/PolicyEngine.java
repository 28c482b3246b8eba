package dev.trimtab.policy.core;

import dev.cel.common.values.NullValue;
import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides an admission request against ValidatingAdmissionPolicies and their bindings as the API
 * server's ValidatingAdmissionPolicy plugin does: every (policy, binding, param) that matches is
 * evaluated; matchConditions, then validations (message, messageExpression, reason), then audit
 * annotations; failures act by the binding's validationActions (Deny, Warn, Audit); evaluation
 * and configuration errors by the policy's failurePolicy; the first denial answers. Policies and
 * bindings are taken in name order (the API server's order is unspecified), so answers are
 * reproducible.
 */
public final class PolicyEngine {
    public static final String VALIDATION_FAILURE_ANNOTATION = "validation.policy.admission.k8s.io/validation_failure";

    /** What the engine reads from the cluster: namespaces and parameter objects. */
    public interface Cluster {
        /** The Namespace object, or null if there is none. */
        Map<String, Object> namespace(String name);

        /** Whether the parameter kind is namespaced (ConfigMaps are). */
        boolean namespaced(ValidatingPolicy.ParamKind kind);

        /** The parameter objects of this kind in {@code namespace} ("" for cluster-scoped) named {@code name}, or selected. */
        List<Map<String, Object>> params(
                ValidatingPolicy.ParamKind kind, String namespace, String name, LabelSelector selector);

        /** Who answers the CEL {@code authorizer}'s checks; null: nobody here can (checks then fail). */
        default AccessChecker access() {
            return null;
        }

        /** Which resources are the same objects in another group or version ({@code matchPolicy: Equivalent}). */
        default EquivalentResources equivalents() {
            return EquivalentResources.BUILT_IN;
        }
    }

    /**
     * One result of one policy, binding and validation, for reports; {@code index} is -1 when it is
     * not about one validation, {@link #AUDIT_ANNOTATION} for a failing audit annotation.
     */
    public record Result(
            String policy,
            String binding,
            List<PolicyBinding.Action> actions,
            int index,
            Outcome outcome,
            String message) {}

    public static final int AUDIT_ANNOTATION = Integer.MIN_VALUE;

    public enum Outcome {
        pass,
        fail,
        error,
        skip
    }

    /** The answer, in AdmissionReview terms. */
    public record Verdict(
            boolean allowed,
            int code,
            String reason,
            String message,
            List<String> warnings,
            Map<String, String> auditAnnotations,
            List<Result> results) {}

    private final List<CompiledPolicy> policies;
    private final Map<String, List<PolicyBinding>> bindings = new HashMap<>();

    public PolicyEngine(List<CompiledPolicy> policies, List<PolicyBinding> bindings) {
        this.policies = policies.stream()
                .sorted(Comparator.comparing(CompiledPolicy::name))
                .toList();
        for (PolicyBinding b : bindings.stream()
                .sorted(Comparator.comparing(PolicyBinding::name))
                .toList()) {
            this.bindings
                    .computeIfAbsent(b.policyName(), k -> new ArrayList<>())
                    .add(b);
        }
    }

    /** Kinds of {@code admissionregistration.k8s.io}, in any version, that no admission policy or webhook sees. */
    private static final Set<String> ADMISSION_CONFIGURATION_KINDS = Set.of(
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
            "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding");

    /**
     * The API server never applies admission policies (nor calls webhooks) for the objects that
     * configure admission, so a catch-all policy cannot lock policy authors out
     * (k8s.io/apiserver admission/plugin/webhook/predicates/rules IsExemptAdmissionConfigurationResource,
     * matched on the request's kind).
     */
    public static boolean exemptAdmissionConfiguration(AdmissionRequest.Gvk kind) {
        return kind != null
                && "admissionregistration.k8s.io".equals(kind.group())
                && ADMISSION_CONFIGURATION_KINDS.contains(kind.kind());
    }

    private record Denial(String policy, String binding, String reason, String message) {}

    public Verdict review(AdmissionRequest r, Cluster cluster) {
        if (exemptAdmissionConfiguration(r.kind())) {
            return new Verdict(true, 200, null, null, List.of(), Map.of(), List.of());
        }
        // the namespace is read only when a selector or namespaceObject needs it
        Lazy<Map<String, Object>> namespace = new Lazy<>(
                () -> r.namespace().isEmpty() ? null : r.onNamespace() ? r.object() : cluster.namespace(r.namespace()));
        Lazy<Map<String, String>> namespaceLabels = new Lazy<>(() -> MatchResources.labels(
                r.onNamespace() && r.object() == null ? cluster.namespace(r.namespace()) : namespace.get()));
        List<Denial> denials = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> audit = new LinkedHashMap<>();
        List<Map<String, Object>> auditFailures = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        EquivalentResources equivalents = cluster.equivalents();
        // object, oldObject and request in CEL's terms, made once per version a policy sees, when needed
        Map<MatchResources.Match, Map<String, Object>> inputs = new HashMap<>();
        for (CompiledPolicy p : policies) {
            List<PolicyBinding> bound = bindings.getOrDefault(p.name(), List.of());
            if (bound.isEmpty()) {
                continue;
            }
            MatchResources.Match match;
            try {
                match = p.spec().matchConstraints().match(r, namespaceLabels, equivalents);
            } catch (MatchResources.UnknownKind e) {
                configError(p, null, "failed to configure policy: " + e.getMessage(), denials, results);
                continue;
            }
            if (match == null) {
                continue;
            }
            if (p.configurationError() != null) {
                configError(p, null, "failed to configure policy: " + p.configurationError(), denials, results);
                continue;
            }
            Map<String, Set<String>> annotations = new LinkedHashMap<>();
            for (PolicyBinding b : bound) {
                try {
                    if (b.matchResources() != null
                            && b.matchResources().match(r, namespaceLabels, equivalents) == null) {
                        continue;
                    }
                } catch (MatchResources.UnknownKind e) {
                    configError(p, b, "failed to configure binding: " + e.getMessage(), denials, results);
                    continue;
                }
                if (b.configurationError() != null) {
                    configError(p, b, "failed to configure binding: " + b.configurationError(), denials, results);
                    continue;
                }
                List<Object> params;
                try {
                    params = Params.of(p.spec().paramKind(), b.paramRef(), r, cluster);
                } catch (IllegalArgumentException e) {
                    configError(p, b, "failed to configure binding: " + e.getMessage(), denials, results);
                    continue;
                }
                if (params.isEmpty()) {
                    results.add(
                            new Result(p.name(), b.name(), b.validationActions(), -1, Outcome.skip, "no params found"));
                    continue;
                }
                Map<String, Object> request = inputs.get(match);
                if (request == null) {
                    try {
                        request = Validator.inputs(r.seenAs(match, equivalents));
                    } catch (EquivalentResources.ConversionException e) {
                        configError(
                                p,
                                b,
                                "failed to configure binding: failed to convert object version: " + e.getMessage(),
                                denials,
                                results);
                        continue;
                    }
                    AuthorizerLibrary.bind(request, r, cluster.access());
                    inputs.put(match, request);
                }
                Object namespaceObject = r.onNamespace() || namespace.get() == null
                        ? NullValue.NULL_VALUE
                        : Expressions.toCel(Validator.namespaceObject(namespace.get()));
                for (Object param : params) {
                    List<Validator.Decision> decisions =
                            Validator.validate(p, request, param, namespaceObject, annotations);
                    for (Validator.Decision d : decisions) {
                        results.add(new Result(
                                p.name(),
                                b.name(),
                                b.validationActions(),
                                d.index(),
                                d.deny()
                                        ? (d.error() ? Outcome.error : Outcome.fail)
                                        : d.error() ? Outcome.error : d.index() < 0 ? Outcome.skip : Outcome.pass,
                                d.message()));
                        if (d.deny()) {
                            act(p, b, d, denials, warnings, auditFailures);
                        }
                    }
                }
            }
            annotations.forEach((key, values) -> audit.put(p.name() + "/" + key, String.join(", ", values)));
        }
        if (!auditFailures.isEmpty()) {
            audit.put(VALIDATION_FAILURE_ANNOTATION, Json.write(auditFailures));
        }
        if (denials.isEmpty()) {
            return new Verdict(true, 200, null, null, warnings, audit, results);
        }
        Denial first = denials.get(0);
        String reason = first.reason() == null || first.reason().isEmpty() ? "Invalid" : first.reason();
        String message = (first.binding() == null
                        ? "ValidatingAdmissionPolicy '" + first.policy() + "' denied request: "
                        : "ValidatingAdmissionPolicy '" + first.policy() + "' with binding '" + first.binding()
                                + "' denied request: ")
                + first.message();
        return new Verdict(false, code(reason), reason, forbidden(r) + message, warnings, audit, results);
    }

    /** What a denying decision does: by the binding's actions, or always deny for an audit annotation error. */
    private static void act(
            CompiledPolicy p,
            PolicyBinding b,
            Validator.Decision d,
            List<Denial> denials,
            List<String> warnings,
            List<Map<String, Object>> auditFailures) {
        if (d.index() == AUDIT_ANNOTATION) {
            denials.add(new Denial(p.name(), b.name(), d.reason(), d.message()));
            return;
        }
        for (PolicyBinding.Action a : b.validationActions()) {
            switch (a) {
                case Deny -> denials.add(new Denial(p.name(), b.name(), d.reason(), d.message()));
                case Warn ->
                    warnings.add("Validation failed for ValidatingAdmissionPolicy '" + p.name() + "' with binding '"
                            + b.name() + "': " + d.message());
                case Audit -> {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("message", d.message());
                    f.put("policy", b.policyName());
                    f.put("binding", b.name());
                    f.put("expressionIndex", Math.max(0, d.index()));
                    f.put(
                            "validationActions",
                            b.validationActions().stream().map(Enum::name).toList());
                    auditFailures.add(f);
                }
            }
        }
    }

    private static void configError(
            CompiledPolicy p, PolicyBinding b, String message, List<Denial> denials, List<Result> results) {
        results.add(new Result(
                p.name(),
                b == null ? null : b.name(),
                b == null ? List.of() : b.validationActions(),
                -1,
                Outcome.error,
                message));
        if (p.spec().failurePolicy() == ValidatingPolicy.FailurePolicy.Fail) {
            denials.add(new Denial(p.name(), b == null ? null : b.name(), null, message));
        }
    }

    private static int code(String reason) {
        return switch (reason) {
            case "Forbidden" -> 403;
            case "Unauthorized" -> 401;
            case "RequestEntityTooLarge" -> 413;
            default -> 422;
        };
    }

    /** {@code deployments.apps "web" is forbidden: }, as the API server wraps the denial. */
    private static String forbidden(AdmissionRequest r) {
        String resource = r.resource().resource()
                + (r.resource().group().isEmpty() ? "" : "." + r.resource().group());
        String name = r.name();
        if (name.isEmpty() && r.object() != null && r.object().get("metadata") instanceof Map<?, ?> m) {
            Object n = m.get("name");
            Object g = m.get("generateName");
            name = n instanceof String s && !s.isEmpty() ? s : g instanceof String s2 && !s2.isEmpty() ? s2 : "Unknown";
        }
        if (resource.isEmpty()) {
            return "forbidden: ";
        }
        return name.isEmpty() ? resource + " is forbidden: " : resource + " \"" + name + "\" is forbidden: ";
    }
}

package dev.trimtab.policy.core;

import dev.cel.common.values.NullValue;
import dev.trimtab.kube.LabelSelector;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    private static final int MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;
    private static final int MAX_AUDIT_ANNOTATION_BYTES = 10 * 1024;

    /** What the engine reads from the cluster: namespaces and parameter objects. */
    public interface Cluster {
        /** The Namespace object, or null if there is none. */
        Map<String, Object> namespace(String name);

        /** Whether the parameter kind is namespaced (ConfigMaps are). */
        boolean namespaced(ValidatingPolicy.ParamKind kind);

        /** The parameter objects of this kind in {@code namespace} ("" for cluster-scoped) named {@code name}, or selected. */
        List<Map<String, Object>> params(ValidatingPolicy.ParamKind kind, String namespace, String name, LabelSelector selector);
    }

    /**
     * One result of one policy, binding and validation, for reports; {@code index} is -1 when it is
     * not about one validation, {@link #AUDIT_ANNOTATION} for a failing audit annotation.
     */
    public record Result(String policy, String binding, List<PolicyBinding.Action> actions, int index, Outcome outcome,
                         String message) {}

    public static final int AUDIT_ANNOTATION = Integer.MIN_VALUE;

    public enum Outcome { pass, fail, error, skip }

    /** The answer, in AdmissionReview terms. */
    public record Verdict(boolean allowed, int code, String reason, String message, List<String> warnings,
                          Map<String, String> auditAnnotations, List<Result> results) {}

    private final List<CompiledPolicy> policies;
    private final Map<String, List<PolicyBinding>> bindings = new HashMap<>();

    public PolicyEngine(List<CompiledPolicy> policies, List<PolicyBinding> bindings) {
        this.policies = policies.stream().sorted(Comparator.comparing(CompiledPolicy::name)).toList();
        for (PolicyBinding b : bindings.stream().sorted(Comparator.comparing(PolicyBinding::name)).toList()) {
            this.bindings.computeIfAbsent(b.policyName(), k -> new ArrayList<>()).add(b);
        }
    }

    private record Denial(String policy, String binding, String reason, String message) {}

    private record Decision(boolean deny, boolean error, int index, String reason, String message) {}

    public Verdict review(AdmissionRequest r, Cluster cluster) {
        // the namespace is read only when a selector or namespaceObject needs it
        Lazy<Map<String, Object>> namespace = new Lazy<>(() -> r.namespace().isEmpty() ? null
                : r.onNamespace() ? r.object() : cluster.namespace(r.namespace()));
        Lazy<Map<String, String>> namespaceLabels = new Lazy<>(() -> MatchResources.labels(
                r.onNamespace() && r.object() == null ? cluster.namespace(r.namespace()) : namespace.get()));
        List<Denial> denials = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, String> audit = new LinkedHashMap<>();
        List<Map<String, Object>> auditFailures = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        Map<String, Object> request = null; // object, oldObject and request in CEL's terms, made once if needed
        for (CompiledPolicy p : policies) {
            List<PolicyBinding> bound = bindings.getOrDefault(p.name(), List.of());
            if (bound.isEmpty() || !p.spec().matchConstraints().matches(r, namespaceLabels)) {
                continue;
            }
            Map<String, Set<String>> annotations = new LinkedHashMap<>();
            for (PolicyBinding b : bound) {
                if (b.matchResources() != null && !b.matchResources().matches(r, namespaceLabels)) {
                    continue;
                }
                List<Object> params;
                try {
                    params = params(p, b, r, cluster);
                } catch (IllegalArgumentException e) {
                    configError(p, b, "failed to configure binding: " + e.getMessage(), denials, results);
                    continue;
                }
                if (params.isEmpty()) {
                    results.add(new Result(p.name(), b.name(), b.validationActions(), -1, Outcome.skip, "no params found"));
                    continue;
                }
                Object namespaceObject = r.onNamespace() || namespace.get() == null ? NullValue.NULL_VALUE
                        : Expressions.toCel(namespaceObject(namespace.get()));
                for (Object param : params) {
                    if (request == null) {
                        request = celInputs(r);
                    }
                    List<Decision> decisions = validate(p, request, param, namespaceObject, annotations);
                    for (Decision d : decisions) {
                        results.add(new Result(p.name(), b.name(), b.validationActions(), d.index(),
                                d.deny() ? (d.error() ? Outcome.error : Outcome.fail) : d.error() ? Outcome.error
                                        : d.index() < 0 ? Outcome.skip : Outcome.pass, d.message()));
                        if (!d.deny()) {
                            continue;
                        }
                        if (d.index() == AUDIT_ANNOTATION) { // an audit annotation error: denies whatever the actions
                            denials.add(new Denial(p.name(), b.name(), d.reason(), d.message()));
                            continue;
                        }
                        for (PolicyBinding.Action a : b.validationActions()) {
                            switch (a) {
                                case Deny -> denials.add(new Denial(p.name(), b.name(), d.reason(), d.message()));
                                case Warn -> warnings.add("Validation failed for ValidatingAdmissionPolicy '" + p.name()
                                        + "' with binding '" + b.name() + "': " + d.message());
                                case Audit -> {
                                    Map<String, Object> f = new LinkedHashMap<>();
                                    f.put("message", d.message());
                                    f.put("policy", b.policyName());
                                    f.put("binding", b.name());
                                    f.put("expressionIndex", Math.max(0, d.index()));
                                    f.put("validationActions", b.validationActions().stream().map(Enum::name).toList());
                                    auditFailures.add(f);
                                }
                            }
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
        String message = (first.binding() == null ? "ValidatingAdmissionPolicy '" + first.policy() + "' denied request: "
                : "ValidatingAdmissionPolicy '" + first.policy() + "' with binding '" + first.binding()
                + "' denied request: ") + first.message();
        return new Verdict(false, code(reason), reason, forbidden(r) + message, warnings, audit, results);
    }

    /** A value computed on first use. */
    private static final class Lazy<T> implements java.util.function.Supplier<T> {
        private final java.util.function.Supplier<T> compute;
        private boolean done;
        private T value;

        Lazy(java.util.function.Supplier<T> compute) {
            this.compute = compute;
        }

        @Override
        public T get() {
            if (!done) {
                value = compute.get();
                done = true;
            }
            return value;
        }
    }

    private static void configError(CompiledPolicy p, PolicyBinding b, String message, List<Denial> denials,
                                     List<Result> results) {
        results.add(new Result(p.name(), b == null ? null : b.name(), b == null ? List.of() : b.validationActions(), -1,
                Outcome.error, message));
        if (p.spec().failurePolicy() == ValidatingPolicy.FailurePolicy.Fail) {
            denials.add(new Denial(p.name(), b == null ? null : b.name(), null, message));
        }
    }

    /** The params to evaluate with: [NULL] without paramKind or paramRef; [] to skip the binding. */
    private static List<Object> params(CompiledPolicy p, PolicyBinding b, AdmissionRequest r, Cluster cluster) {
        ValidatingPolicy.ParamKind kind = p.spec().paramKind();
        PolicyBinding.ParamRef ref = b.paramRef();
        if (kind == null || ref == null) {
            return List.of(NullValue.NULL_VALUE);
        }
        String ns = "";
        boolean namespaced = cluster.namespaced(kind);
        String refNs = ref.namespace() == null ? "" : ref.namespace();
        if (namespaced) {
            ns = !refNs.isEmpty() ? refNs : r.onNamespace() ? "" : r.namespace();
            if (ns.isEmpty()) {
                throw new IllegalArgumentException(
                        "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources");
            }
        } else if (!refNs.isEmpty()) {
            throw new IllegalArgumentException("paramRef.namespace must not be provided for a cluster-scoped `paramKind`");
        }
        boolean named = ref.name() != null && !ref.name().isEmpty();
        if (named && ref.selector() != null) {
            throw new IllegalArgumentException("paramRef.name and paramRef.selector are mutually exclusive");
        }
        if (!named && ref.selector() == null) {
            throw new IllegalArgumentException("one of name or selector must be specified");
        }
        List<Map<String, Object>> found = cluster.params(kind, ns, named ? ref.name() : null, ref.selector());
        if (found.isEmpty()) {
            if ("Deny".equals(ref.parameterNotFoundAction())) {
                throw new IllegalArgumentException(
                        "no params found for policy binding with `Deny` parameterNotFoundAction");
            }
            return List.of();
        }
        List<Object> out = new ArrayList<>(found.size());
        for (Map<String, Object> f : found) {
            out.add(Expressions.toCel(f));
        }
        return out;
    }

    /** The namespace fields policies may read (as the API server copies them). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> namespaceObject(Map<String, Object> ns) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        if (ns.get("metadata") instanceof Map<?, ?> m) {
            for (String k : List.of("name", "generateName", "namespace", "uid", "resourceVersion", "generation",
                    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
                    "finalizers")) {
                if (m.containsKey(k)) {
                    meta.put(k, m.get(k));
                }
            }
        }
        out.put("metadata", meta);
        out.put("spec", ns.get("spec") instanceof Map<?, ?> s ? s : Map.of());
        out.put("status", ns.get("status") instanceof Map<?, ?> s ? s : Map.of());
        return out;
    }

    /** One (policy, binding, param): its decisions, in validation order. */
    private static Map<String, Object> celInputs(AdmissionRequest r) {
        Map<String, Object> m = new HashMap<>(4);
        m.put("object", Expressions.toCel(r.object()));
        m.put("oldObject", Expressions.toCel(r.oldObject()));
        m.put("request", Expressions.toCel(r.celRequest()));
        return m;
    }

    private List<Decision> validate(CompiledPolicy p, Map<String, Object> inputs, Object param, Object namespaceObject,
                                    Map<String, Set<String>> annotations) {
        boolean fail = p.spec().failurePolicy() == ValidatingPolicy.FailurePolicy.Fail;
        Map<String, Object> base = new HashMap<>(inputs);
        if (p.spec().paramKind() != null) {
            base.put("params", param);
        }
        // matchConditions: their own budget, no namespaceObject, no variables
        if (!p.matchConditions.isEmpty()) {
            Map<String, Object> vars = new HashMap<>(base);
            vars.put("namespaceObject", NullValue.NULL_VALUE);
            vars.put("variables", Map.of());
            Expressions.Budget budget = new Expressions.Budget(Expressions.MATCH_CONDITIONS_BUDGET);
            List<String> errors = new ArrayList<>();
            for (CompiledPolicy.Variable c : p.matchConditions) {
                try {
                    Object v = Expressions.evaluate(c.expression(), vars, budget);
                    if (!(v instanceof Boolean)) {
                        errors.add("expression '" + c.expression().text() + "' must evaluate to bool");
                    } else if (!(Boolean) v) {
                        return List.of(new Decision(false, false, -1, null, "matchCondition '" + c.name()
                                + "' is false"));
                    }
                } catch (Expressions.Failure e) {
                    errors.add(e.getMessage());
                }
            }
            if (!errors.isEmpty()) {
                String message = errors.size() == 1 ? errors.get(0)
                        : "[" + String.join(", ", new LinkedHashSet<>(errors)) + "]";
                return List.of(new Decision(fail, true, -1, null, message));
            }
        }
        Map<String, Object> vars = new HashMap<>(base);
        vars.put("namespaceObject", namespaceObject);
        Expressions.Budget budget = new Expressions.Budget(Expressions.RUNTIME_BUDGET);
        vars.put("variables", new Variables(p.variables, vars, budget));
        List<Decision> out = new ArrayList<>();
        for (int i = 0; i < p.validations.size(); i++) {
            CompiledPolicy.Check c = p.validations.get(i);
            Object v;
            try {
                v = Expressions.evaluate(c.expression(), vars, budget);
            } catch (Expressions.Failure e) {
                if (e.outOfBudget) {
                    return List.of(new Decision(fail, true, 0, null, e.getMessage()));
                }
                out.add(new Decision(fail, true, i, null, e.getMessage()));
                continue;
            }
            if (!(v instanceof Boolean)) {
                out.add(new Decision(fail, true, i, null, "expression '" + c.expression().text()
                        + "' resulted in error: must evaluate to bool but got " + typeName(v)));
            } else if ((Boolean) v) {
                out.add(new Decision(false, false, i, null, null));
            } else {
                out.add(new Decision(true, false, i, c.spec().reason(), message(c, vars, budget)));
            }
        }
        Expressions.Budget auditBudget = new Expressions.Budget(Expressions.RUNTIME_BUDGET);
        Map<String, Object> auditVars = new HashMap<>(vars);
        auditVars.put("variables", new Variables(p.variables, auditVars, auditBudget));
        for (CompiledPolicy.Annotation a : p.auditAnnotations) {
            try {
                Object v = Expressions.evaluate(a.value(), auditVars, auditBudget);
                if (v instanceof String s && !s.isBlank()) {
                    String value = s.trim();
                    if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_AUDIT_ANNOTATION_BYTES) {
                        value = value.substring(0, Math.min(value.length(), MAX_AUDIT_ANNOTATION_BYTES));
                    }
                    annotations.computeIfAbsent(a.key(), k -> new LinkedHashSet<>()).add(value);
                } else if (!(v instanceof String) && v != NullValue.NULL_VALUE) {
                    out.add(new Decision(true, true, AUDIT_ANNOTATION, null, "valueExpression '" + a.value().text()
                            + "' resulted in unsupported return type: " + typeName(v)
                            + ". Return type must be either string or null."));
                }
            } catch (Expressions.Failure e) {
                if (fail) {
                    out.add(new Decision(true, true, AUDIT_ANNOTATION, null, e.getMessage()));
                }
            }
        }
        return out;
    }

    /** messageExpression's result if it is a usable string, else message, else "failed expression: …". */
    private static String message(CompiledPolicy.Check c, Map<String, Object> vars, Expressions.Budget budget) {
        if (c.message() != null) {
            try {
                Object m = Expressions.evaluate(c.message(), vars, budget);
                if (m instanceof String s) {
                    String trimmed = s.trim();
                    if (!trimmed.isEmpty() && !trimmed.contains("\n")
                            && trimmed.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_MESSAGE_EXPRESSION_BYTES) {
                        return trimmed;
                    }
                }
            } catch (Expressions.Failure e) {
                // the API server only logs a failing messageExpression and falls back
            }
        }
        String message = c.spec().message() == null ? "" : c.spec().message().trim();
        return message.isEmpty() ? "failed expression: " + c.spec().expression().trim() : message;
    }

    private static String typeName(Object v) {
        return v == null ? "null" : v == NullValue.NULL_VALUE ? "null_type" : v.getClass().getSimpleName();
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
        String resource = r.resource().resource() + (r.resource().group().isEmpty() ? "" : "." + r.resource().group());
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

    /**
     * The {@code variables} map: each variable evaluated when first read, once per evaluation pass,
     * charged to the budget of the expression reading it; a failing one fails its readers with
     * the API server's message.
     */
    private static final class Variables extends AbstractMap<String, Object> {
        private final List<CompiledPolicy.Variable> declared;
        private final Map<String, Object> activation;
        private final Expressions.Budget budget;
        private final Map<String, Object> values = new HashMap<>();

        Variables(List<CompiledPolicy.Variable> declared, Map<String, Object> activation, Expressions.Budget budget) {
            this.declared = declared;
            this.activation = activation;
            this.budget = budget;
        }

        @Override
        public boolean containsKey(Object key) {
            return declared.stream().anyMatch(v -> v.name().equals(key));
        }

        @Override
        public Object get(Object key) {
            if (values.containsKey(key)) {
                return values.get(key);
            }
            for (CompiledPolicy.Variable v : declared) {
                if (v.name().equals(key)) {
                    try {
                        Object value = Expressions.evaluate(v.expression(), activation, budget);
                        values.put(v.name(), value);
                        return value;
                    } catch (Expressions.Failure e) {
                        throw new IllegalStateException("composited variable \"" + key + "\" fails to evaluate: "
                                + e.getMessage());
                    }
                }
            }
            return null;
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            Map<String, Object> all = new LinkedHashMap<>();
            for (CompiledPolicy.Variable v : declared) {
                all.put(v.name(), get(v.name()));
            }
            return all.entrySet();
        }
    }
}

package dev.trimtab.policy.core;

import dev.cel.common.values.NullValue;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The API server's validator for one (policy, binding, param): matchConditions on their own
 * budget, lazily evaluated variables, validations with their messages, and audit annotations,
 * each failure or error a {@link Decision} that {@link PolicyEngine} turns into actions.
 */
final class Validator {
    private static final int MAX_MESSAGE_EXPRESSION_BYTES = 5 * 1024;
    private static final int MAX_AUDIT_ANNOTATION_BYTES = 10 * 1024;

    /**
     * One outcome: {@code deny} when the failure (or an error under failurePolicy Fail) counts;
     * {@code index} the validation's, -1 when not about one, {@link PolicyEngine#AUDIT_ANNOTATION}
     * for a failing audit annotation.
     */
    record Decision(boolean deny, boolean error, int index, String reason, String message) {}

    private Validator() {}

    /** The namespace fields policies may read (as the API server copies them). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> namespaceObject(Map<String, Object> ns) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> meta = new LinkedHashMap<>();
        if (ns.get("metadata") instanceof Map<?, ?> m) {
            for (String k : List.of(
                    "name",
                    "generateName",
                    "namespace",
                    "uid",
                    "resourceVersion",
                    "generation",
                    "creationTimestamp",
                    "deletionTimestamp",
                    "deletionGracePeriodSeconds",
                    "labels",
                    "annotations",
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

    /** {@code object}, {@code oldObject} and {@code request} as CEL values, made once per review. */
    static Map<String, Object> inputs(AdmissionRequest r) {
        Map<String, Object> m = new HashMap<>(4);
        m.put("object", Expressions.toCel(r.object()));
        m.put("oldObject", Expressions.toCel(r.oldObject()));
        m.put("request", Expressions.toCel(r.celRequest()));
        return m;
    }

    /**
     * One (policy, binding, param): matchConditions, then validations, then audit annotations (whose
     * values go into {@code annotations}); the decisions in validation order.
     */
    static List<Decision> validate(
            CompiledPolicy p,
            Map<String, Object> inputs,
            Object param,
            Object namespaceObject,
            Map<String, Set<String>> annotations) {
        boolean fail = p.spec().failurePolicy() == ValidatingPolicy.FailurePolicy.Fail;
        Map<String, Object> base = new HashMap<>(inputs);
        if (p.spec().paramKind() != null) {
            base.put("params", param);
        }
        Decision unmatched = matchConditions(p.matchConditions, base, fail);
        if (unmatched != null) {
            return List.of(unmatched);
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
                out.add(new Decision(
                        fail,
                        true,
                        i,
                        null,
                        "expression '" + c.expression().text() + "' resulted in error: must evaluate to bool but got "
                                + typeName(v)));
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
                    if (value.getBytes(StandardCharsets.UTF_8).length > MAX_AUDIT_ANNOTATION_BYTES) {
                        value = value.substring(0, Math.min(value.length(), MAX_AUDIT_ANNOTATION_BYTES));
                    }
                    annotations
                            .computeIfAbsent(a.key(), k -> new LinkedHashSet<>())
                            .add(value);
                } else if (!(v instanceof String) && v != NullValue.NULL_VALUE) {
                    out.add(new Decision(
                            true,
                            true,
                            PolicyEngine.AUDIT_ANNOTATION,
                            null,
                            "valueExpression '" + a.value().text()
                                    + "' resulted in unsupported return type: " + typeName(v)
                                    + ". Return type must be either string or null."));
                }
            } catch (Expressions.Failure e) {
                if (fail) {
                    out.add(new Decision(true, true, PolicyEngine.AUDIT_ANNOTATION, null, e.getMessage()));
                }
            }
        }
        return out;
    }

    /**
     * A policy's matchConditions on their own budget, without namespaceObject or variables: null
     * when all are true; a non-denying decision naming the first false one; or the errors, denying
     * under failurePolicy Fail.
     */
    static Decision matchConditions(List<CompiledPolicy.Variable> conditions, Map<String, Object> base, boolean fail) {
        if (conditions.isEmpty()) {
            return null;
        }
        Map<String, Object> vars = new HashMap<>(base);
        vars.put("namespaceObject", NullValue.NULL_VALUE);
        vars.put("variables", Map.of());
        Expressions.Budget budget = new Expressions.Budget(Expressions.MATCH_CONDITIONS_BUDGET);
        List<String> errors = new ArrayList<>();
        for (CompiledPolicy.Variable c : conditions) {
            try {
                Object v = Expressions.evaluate(c.expression(), vars, budget);
                if (!(v instanceof Boolean)) {
                    errors.add("expression '" + c.expression().text() + "' must evaluate to bool");
                } else if (!(Boolean) v) {
                    return new Decision(false, false, -1, null, "matchCondition '" + c.name() + "' is false");
                }
            } catch (Expressions.Failure e) {
                errors.add(e.getMessage());
            }
        }
        if (errors.isEmpty()) {
            return null;
        }
        String message =
                errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", new LinkedHashSet<>(errors)) + "]";
        return new Decision(fail, true, -1, null, message);
    }

    /** messageExpression's result if it is a usable string, else message, else "failed expression: …". */
    private static String message(CompiledPolicy.Check c, Map<String, Object> vars, Expressions.Budget budget) {
        if (c.message() != null) {
            try {
                Object m = Expressions.evaluate(c.message(), vars, budget);
                if (m instanceof String s) {
                    String trimmed = s.trim();
                    if (!trimmed.isEmpty()
                            && !trimmed.contains("\n")
                            && trimmed.getBytes(StandardCharsets.UTF_8).length <= MAX_MESSAGE_EXPRESSION_BYTES) {
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

    static String typeName(Object v) {
        return v == null
                ? "null"
                : v == NullValue.NULL_VALUE ? "null_type" : v.getClass().getSimpleName();
    }

    /**
     * The {@code variables} map: each variable evaluated when first read, once per evaluation pass,
     * charged to the budget of the expression reading it; a failing one fails its readers with
     * the API server's message.
     */
    static final class Variables extends AbstractMap<String, Object> {
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
                        throw new IllegalStateException(
                                "composited variable \"" + key + "\" fails to evaluate: " + e.getMessage());
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

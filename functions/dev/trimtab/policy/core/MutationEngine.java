package dev.trimtab.policy.core;

import dev.cel.common.values.NullValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutates an admission request's object with MutatingAdmissionPolicies as the API server's
 * MutatingAdmissionPolicy plugin does: policies in name order, each matching (binding, param) an
 * invocation; an invocation's matchConditions decide on the object as mutated so far, then its
 * mutations apply in order, each seeing the result of the one before (JSONPatch through
 * {@link JsonPatch}, a failing {@code test} leaves the object unchanged; ApplyConfiguration through
 * {@link ApplyMerge}). An error skips that mutation and, under failurePolicy Fail, denies the
 * request with the API server's {@code policy 'P' with binding 'B' denied request: …}.
 *
 * <p>Reinvocation: the API server reinvokes the whole mutating chain once when a later mutation
 * changed the object. Here the chain is this engine's policies, so invocations of
 * {@code reinvocationPolicy: IfNeeded} policies that ran before a later change run once more.
 */
public final class MutationEngine {
    /** What mutation did: the final object and the patch to it, or the denial. */
    public record Outcome(
            boolean allowed,
            int code,
            String reason,
            String message,
            Map<String, Object> object,
            List<Map<String, Object>> patch,
            List<Invocation> invocations) {
        public boolean changed() {
            return !patch.isEmpty();
        }
    }

    /** One (policy, binding, param) that ran: whether it changed the object, or its error. */
    public record Invocation(String policy, String binding, boolean changed, String error) {}

    private final List<CompiledMutatingPolicy> policies;
    private final Map<String, List<MutatingBinding>> bindings = new HashMap<>();

    public MutationEngine(List<CompiledMutatingPolicy> policies, List<MutatingBinding> bindings) {
        this.policies = policies.stream()
                .sorted(Comparator.comparing(CompiledMutatingPolicy::name))
                .toList();
        for (MutatingBinding b : bindings.stream()
                .sorted(Comparator.comparing(MutatingBinding::name))
                .toList()) {
            this.bindings
                    .computeIfAbsent(b.policyName(), k -> new ArrayList<>())
                    .add(b);
        }
    }

    public boolean isEmpty() {
        return policies.isEmpty();
    }

    private record Planned(
            CompiledMutatingPolicy policy, MutatingBinding binding, Object param, MatchResources.Match match) {}

    private record Denial(String policy, String binding, String reason, String message) {}

    /** Mutates {@code r}'s object with every binding; {@code remediationOnly}: only bindings that remediate. */
    public Outcome mutate(AdmissionRequest r, PolicyEngine.Cluster cluster, boolean remediationOnly) {
        if (PolicyEngine.exemptAdmissionConfiguration(r.kind())) {
            return new Outcome(true, 200, null, null, r.object(), List.of(), List.of());
        }
        Lazy<Map<String, Object>> namespace = new Lazy<>(
                () -> r.namespace().isEmpty() ? null : r.onNamespace() ? r.object() : cluster.namespace(r.namespace()));
        Lazy<Map<String, String>> namespaceLabels = new Lazy<>(() -> MatchResources.labels(
                r.onNamespace() && r.object() == null ? cluster.namespace(r.namespace()) : namespace.get()));
        List<Denial> denials = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        EquivalentResources equivalents = cluster.equivalents();
        for (CompiledMutatingPolicy p : policies) {
            List<MutatingBinding> bound = bindings.getOrDefault(p.name(), List.of());
            if (bound.isEmpty()) {
                continue;
            }
            MatchResources.Match match;
            try {
                match = p.spec().matchConstraints().match(r, namespaceLabels, equivalents);
            } catch (MatchResources.UnknownKind e) {
                fail(p, null, "Forbidden", "failed to configure policy: " + e.getMessage(), denials);
                continue;
            }
            if (match == null) {
                continue;
            }
            for (MutatingBinding b : bound) {
                try {
                    if ((remediationOnly && !b.remediate())
                            || (b.matchResources() != null
                                    && b.matchResources().match(r, namespaceLabels, equivalents) == null)) {
                        continue;
                    }
                    for (Object param : Params.of(p.spec().paramKind(), b.paramRef(), r, cluster)) {
                        planned.add(new Planned(p, b, param, match));
                    }
                } catch (MatchResources.UnknownKind e) {
                    fail(p, b.name(), "Forbidden", "failed to configure binding: " + e.getMessage(), denials);
                } catch (IllegalArgumentException e) {
                    fail(p, b.name(), "Forbidden", e.getMessage(), denials);
                }
            }
        }
        Object namespaceObject = r.onNamespace() || namespace.get() == null
                ? NullValue.NULL_VALUE
                : Expressions.toCel(Validator.namespaceObject(namespace.get()));
        Map<String, Object> object = r.object() == null ? null : JsonPatch.copy(r.object());
        List<Invocation> invocations = new ArrayList<>();
        List<Planned> ifNeeded = new ArrayList<>();
        boolean reinvocationNeeded = false;
        for (Planned p : planned) {
            Map<String, Object> before = object;
            object = invoke(p, r, object, namespaceObject, cluster.access(), equivalents, denials, invocations);
            reinvocationNeeded |= before != object && !ifNeeded.isEmpty();
            if (p.policy().spec().reinvocationPolicy() == MutatingPolicy.Reinvocation.IfNeeded) {
                ifNeeded.add(p);
            }
        }
        if (reinvocationNeeded) {
            for (Planned p : ifNeeded) {
                object = invoke(p, r, object, namespaceObject, cluster.access(), equivalents, denials, invocations);
            }
        }
        if (!denials.isEmpty()) {
            Denial d = denials.get(0);
            String message =
                    "policy '" + d.policy() + (d.binding() == null ? "'" : "' with binding '" + d.binding() + "'")
                            + " denied request: " + d.message();
            return new Outcome(false, 403, d.reason(), message, r.object(), List.of(), invocations);
        }
        List<Map<String, Object>> patch = r.object() == null ? List.of() : JsonPatch.diff(r.object(), object);
        return new Outcome(true, 200, null, null, object, patch, invocations);
    }

    /**
     * One invocation on {@code object}: the object it leaves (the same instance when unchanged). The
     * policy works on the object in the version it matched, converted there and back.
     */
    private static Map<String, Object> invoke(
            Planned p,
            AdmissionRequest r,
            Map<String, Object> given,
            Object namespaceObject,
            AccessChecker access,
            EquivalentResources equivalents,
            List<Denial> denials,
            List<Invocation> invocations) {
        if (given == null) {
            return null; // no object (DELETE): the API server does not call patchers
        }
        CompiledMutatingPolicy policy = p.policy();
        boolean fail = policy.spec().failurePolicy() == ValidatingPolicy.FailurePolicy.Fail;
        AdmissionRequest seen;
        try {
            seen = r.withObject(given).seenAs(p.match(), equivalents);
        } catch (EquivalentResources.ConversionException e) {
            String message = "failed to convert object version: " + e.getMessage();
            invocations.add(new Invocation(policy.name(), p.binding().name(), false, message));
            fail(policy, p.binding().name(), "Forbidden", message, denials);
            return given;
        }
        Map<String, Object> object = seen.object();
        Map<String, Object> base = Validator.inputs(seen);
        AuthorizerLibrary.bind(base, r, access);
        if (policy.spec().paramKind() != null) {
            base.put("params", p.param());
        }
        Validator.Decision unmatched = Validator.matchConditions(policy.matchConditions, base, fail);
        if (unmatched != null) {
            if (unmatched.error()) {
                invocations.add(new Invocation(policy.name(), p.binding().name(), false, unmatched.message()));
                if (fail) {
                    fail(policy, p.binding().name(), "Invalid", unmatched.message(), denials);
                }
            }
            return given;
        }
        Map<String, Object> start = object;
        for (int i = 0; i < policy.mutations.size(); i++) {
            try {
                object = mutateOnce(policy, i, base, namespaceObject, object);
                base.put("object", Expressions.toCel(object));
            } catch (Expressions.Failure | JsonPatch.PatchException | IllegalArgumentException e) {
                String message =
                        e instanceof JsonPatch.PatchException ? "JSONPatch: " + e.getMessage() : e.getMessage();
                invocations.add(new Invocation(policy.name(), p.binding().name(), false, message));
                if (fail) {
                    fail(policy, p.binding().name(), "Invalid", message, denials);
                }
            }
        }
        boolean changed = !JsonPatch.same(start, object);
        invocations.add(new Invocation(policy.name(), p.binding().name(), changed, null));
        return changed ? equivalents.convert(object, seen.resource(), seen.kind(), r.resource(), r.kind()) : given;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> mutateOnce(
            CompiledMutatingPolicy policy,
            int index,
            Map<String, Object> base,
            Object namespaceObject,
            Map<String, Object> object)
            throws Expressions.Failure, JsonPatch.PatchException {
        Map<String, Object> vars = new HashMap<>(base);
        vars.put("namespaceObject", namespaceObject);
        Expressions.Budget budget = new Expressions.Budget(Expressions.RUNTIME_BUDGET);
        vars.put("variables", new Validator.Variables(policy.variables, vars, budget));
        Expressions.Compiled c = policy.mutations.get(index);
        Object result = Expressions.fromCel(Expressions.evaluate(c, vars, budget));
        if (policy.spec().mutations().get(index).patchType() == MutatingPolicy.PatchType.ApplyConfiguration) {
            if (!(result instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(
                        "type mismatch: ApplyConfiguration expression should evaluate to an Object, got "
                                + Validator.typeName(result));
            }
            return (Map<String, Object>) ApplyMerge.merge(object, m);
        }
        if (!(result instanceof List<?> ops)) {
            throw new IllegalArgumentException("type mismatch: JSONPatchType.expression should evaluate to array, got "
                    + Validator.typeName(result));
        }
        List<Map<String, Object>> patch = new ArrayList<>();
        for (Object op : ops) {
            if (!(op instanceof Map<?, ?> m)
                    || !(m.get("op") instanceof String)
                    || !(m.get("path") instanceof String)) {
                throw new IllegalArgumentException(
                        "type mismatch: JSONPatchType.expression should evaluate to array of "
                                + "JSONPatch with op and path, got " + op);
            }
            patch.add((Map<String, Object>) m);
        }
        try {
            return JsonPatch.apply(object, patch);
        } catch (JsonPatch.TestFailed e) {
            return object;
        }
    }

    private static void fail(
            CompiledMutatingPolicy p, String binding, String reason, String message, List<Denial> denials) {
        if (p.spec().failurePolicy() == ValidatingPolicy.FailurePolicy.Fail) {
            denials.add(new Denial(p.name(), binding, reason, message));
        }
    }
}

package dev.trimtab.policy.core;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A policy whose expressions all compiled, ready to evaluate. {@link #compile} reports every
 * problem at once, each with its field path and the CEL error position; a policy that does not
 * compile is never half-used.
 *
 * <p>Validation and match-condition results must be {@code bool}; {@code dyn} is accepted at
 * compile time and checked when evaluated, because {@code variables.x} is {@code dyn} here (the
 * API server types each variable; see docs/decisions/0008).
 */
public final class CompiledPolicy {
    private static final Set<CelType> BOOL = Set.of(SimpleType.BOOL, SimpleType.DYN);
    private static final Set<CelType> STRING = Set.of(SimpleType.STRING, SimpleType.DYN);
    private static final Set<CelType> STRING_OR_NULL = Set.of(SimpleType.STRING, SimpleType.NULL_TYPE, SimpleType.DYN);

    record Variable(String name, Expressions.Compiled expression) {}

    record Check(ValidatingPolicy.Validation spec, Expressions.Compiled expression, Expressions.Compiled message) {}

    record Annotation(String key, Expressions.Compiled value) {}

    final ValidatingPolicy spec;
    final List<Variable> matchConditions;
    final List<Variable> variables;
    final List<Check> validations;
    final List<Annotation> auditAnnotations;

    private CompiledPolicy(ValidatingPolicy spec, List<Variable> matchConditions, List<Variable> variables,
                           List<Check> validations, List<Annotation> auditAnnotations) {
        this.spec = spec;
        this.matchConditions = matchConditions;
        this.variables = variables;
        this.validations = validations;
        this.auditAnnotations = auditAnnotations;
    }

    public ValidatingPolicy spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** @throws InvalidPolicyException naming the policy and every field that does not compile */
    public static CompiledPolicy compile(ValidatingPolicy p) throws InvalidPolicyException {
        List<String> problems = new ArrayList<>();
        boolean params = p.paramKind() != null;
        List<Variable> conditions = new ArrayList<>();
        for (int i = 0; i < p.matchConditions().size(); i++) {
            ValidatingPolicy.Named c = p.matchConditions().get(i);
            conditions.add(new Variable(c.name(), Expressions.compile(params, "spec.matchConditions[" + i + "].expression",
                    c.expression(), BOOL, problems)));
        }
        List<Variable> variables = new ArrayList<>();
        for (int i = 0; i < p.variables().size(); i++) {
            ValidatingPolicy.Named v = p.variables().get(i);
            variables.add(new Variable(v.name(), Expressions.compile(params, "spec.variables[" + i + "].expression",
                    v.expression(), null, problems)));
        }
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < p.validations().size(); i++) {
            ValidatingPolicy.Validation v = p.validations().get(i);
            String path = "spec.validations[" + i + "]";
            Expressions.Compiled message = v.messageExpression() == null || v.messageExpression().isEmpty() ? null
                    : Expressions.compile(params, path + ".messageExpression", v.messageExpression(), STRING, problems);
            checks.add(new Check(v, Expressions.compile(params, path + ".expression", v.expression(), BOOL, problems),
                    message));
        }
        List<Annotation> annotations = new ArrayList<>();
        for (int i = 0; i < p.auditAnnotations().size(); i++) {
            ValidatingPolicy.AuditAnnotation a = p.auditAnnotations().get(i);
            annotations.add(new Annotation(a.key(), Expressions.compile(params,
                    "spec.auditAnnotations[" + i + "].valueExpression", a.valueExpression(), STRING_OR_NULL, problems)));
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException(p.name(), problems);
        }
        return new CompiledPolicy(p, conditions, variables, checks, annotations);
    }
}

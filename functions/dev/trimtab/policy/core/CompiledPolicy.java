package dev.trimtab.policy.core;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A policy ready to evaluate. {@link #compile} reports every problem at once, each with its field
 * path and the CEL error position ({@link #problems}), and keeps the policy: as in the API server,
 * an expression that does not compile fails each of its evaluations with {@code compilation error:
 * …}, which the policy's failurePolicy turns into a denial (Fail) or skips (Ignore). A policy that
 * cannot be read far enough to be compiled at all, but whose name, failurePolicy and
 * matchConstraints are known, is kept as {@link #misconfigured}: every request it matches gets
 * {@code failed to configure policy: …} under its failurePolicy (docs/decisions/0017).
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
    private final List<String> problems;
    private final String configurationError;

    private CompiledPolicy(
            ValidatingPolicy spec,
            List<Variable> matchConditions,
            List<Variable> variables,
            List<Check> validations,
            List<Annotation> auditAnnotations,
            List<String> problems,
            String configurationError) {
        this.spec = spec;
        this.matchConditions = matchConditions;
        this.variables = variables;
        this.validations = validations;
        this.auditAnnotations = auditAnnotations;
        this.problems = List.copyOf(problems);
        this.configurationError = configurationError;
    }

    /**
     * A policy that could not be read beyond its name, failurePolicy, paramKind and
     * matchConstraints ({@code scope}): it evaluates nothing, and each request it matches gets
     * {@code failed to configure policy: error} under its failurePolicy.
     */
    public static CompiledPolicy misconfigured(ValidatingPolicy scope, String error) {
        return new CompiledPolicy(scope, List.of(), List.of(), List.of(), List.of(), List.of(error), error);
    }

    /** What did not compile or could not be read, each {@code path: problem}; empty for a sound policy. */
    public List<String> problems() {
        return problems;
    }

    /** Why the policy cannot be evaluated at all, or null. */
    public String configurationError() {
        return configurationError;
    }

    public ValidatingPolicy spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** Compiles every expression; those that do not compile are kept as failing ones and listed in {@link #problems}. */
    public static CompiledPolicy compile(ValidatingPolicy p) {
        List<String> problems = new ArrayList<>();
        boolean params = p.paramKind() != null;
        List<Variable> conditions = new ArrayList<>();
        for (int i = 0; i < p.matchConditions().size(); i++) {
            ValidatingPolicy.Named c = p.matchConditions().get(i);
            conditions.add(new Variable(
                    c.name(),
                    Expressions.compile(
                            params, "spec.matchConditions[" + i + "].expression", c.expression(), BOOL, problems)));
        }
        List<Variable> variables = new ArrayList<>();
        for (int i = 0; i < p.variables().size(); i++) {
            ValidatingPolicy.Named v = p.variables().get(i);
            variables.add(new Variable(
                    v.name(),
                    Expressions.compile(
                            params, "spec.variables[" + i + "].expression", v.expression(), null, problems)));
        }
        List<Check> checks = new ArrayList<>();
        for (int i = 0; i < p.validations().size(); i++) {
            ValidatingPolicy.Validation v = p.validations().get(i);
            String path = "spec.validations[" + i + "]";
            Expressions.Compiled message = v.messageExpression() == null
                            || v.messageExpression().isEmpty()
                    ? null
                    : Expressions.compile(params, path + ".messageExpression", v.messageExpression(), STRING, problems);
            checks.add(new Check(
                    v, Expressions.compile(params, path + ".expression", v.expression(), BOOL, problems), message));
        }
        List<Annotation> annotations = new ArrayList<>();
        for (int i = 0; i < p.auditAnnotations().size(); i++) {
            ValidatingPolicy.AuditAnnotation a = p.auditAnnotations().get(i);
            annotations.add(new Annotation(
                    a.key(),
                    Expressions.compile(
                            params,
                            "spec.auditAnnotations[" + i + "].valueExpression",
                            a.valueExpression(),
                            STRING_OR_NULL,
                            problems)));
        }
        return new CompiledPolicy(p, conditions, variables, checks, annotations, problems, null);
    }
}

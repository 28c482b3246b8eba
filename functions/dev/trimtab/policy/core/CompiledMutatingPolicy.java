package dev.trimtab.policy.core;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A MutatingAdmissionPolicy ready to evaluate. A JSONPatch mutation must evaluate to a list (of
 * {@code JSONPatch} literals), an ApplyConfiguration one to an {@code Object} literal; both literal
 * kinds are maps here ({@link MutationLiterals}). Every problem is reported at once with its field
 * path and CEL position ({@link #problems}); as in the API server, an expression that does not
 * compile is kept and fails each evaluation, so the failurePolicy decides (docs/decisions/0017).
 */
public final class CompiledMutatingPolicy {
    final MutatingPolicy spec;
    final List<CompiledPolicy.Variable> matchConditions;
    final List<CompiledPolicy.Variable> variables;
    final List<Expressions.Compiled> mutations;
    private final List<String> problems;

    private CompiledMutatingPolicy(
            MutatingPolicy spec,
            List<CompiledPolicy.Variable> matchConditions,
            List<CompiledPolicy.Variable> variables,
            List<Expressions.Compiled> mutations,
            List<String> problems) {
        this.spec = spec;
        this.matchConditions = matchConditions;
        this.variables = variables;
        this.mutations = mutations;
        this.problems = List.copyOf(problems);
    }

    /** What did not compile, each {@code path: problem}; empty for a sound policy. */
    public List<String> problems() {
        return problems;
    }

    public MutatingPolicy spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** Compiles every expression; those that do not compile are kept as failing ones and listed in {@link #problems}. */
    public static CompiledMutatingPolicy compile(MutatingPolicy p) {
        List<String> problems = new ArrayList<>();
        boolean params = p.paramKind() != null;
        List<CompiledPolicy.Variable> conditions = new ArrayList<>();
        for (int i = 0; i < p.matchConditions().size(); i++) {
            ValidatingPolicy.Named c = p.matchConditions().get(i);
            conditions.add(new CompiledPolicy.Variable(
                    c.name(),
                    Expressions.compile(
                            params,
                            "spec.matchConditions[" + i + "].expression",
                            c.expression(),
                            Set.of(SimpleType.BOOL, SimpleType.DYN),
                            problems)));
        }
        List<CompiledPolicy.Variable> variables = new ArrayList<>();
        for (int i = 0; i < p.variables().size(); i++) {
            ValidatingPolicy.Named v = p.variables().get(i);
            variables.add(new CompiledPolicy.Variable(
                    v.name(),
                    Expressions.compile(
                            params, "spec.variables[" + i + "].expression", v.expression(), null, problems)));
        }
        List<Expressions.Compiled> mutations = new ArrayList<>();
        for (int i = 0; i < p.mutations().size(); i++) {
            MutatingPolicy.Mutation m = p.mutations().get(i);
            boolean patch = m.patchType() == MutatingPolicy.PatchType.JSONPatch;
            String path = "spec.mutations[" + i + "]." + (patch ? "jsonPatch" : "applyConfiguration") + ".expression";
            mutations.add(Expressions.compileMutation(
                    params, path, m.expression(), patch ? CelKind.LIST : CelKind.MAP, problems));
        }
        return new CompiledMutatingPolicy(p, conditions, variables, mutations, problems);
    }
}

package dev.trimtab.policy.core;

import dev.cel.common.types.CelKind;
import dev.cel.common.types.SimpleType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A MutatingAdmissionPolicy whose expressions all compiled. A JSONPatch mutation must evaluate to
 * a list (of {@code JSONPatch} literals), an ApplyConfiguration one to an {@code Object} literal;
 * both literal kinds are maps here ({@link MutationLiterals}). Every problem is reported at once
 * with its field path and CEL position.
 */
public final class CompiledMutatingPolicy {
    final MutatingPolicy spec;
    final List<CompiledPolicy.Variable> matchConditions;
    final List<CompiledPolicy.Variable> variables;
    final List<Expressions.Compiled> mutations;

    private CompiledMutatingPolicy(MutatingPolicy spec, List<CompiledPolicy.Variable> matchConditions,
                                   List<CompiledPolicy.Variable> variables, List<Expressions.Compiled> mutations) {
        this.spec = spec;
        this.matchConditions = matchConditions;
        this.variables = variables;
        this.mutations = mutations;
    }

    public MutatingPolicy spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    /** @throws InvalidPolicyException naming the policy and every field that does not compile */
    public static CompiledMutatingPolicy compile(MutatingPolicy p) throws InvalidPolicyException {
        List<String> problems = new ArrayList<>();
        boolean params = p.paramKind() != null;
        List<CompiledPolicy.Variable> conditions = new ArrayList<>();
        for (int i = 0; i < p.matchConditions().size(); i++) {
            ValidatingPolicy.Named c = p.matchConditions().get(i);
            conditions.add(new CompiledPolicy.Variable(c.name(), Expressions.compile(params,
                    "spec.matchConditions[" + i + "].expression", c.expression(),
                    Set.of(SimpleType.BOOL, SimpleType.DYN), problems)));
        }
        List<CompiledPolicy.Variable> variables = new ArrayList<>();
        for (int i = 0; i < p.variables().size(); i++) {
            ValidatingPolicy.Named v = p.variables().get(i);
            variables.add(new CompiledPolicy.Variable(v.name(), Expressions.compile(params,
                    "spec.variables[" + i + "].expression", v.expression(), null, problems)));
        }
        List<Expressions.Compiled> mutations = new ArrayList<>();
        for (int i = 0; i < p.mutations().size(); i++) {
            MutatingPolicy.Mutation m = p.mutations().get(i);
            boolean patch = m.patchType() == MutatingPolicy.PatchType.JSONPatch;
            String path = "spec.mutations[" + i + "]." + (patch ? "jsonPatch" : "applyConfiguration") + ".expression";
            mutations.add(Expressions.compileMutation(params, path, m.expression(), patch ? CelKind.LIST : CelKind.MAP,
                    problems));
        }
        if (!problems.isEmpty()) {
            throw new InvalidPolicyException("MutatingAdmissionPolicy", p.name(), problems);
        }
        return new CompiledMutatingPolicy(p, conditions, variables, mutations);
    }
}

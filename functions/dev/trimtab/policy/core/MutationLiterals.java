package dev.trimtab.policy.core;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelMutableAst;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelMutableExpr;
import dev.cel.common.navigation.CelNavigableMutableAst;
import dev.cel.common.navigation.CelNavigableMutableExpr;
import dev.cel.common.navigation.TraversalOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The typed literals of MutatingAdmissionPolicy expressions, {@code JSONPatch{op: 'add', path:
 * '/x', value: 1}} and {@code Object{spec: Object.spec{replicas: 3}}}, turned into CEL map
 * literals ({@code {'op': 'add', ...}}) on the parsed expression, before type checking.
 *
 * <p>The API server declares these as object types (cel-go's {@code ObjectVal}); cel-java only
 * constructs protobuf messages. Maps keep what the API server does with the result, a JSON
 * value, and keep CEL's integers integers (a protobuf {@code Value} would make them doubles).
 * What is lost is the check that an {@code Object} field exists on the kind: the API server
 * checks only that type names match field paths ({@code Object.spec{selector:
 * Object.spec.wrong{}}} is an error), which is checked here at compile time.
 */
final class MutationLiterals {
    static final String JSON_PATCH = "JSONPatch";
    static final String OBJECT = "Object";
    private static final Set<String> JSON_PATCH_FIELDS = Set.of("op", "path", "from", "value");

    private MutationLiterals() {}

    /** The parsed {@code ast} with every JSONPatch and Object literal a map; problems are added as {@code path: …}. */
    static CelAbstractSyntaxTree rewrite(CelAbstractSyntaxTree ast, String path, List<String> problems) {
        CelMutableAst mutable = CelMutableAst.fromCelAst(ast);
        List<CelNavigableMutableExpr> nodes = CelNavigableMutableAst.fromAst(mutable)
                .getRoot()
                .allNodes(TraversalOrder.PRE_ORDER)
                .toList();
        long nextId = nodes.stream().mapToLong(n -> n.expr().id()).max().orElse(0) + 1;
        for (CelNavigableMutableExpr node : nodes) {
            CelMutableExpr e = node.expr();
            if (e.getKind() != CelExpr.ExprKind.Kind.STRUCT) {
                continue;
            }
            String type = e.struct().messageName();
            boolean patch = type.equals(JSON_PATCH);
            if (!patch && !type.equals(OBJECT) && !type.startsWith(OBJECT + ".")) {
                problems.add(
                        path + ": undeclared type '" + type + "': only JSONPatch and Object literals can be built");
                continue;
            }
            List<CelMutableExpr.CelMutableMap.Entry> entries = new ArrayList<>();
            for (CelMutableExpr.CelMutableStruct.Entry f : e.struct().entries()) {
                if (patch && !JSON_PATCH_FIELDS.contains(f.fieldKey())) {
                    problems.add(
                            path + ": undefined field '" + f.fieldKey() + "' of JSONPatch (op, path, from, value)");
                }
                CelMutableExpr value = f.value();
                if (!patch
                        && value.getKind() == CelExpr.ExprKind.Kind.STRUCT
                        && value.struct().messageName().startsWith(OBJECT)
                        && !value.struct().messageName().equals(type + "." + f.fieldKey())) {
                    problems.add(
                            path + ": type mismatch: field '" + f.fieldKey() + "' of " + type + " is initialized with "
                                    + value.struct().messageName() + ", expected " + type + "." + f.fieldKey());
                }
                entries.add(CelMutableExpr.CelMutableMap.Entry.create(
                        f.id(),
                        CelMutableExpr.ofConstant(nextId++, CelConstant.ofValue(f.fieldKey())),
                        value,
                        f.optionalEntry()));
            }
            e.setMap(CelMutableExpr.CelMutableMap.create(entries));
        }
        return mutable.toParsedAst();
    }
}

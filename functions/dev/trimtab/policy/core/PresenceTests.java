package dev.trimtab.policy.core;

import dev.cel.bundle.CelBuilder;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelMutableAst;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelMutableExpr;
import dev.cel.common.navigation.CelNavigableMutableAst;
import dev.cel.common.navigation.CelNavigableMutableExpr;
import dev.cel.common.navigation.TraversalOrder;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;
import java.util.Map;

/**
 * {@code has(x.f)} as cel-go answers it, which the API server uses: on a map, whether the key is
 * there; on a value that is neither a map nor a list (null above all: {@code params} without a
 * {@code paramRef}, {@code oldObject} on CREATE, a JSON null), false instead of cel-java's "no such
 * key" error (cel-go interpreter/attributes.go refQualify: a presence test on another type is not
 * present); on a list, an error. The parsed expression's presence tests become calls of a
 * function no expression can name; an expression is type-checked as written first, so its
 * compilation errors stay the API server's.
 */
final class PresenceTests {
    /** Not an identifier, so no expression can call it. */
    static final String FUNCTION = "@trimtab_has_field";

    private static final String OVERLOAD = "presence_test_dyn_string";

    private PresenceTests() {}

    static void addTo(CelBuilder b) {
        b.addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration(
                FUNCTION,
                CelOverloadDecl.newGlobalOverload(OVERLOAD, SimpleType.BOOL, SimpleType.DYN, SimpleType.STRING)));
        b.addFunctionBindings(CelFunctionBinding.from(OVERLOAD, Object.class, String.class, PresenceTests::present));
    }

    static boolean present(Object operand, String field) throws CelEvaluationException {
        if (operand instanceof Map<?, ?> m) {
            return m.containsKey(field);
        }
        if (operand instanceof List<?>) {
            throw new CelEvaluationException("unsupported index type 'string' in list");
        }
        return false;
    }

    /** Whether the parsed expression has a presence test to rewrite. */
    static boolean any(CelAbstractSyntaxTree parsed) {
        return CelNavigableMutableAst.fromAst(CelMutableAst.fromCelAst(parsed))
                .getRoot()
                .allNodes(TraversalOrder.PRE_ORDER)
                .anyMatch(PresenceTests::isPresenceTest);
    }

    /** The parsed expression with every {@code has(x.f)} a call {@code FUNCTION(x, "f")}, same node ids. */
    static CelAbstractSyntaxTree rewrite(CelAbstractSyntaxTree parsed) {
        CelMutableAst mutable = CelMutableAst.fromCelAst(parsed);
        List<CelNavigableMutableExpr> nodes = CelNavigableMutableAst.fromAst(mutable)
                .getRoot()
                .allNodes(TraversalOrder.PRE_ORDER)
                .toList();
        long nextId = nodes.stream().mapToLong(n -> n.expr().id()).max().orElse(0) + 1;
        for (CelNavigableMutableExpr node : nodes) {
            if (!isPresenceTest(node)) {
                continue;
            }
            CelMutableExpr e = node.expr();
            CelMutableExpr.CelMutableSelect select = e.select();
            CelMutableExpr operand = select.operand();
            CelMutableExpr field = CelMutableExpr.ofConstant(nextId++, CelConstant.ofValue(select.field()));
            e.setCall(CelMutableExpr.CelMutableCall.create(FUNCTION, operand, field));
        }
        return mutable.toParsedAst();
    }

    private static boolean isPresenceTest(CelNavigableMutableExpr node) {
        return node.expr().getKind() == CelExpr.ExprKind.Kind.SELECT
                && node.expr().select().testOnly();
    }
}

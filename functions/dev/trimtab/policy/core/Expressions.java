package dev.trimtab.policy.core;

import com.google.common.primitives.UnsignedLong;
import com.google.protobuf.ByteString;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.checker.CelStandardDeclarations;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.CelValidationResult;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.types.CelKind;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelFunctionOverload;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelStandardFunctions;
import dev.cel.runtime.CelUnknownSet;
import dev.cel.runtime.ConcatenatedListView;
import dev.cel.runtime.RuntimeEquality;
import dev.cel.runtime.RuntimeHelpers;
import dev.cel.runtime.standard.AddOperator;
import dev.cel.runtime.standard.CelStandardOverload;
import dev.cel.runtime.standard.ContainsFunction;
import dev.cel.runtime.standard.EndsWithFunction;
import dev.cel.runtime.standard.InOperator;
import dev.cel.runtime.standard.MatchesFunction;
import dev.cel.runtime.standard.StartsWithFunction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CEL as the API server runs it for admission policies: the variables {@code object},
 * {@code oldObject}, {@code request}, {@code namespaceObject}, {@code variables} and, when the
 * policy has a {@code paramKind}, {@code params}; the standard macros, the strings, sets,
 * optional and two-variable comprehension extensions, cross-type numeric comparisons and the
 * Kubernetes list and regex functions ({@link KubernetesLibrary}); and the API server's cost
 * limits. cel-java has no cost model of its own: cost is counted as evaluated expression nodes,
 * plus, as cel-go's runtime cost model, sizes where work grows with them: concatenation by the
 * elements copied and {@code in} a list by its size (charged before they run, so a doubling list
 * or string is stopped before it exhausts memory; see {@link #metered}), and functions that make
 * strings by their length. A comprehension's iterations are nodes, so nested comprehensions are bounded too.
 */
public final class Expressions {
    /** The API server's limit for one expression evaluation. */
    public static final long PER_CALL_LIMIT = 1_000_000;
    /** The budget of one (policy, binding, param) evaluation: validations and message expressions. */
    public static final long RUNTIME_BUDGET = 10_000_000;
    /** The budget of a policy's matchConditions. */
    public static final long MATCH_CONDITIONS_BUDGET = 2_500_000;

    static final String OUT_OF_BUDGET =
            "validation failed due to running out of cost budget, no further validation rules will be run";

    private static final CelOptions OPTIONS = CelOptions.current()
            .enableHeterogeneousNumericComparisons(true)
            .maxExpressionCodePointSize(100_000)
            .build();
    /** cel-go's {@code common.StringTraversalCostFactor}: a traversed or copied element costs a tenth. */
    private static final double TRAVERSAL_FACTOR = 0.1;
    /** cel-go's {@code common.RegexStringLengthCostFactor}. */
    private static final double REGEX_FACTOR = 0.25;
    /**
     * The standard overloads replaced by {@link #metered}, those whose work grows with their
     * arguments' sizes, with their cost: cel-go's ({@code interpreter/runtimecost.go}), except
     * list concatenation (see {@link #metered}).
     */
    private static final Map<CelStandardOverload, ToLongFunction<Object[]>> SIZED = Map.of(
            AddOperator.AddOverload.ADD_LIST,
                    a -> a[0] instanceof ConcatenatedListView<?> ? size(a[1]) : size(a[0]) + size(a[1]),
            AddOperator.AddOverload.ADD_STRING, a -> traversal(size(a[0]) + size(a[1])),
            AddOperator.AddOverload.ADD_BYTES, a -> traversal(size(a[0]) + size(a[1])),
            InOperator.InOverload.IN_LIST, a -> size(a[1]),
            ContainsFunction.ContainsOverload.CONTAINS_STRING, a -> traversal(size(a[0])) * traversal(size(a[1])),
            StartsWithFunction.StartsWithOverload.STARTS_WITH_STRING, a -> traversal(size(a[0])),
            EndsWithFunction.EndsWithOverload.ENDS_WITH_STRING, a -> traversal(size(a[0])),
            MatchesFunction.MatchesOverload.MATCHES, Expressions::regexCost,
            MatchesFunction.MatchesOverload.MATCHES_STRING, Expressions::regexCost);
    /** The functions whose cost {@link #metered} charges before they run; the listener does not charge their results. */
    private static final Set<String> CHARGED_BEFORE = Set.of("_+_", "@in");
    /** The cost meter of the evaluation running on this thread (variables nest: each has its own). */
    private static final ThreadLocal<Meter> METER = new ThreadLocal<>();

    private static final Cel WITHOUT_PARAMS = environment(false);
    private static final Cel WITH_PARAMS = environment(true);
    /** The source name in compilation errors, as cel-go names an expression without one. */
    private static final String INPUT = "<input>";

    private static final Pattern POSITION = Pattern.compile("^evaluation error(?: at [^:]*:\\d+)?: ");
    private static final Pattern NO_SUCH_KEY = Pattern.compile("key '(.*)' is not present in map\\.?"
            + "|Error resolving field '(.*)'\\. Field selections must be performed on messages or maps\\.");

    private Expressions() {}

    private static Cel environment(boolean params) {
        var b = CelFactory.standardCelBuilder()
                .setOptions(OPTIONS)
                .setStandardEnvironmentEnabled(false)
                .setStandardDeclarations(CelStandardDeclarations.newBuilder().build())
                .setStandardFunctions(CelStandardFunctions.newBuilder()
                        .filterFunctions((function, overload) -> !SIZED.containsKey(overload))
                        .build())
                .addFunctionBindings(metered())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("object", SimpleType.DYN)
                .addVar("oldObject", SimpleType.DYN)
                .addVar("request", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("namespaceObject", SimpleType.DYN)
                .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addCompilerLibraries(
                        CelExtensions.strings(),
                        CelExtensions.sets(OPTIONS),
                        CelExtensions.optional(),
                        CelExtensions.comprehensions())
                .addRuntimeLibraries(
                        CelExtensions.strings(),
                        CelExtensions.sets(OPTIONS),
                        CelExtensions.optional(),
                        CelExtensions.comprehensions());
        KubernetesLibrary.addTo(b);
        PresenceTests.addTo(b);
        if (params) {
            b.addVar("params", SimpleType.DYN);
        }
        return b.build();
    }

    /**
     * A compiled expression: where it came from, its text and its program; or, when it did not
     * compile, no program and the API server's compilation error ({@code compilation failed:
     * ERROR: <input>:1:5: …} or {@code must evaluate to bool but got int}), which every evaluation
     * reports as {@code compilation error: …}, so the policy's failurePolicy decides (as the API
     * server keeps such a policy and fails each of its evaluations).
     */
    public record Compiled(String path, String text, CelRuntime.Program program, String error) {
        static Compiled failed(String path, String text, String error) {
            return new Compiled(path, text, null, error);
        }
    }

    /**
     * Compiles {@code text}; on failure adds {@code "path: message"} problems (with the CEL error
     * positions) and returns a {@link Compiled} that fails each evaluation. The result must have
     * one of the {@code allowed} types.
     */
    static Compiled compile(boolean params, String path, String text, Set<CelType> allowed, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(path + ": an expression is required");
            return Compiled.failed(path, text, "compilation failed: an expression is required");
        }
        Cel cel = params ? WITH_PARAMS : WITHOUT_PARAMS;
        CelValidationResult parsed = cel.parse(text, INPUT);
        if (parsed.hasError()) {
            return program(cel, parsed, path, text, allowed, problems);
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = parsed.getAst();
        } catch (CelValidationException e) {
            return program(cel, parsed, path, text, allowed, problems); // not reached: it parsed
        }
        return program(cel, presenceAsCelGo(cel, ast), path, text, allowed, problems);
    }

    /**
     * Compiles a mutation's expression: JSONPatch and Object literals become maps
     * ({@link MutationLiterals}) between parsing and type checking.
     */
    static Compiled compileMutation(boolean params, String path, String text, CelKind kind, List<String> problems) {
        if (text == null || text.isBlank()) {
            problems.add(path + ": an expression is required");
            return Compiled.failed(path, text, "compilation failed: an expression is required");
        }
        Cel cel = params ? WITH_PARAMS : WITHOUT_PARAMS;
        CelValidationResult parsed = cel.parse(text, INPUT);
        if (parsed.hasError()) {
            return program(cel, parsed, path, text, null, problems);
        }
        int before = problems.size();
        CelAbstractSyntaxTree rewritten;
        try {
            rewritten = MutationLiterals.rewrite(parsed.getAst(), path, problems);
        } catch (CelValidationException e) {
            problems.add(path + ": compilation failed: " + e.getMessage());
            return Compiled.failed(path, text, "compilation failed: " + e.getMessage());
        }
        if (problems.size() > before) {
            return Compiled.failed(path, text, "compilation failed: " + problems.get(problems.size() - 1));
        }
        CelValidationResult checked = presenceAsCelGo(cel, rewritten);
        if (!checked.hasError()) {
            try {
                CelType type = checked.getAst().getResultType();
                if (type.kind() != kind && type.kind() != CelKind.DYN) {
                    String reason = "must evaluate to " + (kind == CelKind.LIST ? "a list of JSONPatch" : "an Object")
                            + " but got " + type.name();
                    problems.add(path + ": " + reason);
                    return Compiled.failed(path, text, reason);
                }
            } catch (CelValidationException e) {
                problems.add(path + ": compilation failed: " + e.getMessage());
                return Compiled.failed(path, text, "compilation failed: " + e.getMessage());
            }
        }
        return program(cel, checked, path, text, null, problems);
    }

    /**
     * {@code ast} checked as written; when that passes and it has presence tests, checked again with
     * them answered as cel-go does ({@link PresenceTests}). Parsed once: the expression as written
     * must check, so an expression only the rewriting would accept is still refused.
     */
    private static CelValidationResult presenceAsCelGo(Cel cel, CelAbstractSyntaxTree ast) {
        CelValidationResult checked = cel.check(ast);
        return !checked.hasError() && PresenceTests.any(ast) ? cel.check(PresenceTests.rewrite(ast)) : checked;
    }

    private static Compiled program(
            Cel cel,
            CelValidationResult result,
            String path,
            String text,
            Set<CelType> allowed,
            List<String> problems) {
        if (result.hasError()) {
            StringBuilder sb = new StringBuilder();
            for (CelIssue issue : result.getErrors()) {
                sb.append(sb.isEmpty() ? "" : "; ")
                        .append("line ")
                        .append(issue.getSourceLocation().getLine())
                        .append(", column ")
                        .append(issue.getSourceLocation().getColumn() + 1)
                        .append(": ")
                        .append(issue.getMessage());
            }
            problems.add(path + ": compilation failed: " + sb);
            return Compiled.failed(path, text, "compilation failed: " + result.getErrorString());
        }
        try {
            CelAbstractSyntaxTree ast = result.getAst();
            CelType type = ast.getResultType();
            if (allowed != null && !allowed.contains(type)) {
                problems.add(path + ": must evaluate to " + names(allowed) + " but got " + type.name());
                return Compiled.failed(path, text, mustEvaluateTo(allowed, type));
            }
            return new Compiled(path, text, cel.createProgram(ast), null);
        } catch (CelValidationException | CelEvaluationException e) {
            problems.add(path + ": compilation failed: " + e.getMessage());
            return Compiled.failed(path, text, "compilation failed: " + e.getMessage());
        }
    }

    private static String names(Set<CelType> types) {
        return types.stream()
                .map(CelType::name)
                .sorted()
                .toList()
                .toString()
                .replaceAll("[\\[\\]]", "")
                .replace(", ", " or ");
    }

    /** The API server's words: {@code must evaluate to bool but got int}, or {@code … to one of [string null_type] …}. */
    private static String mustEvaluateTo(Set<CelType> allowed, CelType got) {
        List<String> names = allowed.stream()
                .filter(t -> t != SimpleType.DYN)
                .map(CelType::name)
                .sorted()
                .toList();
        return names.size() == 1
                ? "must evaluate to " + names.get(0) + " but got " + got.name()
                : "must evaluate to one of [" + String.join(" ", names) + "] but got " + got.name();
    }

    /** Cost left for a series of evaluations (a budget of the API server's). */
    static final class Budget {
        long remaining;

        Budget(long remaining) {
            this.remaining = remaining;
        }
    }

    /** An expression that failed; the message is the API server's ("expression '…' resulted in error: …"). */
    static final class Failure extends Exception {
        final boolean outOfBudget;

        Failure(String message, boolean outOfBudget) {
            super(message, null, false, false);
            this.outOfBudget = outOfBudget;
        }
    }

    private static final class CostExceeded extends RuntimeException {
        CostExceeded() {
            super(null, null, false, false);
        }
    }

    /** The cost of one evaluation so far, and its limit. */
    private static final class Meter {
        final long limit;
        long cost;

        Meter(long limit) {
            this.limit = limit;
        }

        void charge(long c) {
            cost += c;
            if (cost > limit) {
                throw new CostExceeded();
            }
        }
    }

    /**
     * The standard overloads whose work grows with their arguments ({@link #SIZED}), charged before
     * they run, so a runaway expression is stopped before it allocates or loops: string and bytes
     * concatenation, {@code in} a list, {@code contains}, {@code startsWith}, {@code endsWith} and
     * {@code matches} as cel-go charges them; list concatenation by the elements copied, 1 each
     * (cel-go's lists concatenate lazily at cost 1, cel-java copies both operands, so the copy is
     * charged as the memory it is: at most a million references per expression), except when a
     * comprehension appends to its own result, which costs only the appended part.
     */
    private static List<CelFunctionBinding> metered() {
        RuntimeEquality equality = RuntimeEquality.create(RuntimeHelpers.create(), OPTIONS);
        List<CelFunctionBinding> out = new ArrayList<>();
        SIZED.forEach((o, cost) -> {
            CelFunctionBinding standard = o.newFunctionBinding(OPTIONS, equality);
            CelFunctionOverload run = standard.getDefinition();
            out.add(CelFunctionBinding.from(standard.getOverloadId(), standard.getArgTypes(), args -> {
                Meter m = METER.get();
                if (m != null) {
                    m.charge(cost.applyAsLong(args));
                }
                return run.apply(args);
            }));
        });
        return out;
    }

    /** Charges {@code cost} to the evaluation running on this thread, before the work it stands for. */
    static void charge(long cost) {
        Meter m = METER.get();
        if (m != null) {
            m.charge(cost);
        }
    }

    private static long traversal(long elements) {
        return (long) Math.ceil(elements * TRAVERSAL_FACTOR);
    }

    /** cel-go: (1 + the string's length) × 0.1, times the regex's length × 0.25, each rounded up. */
    static long regexCost(Object[] args) {
        return (long) Math.ceil((1 + size(args[0])) * TRAVERSAL_FACTOR)
                * (long) Math.ceil(size(args[1]) * REGEX_FACTOR);
    }

    /** Elements of a list or map, characters of a string (UTF-16 units), bytes of bytes; 1 for anything else. */
    private static long size(Object v) {
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        if (v instanceof String s) {
            return s.length();
        }
        if (v instanceof CelByteString b) {
            return b.size();
        }
        return 1;
    }

    /**
     * What one evaluated node costs: 1, plus, for a function that made a string or bytes (other
     * than those charged before they run), its length times the traversal factor, as cel-go charges
     * string functions by the length they traverse.
     */
    private static long nodeCost(CelExpr expr, Object value) {
        if ((value instanceof String || value instanceof CelByteString)
                && expr.getKind() == CelExpr.ExprKind.Kind.CALL
                && !CHARGED_BEFORE.contains(expr.call().function())) {
            return 1 + traversal(size(value));
        }
        return 1;
    }

    /** Evaluates with the per-call limit and what is left of {@code budget}, then charges the budget. */
    static Object evaluate(Compiled c, Map<String, ?> activation, Budget budget) throws Failure {
        if (c.program() == null) {
            // as the API server's activation.Evaluate: a compilation error costs nothing and fails the expression
            throw new Failure("compilation error: " + c.error(), false);
        }
        if (budget.remaining <= 0) {
            throw new Failure(OUT_OF_BUDGET, true);
        }
        long limit = Math.min(PER_CALL_LIMIT, budget.remaining);
        Meter meter = new Meter(limit);
        CelEvaluationListener listener = (expr, value) -> meter.charge(nodeCost(expr, value));
        Object out;
        String error = null;
        Meter outer = METER.get();
        METER.set(meter);
        try {
            out = c.program().trace(activation, listener);
        } catch (CelEvaluationException e) {
            out = null;
            error = message(e);
        } catch (CostExceeded e) {
            out = null;
        } finally {
            METER.set(outer);
        }
        budget.remaining -= Math.min(meter.cost, limit);
        if (meter.cost > limit) {
            // && and || may have swallowed the interruption: the count decides
            if (limit < PER_CALL_LIMIT) {
                budget.remaining = 0;
                throw new Failure(OUT_OF_BUDGET, true);
            }
            throw new Failure(
                    "expression '" + c.text() + "' resulted in error: operation cancelled: actual cost limit exceeded",
                    false);
        }
        if (error != null) {
            throw new Failure("expression '" + c.text() + "' resulted in error: " + error, false);
        }
        if (out instanceof CelUnknownSet) {
            throw new Failure("expression '" + c.text() + "' resulted in error: unbound variable", false);
        }
        return out;
    }

    /** cel-java's message in cel-go's words where they differ, without cel-java's position prefix. */
    private static String message(CelEvaluationException e) {
        Throwable t = e;
        String m = e.getMessage();
        while (t.getCause() != null && (m == null || m.isBlank())) {
            t = t.getCause();
            m = t.getMessage();
        }
        m = m == null ? e.getErrorCode().name() : POSITION.matcher(m).replaceFirst("");
        Matcher k = NO_SUCH_KEY.matcher(m);
        return k.matches() ? "no such key: " + (k.group(1) != null ? k.group(1) : k.group(2)) : m;
    }

    /** JSON-shaped data as CEL wants it: null as CEL null, integers as Long, floats as Double. */
    static Object toCel(Object v) {
        if (v == null) {
            return NullValue.NULL_VALUE;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigInteger b) {
            return b.longValue();
        }
        if (v instanceof BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
            m.forEach((k, val) -> out.put(k, toCel(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object e : l) {
                out.add(toCel(e));
            }
            return out;
        }
        return v;
    }

    /** A CEL result as plain JSON-shaped Java: CEL null as null, unsigned as Long, bytes as base64, maps keyed by string. */
    static Object fromCel(Object v) {
        if (v == null || v == NullValue.NULL_VALUE) {
            return null;
        }
        if (v instanceof UnsignedLong u) {
            return u.longValue();
        }
        if (v instanceof CelByteString b) {
            return Base64.getEncoder().encodeToString(b.toByteArray());
        }
        if (v instanceof ByteString b) {
            return Base64.getEncoder().encodeToString(b.toByteArray());
        }
        if (v instanceof Optional<?> o) {
            return o.map(Expressions::fromCel).orElse(null);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>(Math.max(4, m.size() * 2));
            m.forEach((k, val) -> out.put(String.valueOf(k), fromCel(val)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(e -> out.add(fromCel(e)));
            return out;
        }
        return v;
    }
}

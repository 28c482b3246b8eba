package dev.trimtab.policy.core;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.trimtab.testing.FuzzBounds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/**
 * The CEL functions Trimtab registers ({@link KubernetesLibrary}: lists, regex, quantity, ip,
 * cidr, url; {@link KubernetesFormats}; {@link AuthorizerLibrary}) and the metered standard ones
 * ({@link Expressions}' size-based cost), compiled and evaluated as a policy's expression is.
 * Outcomes allowed: compilation problems, or an evaluation {@link Expressions.Failure} (a CEL
 * error, the cost limit); any other exception escaping {@link Expressions#evaluate} is a crash,
 * and so is passing the time or heap bound (the cost limit must stop a blow-up first).
 *
 * <p>Input: the first line picks a template calling a library function (its text, else by its
 * hash), the next lines are its arguments (as CEL string literals, or integers). Any expression:
 * {@link CelExpressionsFuzzTest}. Seeds: {@code CelLibraryFuzzTestInputs/functionsOnFuzzedArguments/}.
 */
@Tag("fuzz") // its own JVM in the build (pom.xml, execution fuzz-regression)
class CelLibraryFuzzTest {
    private static final FuzzBounds FUNCTIONS =
            new FuzzBounds("CEL library functions on fuzzed arguments", Expressions.Failure.class);

    /** $A = the first argument as a string literal, $B, $C the next; $N, $M the first two read as integers. */
    static final List<String> TEMPLATES = List.of(
            "quantity($A)",
            "isQuantity($A)",
            "quantity($A).sign()",
            "quantity($A).isInteger()",
            "quantity($A).asInteger()",
            "quantity($A).asApproximateFloat()",
            "quantity($A).add(quantity($B))",
            "quantity($A).add($N)",
            "quantity($A).sub(quantity($B))",
            "quantity($A).sub($M)",
            "quantity($A).isLessThan(quantity($B))",
            "quantity($A).isGreaterThan(quantity($B))",
            "quantity($A).compareTo(quantity($B))",
            "ip($A)",
            "isIP($A)",
            "ip($A).family()",
            "ip($A).isUnspecified()",
            "ip($A).isLoopback()",
            "ip($A).isLinkLocalUnicast()",
            "ip($A).isGlobalUnicast()",
            "string(ip($A))",
            "cidr($A)",
            "isCIDR($A)",
            "cidr($A).containsIP(ip($B))",
            "cidr($A).containsIP($B)",
            "cidr($A).containsCIDR(cidr($B))",
            "cidr($A).containsCIDR($B)",
            "cidr($A).prefixLength()",
            "cidr($A).masked()",
            "cidr($A).ip()",
            "string(cidr($A))",
            "url($A)",
            "isURL($A)",
            "url($A).getScheme()",
            "url($A).getHost()",
            "url($A).getHostname()",
            "url($A).getPort()",
            "url($A).getEscapedPath()",
            "url($A).getQuery()",
            "$A.find($B)",
            "$A.findAll($B)",
            "$A.findAll($B, $N)",
            "$A.matches($B)",
            "jsonpatch.escapeKey($A)",
            "[$A, $B, $C].isSorted()",
            "[$N, $M].sum()",
            "[$N, $M].min()",
            "[$A, $B].max()",
            "[$A, $B, $C].indexOf($C)",
            "[$N, $M, $N].lastIndexOf($N)",
            "[].sum()",
            "[].min()",
            "format.named($A).hasValue()",
            "format.named($A).value().validate($B)",
            "format.dns1123Label().validate($A)",
            "format.dns1123Subdomain().validate($A)",
            "format.qualifiedName().validate($A)",
            "format.labelValue().validate($A)",
            "format.dns1123LabelPrefix().validate($A)",
            "authorizer.path($A).check($B).allowed()",
            "authorizer.group($A).resource($B).namespace($C).check($B).reason()",
            "authorizer.serviceAccount($A, $B).group('').resource($C).name($A).check('get').errored()",
            "authorizer.requestResource.subresource($A).check($B).error()",
            "$A.replace($B, $C)",
            "$A.replace($B, $C, $N)",
            "$A.split($B)",
            "$A.split($B, $N)",
            "$A.substring($N)",
            "$A.substring($N, $M)",
            "$A.charAt($N)",
            "$A.indexOf($B)",
            "$A.indexOf($B, $N)",
            "$A.lastIndexOf($B)",
            "$A.lastIndexOf($B, $N)",
            "$A.lowerAscii()",
            "$A.upperAscii()",
            "$A.trim()",
            "[$A, $B].join($C)",
            "$A.contains($B)",
            "$A.startsWith($B)",
            "$A.endsWith($B)",
            "$A + $B + $C",
            "size($A)",
            "int($A)",
            "double($A)",
            "uint($A)",
            "bytes($A)",
            "duration($A)",
            "timestamp($A)",
            "$A.reverse()",
            "strings.quote($A)",
            "$A.format([$B, $N])",
            "sets.contains([$A], [$B])",
            "sets.equivalent([$A, $B], [$C])",
            "sets.intersects([$A], [$B, $C])",
            "$N / $M",
            "$N % $M",
            "$N * $M",
            "$N - $M",
            "$N + $M",
            "-$N",
            "[$A, $B, $C][$N]",
            "{$A: $B}[$C]",
            "$A < $B",
            "$N < $M");

    @FuzzTest(maxDuration = "10m")
    void functionsOnFuzzedArguments(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        String template = TEMPLATES.contains(lines[0])
                ? lines[0]
                : TEMPLATES.get(Math.floorMod(lines[0].hashCode(), TEMPLATES.size()));
        String a = arg(lines, 1);
        String b = arg(lines, 2);
        String c = arg(lines, 3);
        String expression = template.replace("$N", integer(a))
                .replace("$M", integer(b))
                .replace("$A", literal(a))
                .replace("$B", literal(b))
                .replace("$C", literal(c));
        // every character of a literal is escaped (\u0024…), so no literal holds a placeholder
        FUNCTIONS.check(expression, () -> evaluate(expression, Map.of("metadata", Map.of("name", "x"))));
    }

    static void evaluate(String expression, Map<String, Object> object) throws Expressions.Failure {
        List<String> problems = new ArrayList<>();
        Expressions.Compiled c =
                Expressions.compile(false, "spec.validations[0].expression", expression, null, problems);
        if (c.program() == null && problems.isEmpty()) {
            throw new AssertionError("no program and no problem for " + expression);
        }
        AdmissionRequest request = new AdmissionRequest(
                "uid",
                new AdmissionRequest.Gvk("", "v1", "Pod"),
                new AdmissionRequest.Gvr("", "v1", "pods"),
                "",
                null,
                null,
                null,
                "x",
                "shop",
                "CREATE",
                new AdmissionRequest.UserInfo("alice", "", List.of("system:authenticated"), Map.of()),
                false,
                null,
                object,
                null);
        Map<String, Object> activation = new HashMap<>(Validator.inputs(request));
        activation.put("namespaceObject", Expressions.toCel(Map.of("metadata", Map.of("name", "shop"))));
        activation.put("variables", Map.of());
        AuthorizerLibrary.bind(
                activation,
                request,
                (user, groups, verb, group, resource, sub, ns, name, path) ->
                        new AccessChecker.Decision(verb.equals("get") ? "allow" : "noOpinion", "fuzz", ""));
        Expressions.evaluate(c, activation, new Expressions.Budget(Expressions.RUNTIME_BUDGET));
    }

    private static String arg(String[] lines, int i) {
        return i < lines.length ? lines[i] : "";
    }

    /** A CEL string literal of {@code s}: every character escaped, so any text is one literal. */
    static String literal(String s) {
        StringBuilder sb = new StringBuilder("'");
        s.codePoints().forEach(cp -> {
            if (cp >= 0xD800 && cp <= 0xDFFF) {
                sb.append("\\uFFFD"); // a lone surrogate is not text; CEL strings are Unicode scalar values
            } else if (cp > 0xFFFF) {
                sb.append(String.format("\\U%08x", cp));
            } else {
                sb.append(String.format("\\u%04x", cp));
            }
        });
        return sb.append('\'').toString();
    }

    /** The argument as an integer literal: its digits if it is one, else its length. */
    static String integer(String s) {
        try {
            return Long.toString(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Integer.toString(s.length());
        }
    }

    @AfterAll
    static void figures() {
        System.out.println(FUNCTIONS.report());
    }
}

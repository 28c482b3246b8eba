package dev.trimtab.policy.core;

import com.google.re2j.Pattern;
import dev.cel.bundle.CelBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.TypeParamType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Kubernetes CEL libraries cel-java does not ship, with Kubernetes' names and semantics:
 * lists ({@code isSorted}, {@code sum}, {@code min}, {@code max}, {@code indexOf},
 * {@code lastIndexOf}), regex ({@code find}, {@code findAll}, RE2 syntax) and quantity
 * ({@code quantity}, {@code isQuantity}, {@code sign}, {@code isInteger}, {@code asInteger},
 * {@code asApproximateFloat}, {@code add}, {@code sub}, {@code isLessThan}, {@code isGreaterThan},
 * {@code compareTo}), ip and cidr ({@code ip}, {@code isIP}, {@code family}, {@code isLoopback},
 * {@code isUnspecified}, {@code isLinkLocalUnicast}, {@code isGlobalUnicast}, {@code cidr},
 * {@code isCIDR}, {@code containsIP}, {@code containsCIDR}, {@code prefixLength}, {@code masked},
 * {@code string}) and url ({@code url}, {@code isURL}, {@code getScheme}, {@code getHost},
 * {@code getHostname}, {@code getPort}, {@code getEscapedPath}, {@code getQuery}). Not yet:
 * format, authorizer, semver, image (docs/decisions/0008).
 */
final class KubernetesLibrary {
    private KubernetesLibrary() {}

    static void addTo(CelBuilder b) {
        TypeParamType t = TypeParamType.create("T");
        ListType listOfT = ListType.create(t);
        ListType strings = ListType.create(SimpleType.STRING);
        b.addFunctionDeclarations(
                CelFunctionDecl.newFunctionDeclaration(
                        "isSorted", CelOverloadDecl.newMemberOverload("list_is_sorted", SimpleType.BOOL, listOfT)),
                CelFunctionDecl.newFunctionDeclaration(
                        "sum", CelOverloadDecl.newMemberOverload("list_sum", t, listOfT)),
                CelFunctionDecl.newFunctionDeclaration(
                        "min", CelOverloadDecl.newMemberOverload("list_min", t, listOfT)),
                CelFunctionDecl.newFunctionDeclaration(
                        "max", CelOverloadDecl.newMemberOverload("list_max", t, listOfT)),
                CelFunctionDecl.newFunctionDeclaration(
                        "indexOf", CelOverloadDecl.newMemberOverload("list_index_of", SimpleType.INT, listOfT, t)),
                CelFunctionDecl.newFunctionDeclaration(
                        "lastIndexOf",
                        CelOverloadDecl.newMemberOverload("list_last_index_of", SimpleType.INT, listOfT, t)),
                CelFunctionDecl.newFunctionDeclaration(
                        "find",
                        CelOverloadDecl.newMemberOverload(
                                "string_find", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "findAll",
                        CelOverloadDecl.newMemberOverload(
                                "string_find_all", strings, SimpleType.STRING, SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload(
                                "string_find_all_n", strings, SimpleType.STRING, SimpleType.STRING, SimpleType.INT)),
                // the API server's JSONPatch library: a map key as one JSON pointer token
                CelFunctionDecl.newFunctionDeclaration(
                        "jsonpatch.escapeKey",
                        CelOverloadDecl.newGlobalOverload(
                                "jsonpatch_escape_key", SimpleType.STRING, SimpleType.STRING)));
        addQuantity(b);
        KubernetesFormats.addTo(b);
        AuthorizerLibrary.addTo(b);
        addNetwork(b);
        b.addFunctionBindings(
                // each charged before it runs (Expressions#charge): a list traversal by its size,
                // a regex search as cel-go charges matches
                CelFunctionBinding.from("list_is_sorted", List.class, l -> isSorted(traversed(l))),
                CelFunctionBinding.from("list_sum", List.class, l -> sum(traversed(l))),
                CelFunctionBinding.from("list_min", List.class, l -> extreme(traversed(l), -1)),
                CelFunctionBinding.from("list_max", List.class, l -> extreme(traversed(l), 1)),
                CelFunctionBinding.from(
                        "list_index_of", List.class, Object.class, (l, x) -> (long) indexOf(traversed(l), x)),
                CelFunctionBinding.from(
                        "list_last_index_of", List.class, Object.class, (l, x) -> (long) lastIndexOf(traversed(l), x)),
                CelFunctionBinding.from(
                        "string_find", String.class, String.class, (s, re) -> find(searched(s, re), re)),
                CelFunctionBinding.from("jsonpatch_escape_key", String.class, JsonPatch::escape),
                CelFunctionBinding.from(
                        "string_find_all", String.class, String.class, (s, re) -> findAll(searched(s, re), re, -1)),
                CelFunctionBinding.from(
                        "string_find_all_n",
                        List.of(String.class, String.class, Long.class),
                        args -> findAll(
                                searched((String) args[0], (String) args[1]), (String) args[1], (Long) args[2])));
    }

    private static <T extends List<?>> T traversed(T list) {
        Expressions.charge(list.size());
        return list;
    }

    private static String searched(String s, String regex) {
        Expressions.charge(Expressions.regexCost(new Object[] {s, regex}));
        return s;
    }

    private static void addQuantity(CelBuilder b) {
        CelType q = OpaqueType.create("kubernetes.Quantity");
        b.addFunctionDeclarations(
                CelFunctionDecl.newFunctionDeclaration(
                        "quantity", CelOverloadDecl.newGlobalOverload("string_to_quantity", q, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isQuantity",
                        CelOverloadDecl.newGlobalOverload("is_quantity_string", SimpleType.BOOL, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "sign", CelOverloadDecl.newMemberOverload("quantity_sign", SimpleType.INT, q)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isInteger", CelOverloadDecl.newMemberOverload("quantity_is_integer", SimpleType.BOOL, q)),
                CelFunctionDecl.newFunctionDeclaration(
                        "asInteger", CelOverloadDecl.newMemberOverload("quantity_get_integer", SimpleType.INT, q)),
                CelFunctionDecl.newFunctionDeclaration(
                        "asApproximateFloat",
                        CelOverloadDecl.newMemberOverload("quantity_get_float", SimpleType.DOUBLE, q)),
                CelFunctionDecl.newFunctionDeclaration(
                        "add",
                        CelOverloadDecl.newMemberOverload("quantity_add", q, q, q),
                        CelOverloadDecl.newMemberOverload("quantity_add_int", q, q, SimpleType.INT)),
                CelFunctionDecl.newFunctionDeclaration(
                        "sub",
                        CelOverloadDecl.newMemberOverload("quantity_sub", q, q, q),
                        CelOverloadDecl.newMemberOverload("quantity_sub_int", q, q, SimpleType.INT)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isLessThan", CelOverloadDecl.newMemberOverload("quantity_less", SimpleType.BOOL, q, q)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isGreaterThan", CelOverloadDecl.newMemberOverload("quantity_greater", SimpleType.BOOL, q, q)),
                CelFunctionDecl.newFunctionDeclaration(
                        "compareTo", CelOverloadDecl.newMemberOverload("quantity_compare_to", SimpleType.INT, q, q)));
        b.addFunctionBindings(
                CelFunctionBinding.from("string_to_quantity", String.class, s -> {
                    try {
                        return KubeQuantity.parse(s);
                    } catch (IllegalArgumentException | ArithmeticException e) {
                        throw new CelEvaluationException(e.getMessage());
                    }
                }),
                CelFunctionBinding.from("is_quantity_string", String.class, KubeQuantity::valid),
                CelFunctionBinding.from("quantity_sign", KubeQuantity.class, x -> (long) x.value.signum()),
                CelFunctionBinding.from("quantity_is_integer", KubeQuantity.class, KubeQuantity::isInteger),
                CelFunctionBinding.from("quantity_get_integer", KubeQuantity.class, x -> {
                    try {
                        return x.asInteger();
                    } catch (IllegalArgumentException e) {
                        throw new CelEvaluationException(e.getMessage());
                    }
                }),
                CelFunctionBinding.from("quantity_get_float", KubeQuantity.class, x -> x.value.doubleValue()),
                CelFunctionBinding.from(
                        "quantity_add",
                        KubeQuantity.class,
                        KubeQuantity.class,
                        (x, y) -> new KubeQuantity(x.value.add(y.value))),
                CelFunctionBinding.from(
                        "quantity_add_int",
                        KubeQuantity.class,
                        Long.class,
                        (x, y) -> new KubeQuantity(x.value.add(BigDecimal.valueOf(y)))),
                CelFunctionBinding.from(
                        "quantity_sub",
                        KubeQuantity.class,
                        KubeQuantity.class,
                        (x, y) -> new KubeQuantity(x.value.subtract(y.value))),
                CelFunctionBinding.from(
                        "quantity_sub_int",
                        KubeQuantity.class,
                        Long.class,
                        (x, y) -> new KubeQuantity(x.value.subtract(BigDecimal.valueOf(y)))),
                CelFunctionBinding.from(
                        "quantity_less", KubeQuantity.class, KubeQuantity.class, (x, y) -> x.compareTo(y) < 0),
                CelFunctionBinding.from(
                        "quantity_greater", KubeQuantity.class, KubeQuantity.class, (x, y) -> x.compareTo(y) > 0),
                CelFunctionBinding.from("quantity_compare_to", KubeQuantity.class, KubeQuantity.class, (x, y) ->
                        (long) Integer.signum(x.compareTo(y))));
    }

    /** Runs a parse, turning its IllegalArgumentException into a CEL evaluation error. */
    private static <T> T parsed(Supplier<T> parse) throws CelEvaluationException {
        try {
            return parse.get();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new CelEvaluationException(e.getMessage());
        }
    }

    private static void addNetwork(CelBuilder b) {
        CelType ip = OpaqueType.create("net.IP");
        CelType cidr = OpaqueType.create("net.CIDR");
        CelType url = OpaqueType.create("kubernetes.URL");
        b.addFunctionDeclarations(
                CelFunctionDecl.newFunctionDeclaration(
                        "ip",
                        CelOverloadDecl.newGlobalOverload("string_to_ip", ip, SimpleType.STRING),
                        CelOverloadDecl.newMemberOverload("cidr_ip", ip, cidr)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isIP", CelOverloadDecl.newGlobalOverload("is_ip", SimpleType.BOOL, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "family", CelOverloadDecl.newMemberOverload("ip_family", SimpleType.INT, ip)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isUnspecified", CelOverloadDecl.newMemberOverload("ip_is_unspecified", SimpleType.BOOL, ip)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isLoopback", CelOverloadDecl.newMemberOverload("ip_is_loopback", SimpleType.BOOL, ip)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isLinkLocalUnicast",
                        CelOverloadDecl.newMemberOverload("ip_is_link_local_unicast", SimpleType.BOOL, ip)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isGlobalUnicast",
                        CelOverloadDecl.newMemberOverload("ip_is_global_unicast", SimpleType.BOOL, ip)),
                CelFunctionDecl.newFunctionDeclaration(
                        "cidr", CelOverloadDecl.newGlobalOverload("string_to_cidr", cidr, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isCIDR", CelOverloadDecl.newGlobalOverload("is_cidr", SimpleType.BOOL, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "containsIP",
                        CelOverloadDecl.newMemberOverload("cidr_contains_ip_ip", SimpleType.BOOL, cidr, ip),
                        CelOverloadDecl.newMemberOverload(
                                "cidr_contains_ip_string", SimpleType.BOOL, cidr, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "containsCIDR",
                        CelOverloadDecl.newMemberOverload("cidr_contains_cidr", SimpleType.BOOL, cidr, cidr),
                        CelOverloadDecl.newMemberOverload(
                                "cidr_contains_cidr_string", SimpleType.BOOL, cidr, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "prefixLength", CelOverloadDecl.newMemberOverload("cidr_prefix_length", SimpleType.INT, cidr)),
                CelFunctionDecl.newFunctionDeclaration(
                        "masked", CelOverloadDecl.newMemberOverload("cidr_masked", cidr, cidr)),
                CelFunctionDecl.newFunctionDeclaration(
                        "string",
                        CelOverloadDecl.newGlobalOverload("ip_to_string", SimpleType.STRING, ip),
                        CelOverloadDecl.newGlobalOverload("cidr_to_string", SimpleType.STRING, cidr)),
                CelFunctionDecl.newFunctionDeclaration(
                        "url", CelOverloadDecl.newGlobalOverload("string_to_url", url, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "isURL",
                        CelOverloadDecl.newGlobalOverload("is_url_string", SimpleType.BOOL, SimpleType.STRING)),
                CelFunctionDecl.newFunctionDeclaration(
                        "getScheme", CelOverloadDecl.newMemberOverload("url_get_scheme", SimpleType.STRING, url)),
                CelFunctionDecl.newFunctionDeclaration(
                        "getHost", CelOverloadDecl.newMemberOverload("url_get_host", SimpleType.STRING, url)),
                CelFunctionDecl.newFunctionDeclaration(
                        "getHostname", CelOverloadDecl.newMemberOverload("url_get_hostname", SimpleType.STRING, url)),
                CelFunctionDecl.newFunctionDeclaration(
                        "getPort", CelOverloadDecl.newMemberOverload("url_get_port", SimpleType.STRING, url)),
                CelFunctionDecl.newFunctionDeclaration(
                        "getEscapedPath",
                        CelOverloadDecl.newMemberOverload("url_get_escaped_path", SimpleType.STRING, url)),
                CelFunctionDecl.newFunctionDeclaration(
                        "getQuery",
                        CelOverloadDecl.newMemberOverload(
                                "url_get_query",
                                MapType.create(SimpleType.STRING, ListType.create(SimpleType.STRING)),
                                url)));
        b.addFunctionBindings(
                CelFunctionBinding.from("string_to_ip", String.class, s -> parsed(() -> NetworkValues.ip(s))),
                CelFunctionBinding.from("cidr_ip", NetworkValues.Cidr.class, NetworkValues.Cidr::ip),
                CelFunctionBinding.from("is_ip", String.class, s -> NetworkValues.valid(NetworkValues::ip, s)),
                CelFunctionBinding.from("ip_family", NetworkValues.Ip.class, x -> (long) x.family()),
                CelFunctionBinding.from(
                        "ip_is_unspecified",
                        NetworkValues.Ip.class,
                        x -> x.address().isAnyLocalAddress()),
                CelFunctionBinding.from(
                        "ip_is_loopback",
                        NetworkValues.Ip.class,
                        x -> x.address().isLoopbackAddress()),
                CelFunctionBinding.from(
                        "ip_is_link_local_unicast",
                        NetworkValues.Ip.class,
                        x -> x.address().isLinkLocalAddress()),
                CelFunctionBinding.from("ip_is_global_unicast", NetworkValues.Ip.class, x -> {
                    var a = x.address();
                    boolean broadcast = x.family() == 4 && x.number().equals(BigIntegerHolder.ALL_ONES_V4);
                    return !(a.isAnyLocalAddress()
                            || a.isLoopbackAddress()
                            || a.isLinkLocalAddress()
                            || a.isMulticastAddress()
                            || broadcast);
                }),
                CelFunctionBinding.from("string_to_cidr", String.class, s -> parsed(() -> NetworkValues.cidr(s))),
                CelFunctionBinding.from("is_cidr", String.class, s -> NetworkValues.valid(NetworkValues::cidr, s)),
                CelFunctionBinding.from(
                        "cidr_contains_ip_ip",
                        NetworkValues.Cidr.class,
                        NetworkValues.Ip.class,
                        NetworkValues.Cidr::contains),
                CelFunctionBinding.from(
                        "cidr_contains_ip_string",
                        NetworkValues.Cidr.class,
                        String.class,
                        (c, s) -> c.contains(parsed(() -> NetworkValues.ip(s)))),
                CelFunctionBinding.from(
                        "cidr_contains_cidr",
                        NetworkValues.Cidr.class,
                        NetworkValues.Cidr.class,
                        NetworkValues.Cidr::contains),
                CelFunctionBinding.from(
                        "cidr_contains_cidr_string",
                        NetworkValues.Cidr.class,
                        String.class,
                        (c, s) -> c.contains(parsed(() -> NetworkValues.cidr(s)))),
                CelFunctionBinding.from("cidr_prefix_length", NetworkValues.Cidr.class, c -> (long) c.prefix()),
                CelFunctionBinding.from("cidr_masked", NetworkValues.Cidr.class, NetworkValues.Cidr::masked),
                CelFunctionBinding.from("ip_to_string", NetworkValues.Ip.class, NetworkValues.Ip::toString),
                CelFunctionBinding.from("cidr_to_string", NetworkValues.Cidr.class, NetworkValues.Cidr::toString),
                CelFunctionBinding.from("string_to_url", String.class, s -> parsed(() -> NetworkValues.url(s))),
                CelFunctionBinding.from("is_url_string", String.class, s -> NetworkValues.valid(NetworkValues::url, s)),
                CelFunctionBinding.from(
                        "url_get_scheme",
                        NetworkValues.Url.class,
                        u -> u.uri().getScheme() == null ? "" : u.uri().getScheme()),
                CelFunctionBinding.from("url_get_host", NetworkValues.Url.class, NetworkValues.Url::host),
                CelFunctionBinding.from("url_get_hostname", NetworkValues.Url.class, NetworkValues.Url::hostname),
                CelFunctionBinding.from("url_get_port", NetworkValues.Url.class, NetworkValues.Url::port),
                CelFunctionBinding.from(
                        "url_get_escaped_path",
                        NetworkValues.Url.class,
                        u -> u.uri().getRawPath() == null ? "" : u.uri().getRawPath()),
                CelFunctionBinding.from("url_get_query", NetworkValues.Url.class, NetworkValues.Url::query));
    }

    private static final class BigIntegerHolder {
        static final BigInteger ALL_ONES_V4 = BigInteger.valueOf(0xFFFFFFFFL);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) throws CelEvaluationException {
        if (a instanceof Number x && b instanceof Number y) {
            return (x instanceof Double || y instanceof Double)
                    ? Double.compare(x.doubleValue(), y.doubleValue())
                    : Long.compare(x.longValue(), y.longValue());
        }
        if (a instanceof Comparable c && a.getClass() == b.getClass()) {
            return c.compareTo(b);
        }
        throw new CelEvaluationException("no such overload: cannot compare "
                + a.getClass().getSimpleName() + " and " + b.getClass().getSimpleName());
    }

    private static boolean isSorted(List<?> list) throws CelEvaluationException {
        for (int i = 1; i < list.size(); i++) {
            if (compare(list.get(i - 1), list.get(i)) > 0) {
                return false;
            }
        }
        return true;
    }

    private static Object sum(List<?> list) throws CelEvaluationException {
        if (list.isEmpty()) {
            return 0L;
        }
        if (list.get(0) instanceof Double) {
            double s = 0;
            for (Object o : list) {
                s += ((Number) o).doubleValue();
            }
            return s;
        }
        if (!(list.get(0) instanceof Long)) {
            throw new CelEvaluationException(
                    "no such overload: sum of " + list.get(0).getClass().getSimpleName());
        }
        long s = 0;
        for (Object o : list) {
            s = Math.addExact(s, ((Number) o).longValue());
        }
        return s;
    }

    private static Object extreme(List<?> list, int sign) throws CelEvaluationException {
        if (list.isEmpty()) {
            throw new CelEvaluationException((sign < 0 ? "min" : "max") + " called on empty list");
        }
        Object best = list.get(0);
        for (Object o : list) {
            if (compare(o, best) * sign > 0) {
                best = o;
            }
        }
        return best;
    }

    private static int indexOf(List<?> list, Object x) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).equals(x)) {
                return i;
            }
        }
        return -1;
    }

    private static int lastIndexOf(List<?> list, Object x) {
        for (int i = list.size() - 1; i >= 0; i--) {
            if (list.get(i).equals(x)) {
                return i;
            }
        }
        return -1;
    }

    private static String find(String s, String re) {
        var m = Pattern.compile(re).matcher(s);
        return m.find() ? m.group() : "";
    }

    private static List<String> findAll(String s, String re, long limit) {
        List<String> out = new ArrayList<>();
        var m = Pattern.compile(re).matcher(s);
        while ((limit < 0 || out.size() < limit) && m.find()) {
            out.add(m.group());
        }
        return out;
    }
}

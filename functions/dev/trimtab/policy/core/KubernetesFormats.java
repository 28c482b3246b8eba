package dev.trimtab.policy.core;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.bundle.CelBuilder;
import dev.cel.runtime.CelFunctionBinding;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The Kubernetes CEL {@code format} library: {@code format.dns1123Label()} … and
 * {@code format.named(name)} (an optional format), whose {@code validate(string)} is
 * {@code optional.none()} for a valid string, else the list of the API machinery's own messages
 * (apimachinery {@code IsDNS1123Label}, {@code IsQualifiedName}, {@code IsValidLabelValue} …).
 */
final class KubernetesFormats {
    /** A named format and its validation (empty list: valid). */
    record Format(String name, Function<String, List<String>> validate) {}

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN = LABEL + "(\\." + LABEL + ")*";
    private static final String DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String QUALIFIED = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE = "(" + QUALIFIED + ")?";
    private static final String QUALIFIED_MESSAGE =
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
    private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");

    static final Map<String, Format> FORMATS = new LinkedHashMap<>();

    static {
        add("dns1123Label", "DNS1123Label", s -> dns1123Label(s));
        add("dns1123Subdomain", "DNS1123Subdomain", s -> dns1123Subdomain(s));
        add("dns1035Label", "DNS1035Label", s -> dns1035Label(s));
        add("qualifiedName", "QualifiedName", KubernetesFormats::qualifiedName);
        add("dns1123LabelPrefix", "DNS1123LabelPrefix", s -> dns1123Label(maskTrailingDash(s)));
        add("dns1123SubdomainPrefix", "DNS1123SubdomainPrefix", s -> dns1123Subdomain(maskTrailingDash(s)));
        add("dns1035LabelPrefix", "DNS1035LabelPrefix", s -> dns1035Label(maskTrailingDash(s)));
        add("labelValue", "LabelValue", KubernetesFormats::labelValue);
        add("uri", "URI", KubernetesFormats::uri);
        add("uuid", "uuid", s -> UUID.matcher(s).matches() ? List.of() : List.of("does not match the UUID format"));
        add("byte", "byte", KubernetesFormats::base64);
        add("date", "date", s -> parses(s, java.time.LocalDate::parse) ? List.of() : List.of("invalid date"));
        add("datetime", "datetime", s -> parses(s, java.time.OffsetDateTime::parse) ? List.of() : List.of("invalid datetime"));
    }

    private KubernetesFormats() {}

    private static void add(String function, String name, Function<String, List<String>> validate) {
        FORMATS.put(function, new Format(name, validate));
    }

    static void addTo(CelBuilder b) {
        CelType format = OpaqueType.create("kubernetes.NamedFormat");
        List<CelFunctionDecl> decls = new ArrayList<>();
        List<CelFunctionBinding> bindings = new ArrayList<>();
        for (Map.Entry<String, Format> f : FORMATS.entrySet()) {
            String id = "format_" + f.getKey();
            decls.add(CelFunctionDecl.newFunctionDeclaration("format." + f.getKey(),
                    CelOverloadDecl.newGlobalOverload(id, format)));
            bindings.add(CelFunctionBinding.from(id, List.of(), args -> f.getValue()));
        }
        decls.add(CelFunctionDecl.newFunctionDeclaration("format.named",
                CelOverloadDecl.newGlobalOverload("format_named", OptionalType.create(format), SimpleType.STRING)));
        decls.add(CelFunctionDecl.newFunctionDeclaration("validate",
                CelOverloadDecl.newMemberOverload("format_validate", OptionalType.create(ListType.create(SimpleType.STRING)),
                        format, SimpleType.STRING)));
        bindings.add(CelFunctionBinding.from("format_named", String.class, n -> Optional.ofNullable(FORMATS.get(n))));
        bindings.add(CelFunctionBinding.from("format_validate", Format.class, String.class, (f, s) -> {
            List<String> problems = f.validate().apply(s);
            return problems.isEmpty() ? Optional.empty() : Optional.of(problems);
        }));
        b.addFunctionDeclarations(decls);
        b.addFunctionBindings(bindings);
    }

    static List<String> dns1123Label(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 63) {
            out.add("must be no more than 63 characters");
        }
        if (!s.matches(LABEL)) {
            out.add(regexError("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                    + "must start and end with an alphanumeric character", LABEL, "my-name", "123-abc"));
        }
        return out;
    }

    static List<String> dns1123Subdomain(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 253) {
            out.add("must be no more than 253 characters");
        }
        if (!s.matches(SUBDOMAIN)) {
            out.add(regexError("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
                    + "'.', and must start and end with an alphanumeric character", SUBDOMAIN, "example.com"));
        }
        return out;
    }

    static List<String> dns1035Label(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 63) {
            out.add("must be no more than 63 characters");
        }
        if (!s.matches(DNS1035)) {
            out.add(regexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                    + "alphabetic character, and end with an alphanumeric character", DNS1035, "my-name", "abc-123"));
        }
        return out;
    }

    static List<String> qualifiedName(String value) {
        List<String> out = new ArrayList<>();
        String[] parts = value.split("/", -1);
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            name = parts[1];
            if (parts[0].isEmpty()) {
                out.add("prefix part must be non-empty");
            } else {
                dns1123Subdomain(parts[0]).forEach(m -> out.add("prefix part " + m));
            }
        } else {
            return List.of("a qualified name " + regexError(QUALIFIED_MESSAGE, QUALIFIED, "MyName", "my.name", "123-abc")
                    + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        }
        if (name.isEmpty()) {
            out.add("name part must be non-empty");
        } else if (name.length() > 63) {
            out.add("name part must be no more than 63 characters");
        }
        if (!name.matches(QUALIFIED)) {
            out.add("name part " + regexError(QUALIFIED_MESSAGE, QUALIFIED, "MyName", "my.name", "123-abc"));
        }
        return out;
    }

    static List<String> labelValue(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 63) {
            out.add("must be no more than 63 characters");
        }
        if (!s.matches(LABEL_VALUE)) {
            out.add(regexError("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                    + "'.', and must start and end with an alphanumeric character", LABEL_VALUE, "MyValue", "my_value", "12345"));
        }
        return out;
    }

    /** Go's url.ParseRequestURI: an absolute URI or an absolute path. */
    private static List<String> uri(String s) {
        try {
            java.net.URI u = new java.net.URI(s);
            if (u.isAbsolute() || s.startsWith("/")) {
                return List.of();
            }
        } catch (java.net.URISyntaxException e) {
            // reported below in Go's words
        }
        return List.of("parse \"" + s + "\": invalid URI for request");
    }

    private static List<String> base64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of("invalid base64");
        }
    }

    private static boolean parses(String s, Function<String, Object> parser) {
        try {
            parser.apply(s);
            return true;
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** A prefix (generateName) may end in '-': validated as if it ended in 'a'. */
    private static String maskTrailingDash(String s) {
        return s.length() > 1 && s.endsWith("-") ? s.substring(0, s.length() - 1) + "a" : s;
    }

    /** apimachinery's RegexError, spacing included. */
    private static String regexError(String message, String regex, String... examples) {
        StringBuilder sb = new StringBuilder(message).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            sb.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '").append(regex).append("')").toString();
    }
}

package dev.trimtab.policy.core;

import dev.cel.bundle.CelBuilder;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.OptionalType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import dev.trimtab.kube.NameValidation;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
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

    private static final Pattern UUID =
            Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");

    static final Map<String, Format> FORMATS = new LinkedHashMap<>();

    static {
        add("dns1123Label", "DNS1123Label", NameValidation::dns1123Label);
        add("dns1123Subdomain", "DNS1123Subdomain", NameValidation::dns1123Subdomain);
        add("dns1035Label", "DNS1035Label", NameValidation::dns1035Label);
        add("qualifiedName", "QualifiedName", NameValidation::qualifiedName);
        add("dns1123LabelPrefix", "DNS1123LabelPrefix", s -> NameValidation.dns1123Label(maskTrailingDash(s)));
        add(
                "dns1123SubdomainPrefix",
                "DNS1123SubdomainPrefix",
                s -> NameValidation.dns1123Subdomain(maskTrailingDash(s)));
        add("dns1035LabelPrefix", "DNS1035LabelPrefix", s -> NameValidation.dns1035Label(maskTrailingDash(s)));
        add("labelValue", "LabelValue", NameValidation::labelValue);
        add("uri", "URI", KubernetesFormats::uri);
        add("uuid", "uuid", s -> UUID.matcher(s).matches() ? List.of() : List.of("does not match the UUID format"));
        add("byte", "byte", KubernetesFormats::base64);
        add("date", "date", s -> parses(s, LocalDate::parse) ? List.of() : List.of("invalid date"));
        add("datetime", "datetime", s -> parses(s, OffsetDateTime::parse) ? List.of() : List.of("invalid datetime"));
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
            decls.add(CelFunctionDecl.newFunctionDeclaration(
                    "format." + f.getKey(), CelOverloadDecl.newGlobalOverload(id, format)));
            bindings.add(CelFunctionBinding.from(id, List.of(), args -> f.getValue()));
        }
        decls.add(CelFunctionDecl.newFunctionDeclaration(
                "format.named",
                CelOverloadDecl.newGlobalOverload("format_named", OptionalType.create(format), SimpleType.STRING)));
        decls.add(CelFunctionDecl.newFunctionDeclaration(
                "validate",
                CelOverloadDecl.newMemberOverload(
                        "format_validate",
                        OptionalType.create(ListType.create(SimpleType.STRING)),
                        format,
                        SimpleType.STRING)));
        bindings.add(CelFunctionBinding.from("format_named", String.class, n -> Optional.ofNullable(FORMATS.get(n))));
        bindings.add(CelFunctionBinding.from("format_validate", Format.class, String.class, (f, s) -> {
            List<String> problems = f.validate().apply(s);
            return problems.isEmpty() ? Optional.empty() : Optional.of(problems);
        }));
        b.addFunctionDeclarations(decls);
        b.addFunctionBindings(bindings);
    }

    /** Go's url.ParseRequestURI: an absolute URI or an absolute path. */
    private static List<String> uri(String s) {
        try {
            URI u = new URI(s);
            if (u.isAbsolute() || s.startsWith("/")) {
                return List.of();
            }
        } catch (URISyntaxException e) {
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
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** A prefix (generateName) may end in '-': validated as if it ended in 'a'. */
    private static String maskTrailingDash(String s) {
        return s.length() > 1 && s.endsWith("-") ? s.substring(0, s.length() - 1) + "a" : s;
    }
}

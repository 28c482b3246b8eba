package dev.trimtab.kube;

import java.util.ArrayList;
import java.util.List;

/**
 * The API machinery's validation of names and label values ({@code IsDNS1123Label},
 * {@code IsDNS1123Subdomain}, {@code IsDNS1035Label}, {@code IsQualifiedName},
 * {@code IsValidLabelValue}), with its messages: an empty list means valid. Used by the CEL
 * {@code format} library and wherever Trimtab writes names and labels the API server will check.
 */
public final class NameValidation {
    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final String SUBDOMAIN = LABEL + "(\\." + LABEL + ")*";
    private static final String DNS1035 = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String QUALIFIED = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
    private static final String LABEL_VALUE = "(" + QUALIFIED + ")?";
    private static final String QUALIFIED_MESSAGE =
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

    private NameValidation() {}

    public static List<String> dns1123Label(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 63) {
            out.add("must be no more than 63 characters");
        }
        if (!s.matches(LABEL)) {
            out.add(regexError(
                    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
                            + "must start and end with an alphanumeric character",
                    LABEL,
                    "my-name",
                    "123-abc"));
        }
        return out;
    }

    public static List<String> dns1123Subdomain(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 253) {
            out.add("must be no more than 253 characters");
        }
        if (!s.matches(SUBDOMAIN)) {
            out.add(regexError(
                    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
                            + "'.', and must start and end with an alphanumeric character",
                    SUBDOMAIN,
                    "example.com"));
        }
        return out;
    }

    /**
     * A name that may stand as one segment of a request path, as the API server checks kinds and
     * names of references ({@code IsValidPathSegmentName}): not {@code .} or {@code ..}, no {@code /}
     * or {@code %}.
     */
    public static List<String> pathSegmentName(String s) {
        List<String> out = new ArrayList<>();
        if (s.equals(".") || s.equals("..")) {
            out.add("may not be '" + s + "'");
        }
        for (String illegal : List.of("/", "%")) {
            if (s.contains(illegal)) {
                out.add("may not contain '" + illegal + "'");
            }
        }
        return out;
    }

    public static List<String> dns1035Label(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 63) {
            out.add("must be no more than 63 characters");
        }
        if (!s.matches(DNS1035)) {
            out.add(regexError(
                    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                            + "alphabetic character, and end with an alphanumeric character",
                    DNS1035,
                    "my-name",
                    "abc-123"));
        }
        return out;
    }

    public static List<String> qualifiedName(String value) {
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
            return List.of(
                    "a qualified name " + regexError(QUALIFIED_MESSAGE, QUALIFIED, "MyName", "my.name", "123-abc")
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

    public static List<String> labelValue(String s) {
        List<String> out = new ArrayList<>();
        if (s.length() > 63) {
            out.add("must be no more than 63 characters");
        }
        if (!s.matches(LABEL_VALUE)) {
            out.add(regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                            + "'.', and must start and end with an alphanumeric character",
                    LABEL_VALUE,
                    "MyValue",
                    "my_value",
                    "12345"));
        }
        return out;
    }

    /** apimachinery's RegexError, spacing included. */
    private static String regexError(String message, String regex, String... examples) {
        StringBuilder sb = new StringBuilder(message).append(" (e.g. ");
        for (int i = 0; i < examples.length; i++) {
            sb.append(i > 0 ? " or " : "").append('\'').append(examples[i]).append("', ");
        }
        return sb.append("regex used for validation is '")
                .append(regex)
                .append("')")
                .toString();
    }
}

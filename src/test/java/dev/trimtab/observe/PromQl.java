package dev.trimtab.observe;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads. Not a full parser: strings, label matchers
 * ({@code {...}}), ranges and grouping clauses ({@code by (...)}, {@code on (...)}...) are cut
 * out first; what is left that is an identifier not followed by {@code (} and not a keyword is a
 * metric name. Grafana variables ({@code $x}, {@code ${x}}) are dropped.
 */
public final class PromQl {
    private static final Set<String> KEYWORDS = Set.of(
            "by",
            "without",
            "on",
            "ignoring",
            "group_left",
            "group_right",
            "bool",
            "and",
            "or",
            "unless",
            "offset",
            "inf",
            "nan",
            "atan2");
    private static final Pattern IDENT = Pattern.compile("(?<![\\w$:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\\w(])\\s*(\\()?");

    private PromQl() {}

    public static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\$\\{[^}]*}", "1")
                .replaceAll("\\$\\w+", "1")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String name = m.group(1);
            if (m.group(2) == null && !KEYWORDS.contains(name.toLowerCase(Locale.ROOT)) && !name.matches("\\d.*")) {
                out.add(name);
            }
        }
        return out;
    }
}

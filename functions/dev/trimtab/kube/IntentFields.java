package dev.trimtab.kube;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Strict reading of Trimtab's intents ({@code trimtab.dev} kinds such as NetworkIntent and
 * RbacIntent) from map trees. Problems are collected, not thrown, each naming its field path
 * ({@code spec.rules[0]: required}), so that every problem of an intent is reported at once;
 * {@link #read} puts the intent's kind and name in front and leaves out an intent with a problem.
 */
public final class IntentFields {
    /** The intents read, and one message per problem of those left out ({@code Kind name: path: problem}). */
    public record Read<T>(List<T> intents, List<String> errors) {}

    /** Reads one intent's {@code spec}, adding its problems to {@code problems}. */
    @FunctionalInterface
    public interface SpecReader<T> {
        T read(String name, Object spec, List<String> problems);
    }

    private final List<String> problems;
    private final Function<Object, String> shown;

    /** Reads that add their problems to {@code problems}, showing a value of the wrong type with {@link #quote}. */
    public IntentFields(List<String> problems) {
        this(problems, IntentFields::quote);
    }

    /** As {@link #IntentFields(List)}, with {@code shown} writing a value of the wrong type in a problem. */
    public IntentFields(List<String> problems, Function<Object, String> shown) {
        this.problems = problems;
        this.shown = shown;
    }

    /**
     * Every object of {@code kind} in the {@code trimtab.dev} group among {@code objects}, read by
     * {@code spec} after its apiVersion and {@code metadata.name} (a DNS-1123 subdomain, as the API
     * server requires) are checked; objects of other
     * kinds or groups are ignored.
     */
    public static <T> Read<T> read(
            List<Map<String, Object>> objects, String kind, String apiVersion, SpecReader<T> spec) {
        List<T> intents = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            if (!kind.equals(o.get("kind"))
                    || !(o.get("apiVersion") instanceof String v)
                    || !v.startsWith("trimtab.dev/")) {
                continue;
            }
            Map<?, ?> meta = o.get("metadata") instanceof Map<?, ?> m ? m : Map.of();
            String name = meta.get("name") instanceof String n && !n.isEmpty() ? n : null;
            List<String> problems = new ArrayList<>();
            if (!apiVersion.equals(v)) {
                problems.add("apiVersion: got \"" + v + "\", want \"" + apiVersion + "\"");
            }
            if (name == null) {
                problems.add("metadata.name: required");
            } else {
                // as the API server checks a cluster-scoped object's name; Trimtab derives policy names from it
                NameValidation.dns1123Subdomain(name)
                        .forEach(m -> problems.add("metadata.name: got " + quote(name) + ": " + m));
            }
            T intent = spec.read(name, o.get("spec"), problems);
            if (problems.isEmpty()) {
                intents.add(intent);
            }
            problems.forEach(e -> errors.add(kind + " " + (name == null ? "?" : name) + ": " + e));
        }
        return new Read<>(intents, errors);
    }

    /** {@code value} as written in a problem: strings quoted, everything else as is. */
    public static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /** {@code spec.mode}: {@code absent} when not given, else the constant of that name (Audit or Enforce). */
    public <E extends Enum<E>> E mode(Object raw, E absent) {
        if (raw == null) {
            return absent;
        }
        try {
            return Enum.valueOf(absent.getDeclaringClass(), String.valueOf(raw));
        } catch (IllegalArgumentException e) {
            problems.add("spec.mode: got " + quote(raw) + ", want Audit or Enforce");
            return absent;
        }
    }

    /**
     * {@code spec.rules}, each read by {@code rule} (given the rule and its path) and left out when that
     * gives {@code null}; none when absent, a problem when an empty list.
     */
    public <R> List<R> rules(Object raw, BiFunction<Object, String, R> rule) {
        List<?> list = list(raw, "spec.rules");
        if (list.isEmpty() && raw instanceof List<?>) {
            problems.add("spec.rules: must not be empty");
        }
        List<R> rules = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            R r = rule.apply(list.get(i), "spec.rules[" + i + "]");
            if (r != null) {
                rules.add(r);
            }
        }
        return rules;
    }

    /** An object, or {@code null}: absent (a problem if {@code required}) or not an object (a problem). */
    public Map<?, ?> map(Object raw, String path, boolean required) {
        if (raw instanceof Map<?, ?> m) {
            return m;
        }
        if (raw != null) {
            problems.add(path + ": got " + shown.apply(raw) + ", want an object");
        } else if (required) {
            problems.add(path + ": required");
        }
        return null;
    }

    /** A problem for each field of {@code m} not among {@code fields}: a misspelt field must not pass silently. */
    public void known(Map<?, ?> m, String path, String... fields) {
        List<String> allowed = List.of(fields);
        for (Object k : m.keySet()) {
            if (!allowed.contains(String.valueOf(k))) {
                problems.add(path + "." + k + ": unknown field, want one of " + String.join(", ", allowed));
            }
        }
    }

    /** A list; empty when absent, or (with a problem) when not a list. */
    public List<?> list(Object raw, String path) {
        if (raw == null) {
            return List.of();
        }
        if (raw instanceof List<?> l) {
            return l;
        }
        problems.add(path + ": got " + shown.apply(raw) + ", want a list");
        return List.of();
    }

    /** {@link LabelSelector#fromMap}: {@code null} when absent or (with its problem) when not valid. */
    public LabelSelector selector(Object raw, String path) {
        try {
            return LabelSelector.fromMap(raw, path);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return null;
        }
    }
}

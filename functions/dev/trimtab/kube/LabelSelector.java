package dev.trimtab.kube;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector: {@code matchLabels} and {@code matchExpressions} (In, NotIn, Exists,
 * DoesNotExist), all ANDed. An empty selector matches everything; {@link #NOTHING} matches nothing
 * (a scale target without a selector selects no pods).
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
    public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());
    public static final LabelSelector NOTHING =
            new LabelSelector(Map.of(), List.of(new Requirement("", Operator.In, Set.of())));

    public enum Operator {
        In,
        NotIn,
        Exists,
        DoesNotExist
    }

    public record Requirement(String key, Operator operator, Set<String> values) {}

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /** Where {@link #parse} reports a problem: the field, what it holds ({@code null}: absent), what is wanted. */
    @FunctionalInterface
    public interface Problems {
        void add(String path, Object got, String want);
    }

    /**
     * A selector from its JSON form ({@code matchLabels}, {@code matchExpressions}) as a map tree.
     * {@code null} (an absent selector) gives {@code null}: callers decide what absence means
     * (NetworkPolicy peers and RBAC aggregation differ). The first problem is thrown, naming its path.
     */
    public static LabelSelector fromMap(Object selector, String path) {
        return parse(selector, path, (p, got, want) -> {
            throw new IllegalArgumentException(
                    p + ": " + (got == null ? want : "got " + IntentFields.quote(got) + ", " + want));
        });
    }

    /**
     * The project's one reading of a label selector's JSON form (as a map tree), checked as the API
     * server validates it: every problem goes to {@code problems} with its path, and a requirement
     * with a problem is left out. {@code null} gives {@code null}; a selector that is not an object
     * gives {@link #NOTHING}.
     */
    public static LabelSelector parse(Object selector, String path, Problems problems) {
        if (selector == null) {
            return null;
        }
        if (!(selector instanceof Map<?, ?> s)) {
            problems.add(path, selector, "want a label selector object");
            return NOTHING;
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Object ml = s.get("matchLabels");
        if (ml instanceof Map<?, ?> m) {
            m.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        } else if (ml != null) {
            problems.add(path + ".matchLabels", ml, "want a map of labels");
        }
        List<Requirement> reqs = new ArrayList<>();
        Object me = s.get("matchExpressions");
        if (me != null && !(me instanceof List<?>)) {
            problems.add(path + ".matchExpressions", me, "want a list");
        }
        List<?> exprs = me instanceof List<?> l ? l : List.of();
        for (int i = 0; i < exprs.size(); i++) {
            String p = path + ".matchExpressions[" + i + "]";
            if (!(exprs.get(i) instanceof Map<?, ?> e)) {
                problems.add(p, exprs.get(i), "want an object with key, operator and values");
                continue;
            }
            Requirement r = requirement(e, p, problems);
            if (r != null) {
                reqs.add(r);
            }
        }
        return new LabelSelector(labels, reqs);
    }

    private static Requirement requirement(Map<?, ?> e, String p, Problems problems) {
        Object key = e.get("key");
        String validKey = key instanceof String k && !k.isEmpty() ? k : null;
        if (key == null) {
            problems.add(p + ".key", null, "required");
        } else if (validKey == null) {
            problems.add(p + ".key", key, "want a non-empty string");
        }
        Object raw = e.get("operator");
        Operator op = null;
        if (raw == null) {
            problems.add(p + ".operator", null, "required: In, NotIn, Exists or DoesNotExist");
        } else {
            for (Operator o : Operator.values()) {
                if (o.name().equals(raw)) {
                    op = o;
                }
            }
            if (op == null) {
                problems.add(p + ".operator", raw, "want In, NotIn, Exists or DoesNotExist");
            }
        }
        Set<String> values = new LinkedHashSet<>();
        Object vs = e.get("values");
        if (vs instanceof List<?> list) {
            list.forEach(v -> values.add(String.valueOf(v)));
        } else if (vs != null) {
            problems.add(p + ".values", vs, "want a list of strings");
            return null;
        }
        if (op == null || validKey == null) {
            return null;
        }
        boolean needsValues = op == Operator.In || op == Operator.NotIn;
        if (needsValues == values.isEmpty()) {
            problems.add(p + ".values", values, (needsValues ? "must be non-empty for " : "must be empty for ") + op);
            return null;
        }
        return new Requirement(validKey, op, values);
    }

    public boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> e : matchLabels.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        for (Requirement r : matchExpressions) {
            String value = labels.get(r.key());
            boolean ok = switch (r.operator()) {
                case In -> value != null && r.values().contains(value);
                case NotIn -> value == null || !r.values().contains(value);
                case Exists -> labels.containsKey(r.key());
                case DoesNotExist -> !labels.containsKey(r.key());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        matchLabels.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(sb.isEmpty() ? "" : ",")
                        .append(e.getKey())
                        .append('=')
                        .append(e.getValue()));
        for (Requirement r : matchExpressions) {
            sb.append(sb.isEmpty() ? "" : ",")
                    .append(r.key())
                    .append(' ')
                    .append(r.operator())
                    .append(' ')
                    .append(r.values().stream().sorted().toList());
        }
        return sb.toString();
    }
}

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
    public static final LabelSelector NOTHING = new LabelSelector(Map.of(), List.of(
            new Requirement("", Operator.In, Set.of())));

    public enum Operator { In, NotIn, Exists, DoesNotExist }

    public record Requirement(String key, Operator operator, Set<String> values) {}

    public LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        matchExpressions = List.copyOf(matchExpressions);
    }

    /**
     * A selector from its JSON form ({@code matchLabels}, {@code matchExpressions}) as a map tree.
     * {@code null} (an absent selector) gives {@code null}: callers decide what absence means
     * (NetworkPolicy peers and RBAC aggregation differ). Problems name {@code path}.
     */
    @SuppressWarnings("unchecked")
    public static LabelSelector fromMap(Object selector, String path) {
        if (selector == null) {
            return null;
        }
        if (!(selector instanceof Map<?, ?> s)) {
            throw new IllegalArgumentException(path + ": got " + selector + ", want a label selector object");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        Object ml = s.get("matchLabels");
        if (ml instanceof Map<?, ?> m) {
            m.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
        } else if (ml != null) {
            throw new IllegalArgumentException(path + ".matchLabels: got " + ml + ", want a map of labels");
        }
        List<Requirement> reqs = new ArrayList<>();
        Object me = s.get("matchExpressions");
        if (me != null && !(me instanceof List<?>)) {
            throw new IllegalArgumentException(path + ".matchExpressions: got " + me + ", want a list");
        }
        List<?> exprs = me == null ? List.of() : (List<?>) me;
        for (int i = 0; i < exprs.size(); i++) {
            String p = path + ".matchExpressions[" + i + "]";
            if (!(exprs.get(i) instanceof Map<?, ?> e) || !(e.get("key") instanceof String key)) {
                throw new IllegalArgumentException(p + ".key: required");
            }
            Operator op;
            try {
                op = Operator.valueOf(String.valueOf(e.get("operator")));
            } catch (IllegalArgumentException bad) {
                throw new IllegalArgumentException(p + ".operator: got \"" + e.get("operator")
                        + "\", want In, NotIn, Exists or DoesNotExist");
            }
            Set<String> values = new LinkedHashSet<>();
            if (e.get("values") instanceof List<?> vs) {
                vs.forEach(v -> values.add(String.valueOf(v)));
            }
            boolean needsValues = op == Operator.In || op == Operator.NotIn;
            if (needsValues == values.isEmpty()) {
                throw new IllegalArgumentException(p + ".values: got " + values + ", "
                        + (needsValues ? "must be non-empty for " : "must be empty for ") + op);
            }
            reqs.add(new Requirement(key, op, values));
        }
        return new LabelSelector(labels, reqs);
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
        matchLabels.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> sb.append(sb.isEmpty() ? "" : ",").append(e.getKey()).append('=').append(e.getValue()));
        for (Requirement r : matchExpressions) {
            sb.append(sb.isEmpty() ? "" : ",").append(r.key()).append(' ').append(r.operator())
                    .append(' ').append(r.values().stream().sorted().toList());
        }
        return sb.toString();
    }
}

package dev.trimtab.kube;

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

package dev.trimtab.network.core.intent;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Label selectors written back as map trees, and negated, for the policies Trimtab generates. */
final class Selectors {
    private Selectors() {}

    /** The JSON form: {@code {}} for everything, keys sorted, expression values sorted. */
    static Map<String, Object> toMap(LabelSelector s) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (!s.matchLabels().isEmpty()) {
            out.put("matchLabels", new LinkedHashMap<>(new TreeMap<>(s.matchLabels())));
        }
        if (!s.matchExpressions().isEmpty()) {
            List<Object> exprs = new ArrayList<>();
            for (LabelSelector.Requirement r : s.matchExpressions()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("key", r.key());
                e.put("operator", r.operator().name());
                if (!r.values().isEmpty()) {
                    e.put("values", r.values().stream().sorted().toList());
                }
                exprs.add(e);
            }
            out.put("matchExpressions", exprs);
        }
        return out;
    }

    /** Each requirement of {@code s} on its own: matchLabels (sorted by key) then expressions. */
    static List<LabelSelector.Requirement> requirements(LabelSelector s) {
        List<LabelSelector.Requirement> out = new ArrayList<>();
        new TreeMap<>(s.matchLabels())
                .forEach((k, v) -> out.add(new LabelSelector.Requirement(k, LabelSelector.Operator.In, Set.of(v))));
        out.addAll(s.matchExpressions());
        return out;
    }

    static LabelSelector.Requirement negate(LabelSelector.Requirement r) {
        LabelSelector.Operator op = switch (r.operator()) {
            case In -> LabelSelector.Operator.NotIn;
            case NotIn -> LabelSelector.Operator.In;
            case Exists -> LabelSelector.Operator.DoesNotExist;
            case DoesNotExist -> LabelSelector.Operator.Exists;
        };
        return new LabelSelector.Requirement(r.key(), op, r.values());
    }

    /**
     * Selectors whose union is everything {@code s} does not match: one per requirement, negated
     * (De Morgan). Empty when {@code s} matches everything.
     */
    static List<LabelSelector> complementAsUnion(LabelSelector s) {
        return requirements(s).stream()
                .map(r -> new LabelSelector(Map.of(), List.of(negate(r))))
                .toList();
    }

    /**
     * One selector matching exactly what none of {@code selectors} match, when each of them has a
     * single requirement (then the complement is the conjunction of the negations); else empty.
     */
    static Optional<LabelSelector> complementOfAll(List<LabelSelector> selectors) {
        List<LabelSelector.Requirement> reqs = new ArrayList<>();
        for (LabelSelector s : selectors) {
            List<LabelSelector.Requirement> own = requirements(s);
            if (own.size() != 1) {
                return Optional.empty();
            }
            LabelSelector.Requirement n = negate(own.get(0));
            if (!reqs.contains(n)) {
                reqs.add(n);
            }
        }
        return Optional.of(new LabelSelector(Map.of(), reqs));
    }

    /** Pods both select: {@code a}'s matchLabels, then every requirement of both as expressions. */
    static LabelSelector and(LabelSelector a, LabelSelector b) {
        List<LabelSelector.Requirement> exprs = new ArrayList<>(a.matchExpressions());
        requirements(b).stream().filter(r -> !exprs.contains(r)).forEach(exprs::add);
        return new LabelSelector(a.matchLabels(), exprs);
    }
}

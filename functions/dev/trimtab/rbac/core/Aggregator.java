package dev.trimtab.rbac.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules the ClusterRole aggregation controller converges to. For each aggregated ClusterRole:
 * for each selector in order, the other ClusterRoles it matches, by name, each rule appended unless
 * an equal rule is already there. The controller reads the selected roles' stored rules, which for
 * an aggregated role are its own aggregate; here every aggregate starts empty and all are
 * recomputed until none changes, so nested aggregation resolves fully and a cycle (A selects B,
 * B selects A) settles on the union of what the cycle reaches, whatever the written rules said.
 */
final class Aggregator {
    private Aggregator() {}

    /** Effective rules of every ClusterRole, by name (aggregated ones computed, others as written). */
    static Map<String, List<PolicyRule>> effectiveRules(List<Role> clusterRoles) {
        List<Role> byName = new ArrayList<>(clusterRoles);
        byName.sort(Comparator.comparing(r -> r.ref().name()));
        Map<String, List<PolicyRule>> current = new LinkedHashMap<>();
        int totalRules = 0;
        for (Role r : byName) {
            current.put(r.ref().name(), r.isAggregated() ? List.of() : r.rules());
            totalRules += r.rules().size();
        }
        // Which roles each selector of each aggregated role matches, by name order: labels do not
        // change between passes, so this is worked out once.
        Map<String, List<List<Role>>> selected = new LinkedHashMap<>();
        for (Role agg : byName) {
            if (agg.isAggregated()) {
                selected.put(agg.ref().name(), selections(agg, byName));
            }
        }
        // Sets only grow, so this ends; the bound also covers a final pass that orders them stably.
        int maxPasses = byName.size() + totalRules + 2;
        for (int pass = 0; pass < maxPasses; pass++) {
            boolean changed = false;
            for (Role agg : byName) {
                if (!agg.isAggregated()) {
                    continue;
                }
                List<PolicyRule> next = aggregate(selected.get(agg.ref().name()), current);
                if (!next.equals(current.get(agg.ref().name()))) {
                    current.put(agg.ref().name(), next);
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return current;
    }

    /** For each selector of {@code agg} in order, the other roles it matches, in name order. */
    private static List<List<Role>> selections(Role agg, List<Role> byName) {
        List<List<Role>> out = new ArrayList<>();
        for (var selector : agg.aggregationSelectors()) {
            List<Role> matched = new ArrayList<>();
            for (Role r : byName) {
                if (!r.ref().name().equals(agg.ref().name()) && selector.matches(r.labels())) {
                    matched.add(r);
                }
            }
            out.add(matched);
        }
        return out;
    }

    private static List<PolicyRule> aggregate(List<List<Role>> selections, Map<String, List<PolicyRule>> current) {
        List<PolicyRule> out = new ArrayList<>();
        Set<PolicyRule> seen = new HashSet<>();
        for (List<Role> matched : selections) {
            for (Role r : matched) {
                for (PolicyRule rule : current.get(r.ref().name())) {
                    if (seen.add(rule)) {
                        out.add(rule);
                    }
                }
            }
        }
        return List.copyOf(out);
    }
}

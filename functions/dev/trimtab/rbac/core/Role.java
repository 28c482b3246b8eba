package dev.trimtab.rbac.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Map;

/**
 * A Role or ClusterRole as written. {@code aggregationSelectors} is null for a role without an
 * {@code aggregationRule}; for an aggregated ClusterRole its written {@code rules} are ignored and
 * {@link RbacModel#rulesOf} answers the aggregate instead (an empty selector list aggregates
 * nothing).
 */
public record Role(
        ObjectRef ref, Map<String, String> labels, List<PolicyRule> rules, List<LabelSelector> aggregationSelectors) {
    public Role {
        labels = Map.copyOf(labels);
        rules = List.copyOf(rules);
        aggregationSelectors = aggregationSelectors == null ? null : List.copyOf(aggregationSelectors);
    }

    public static Role clusterRole(String name, List<PolicyRule> rules) {
        return new Role(ObjectRef.clusterRole(name), Map.of(), rules, null);
    }

    public static Role role(String namespace, String name, List<PolicyRule> rules) {
        return new Role(ObjectRef.role(namespace, name), Map.of(), rules, null);
    }

    public boolean isAggregated() {
        return aggregationSelectors != null;
    }
}

package dev.trimtab.network.core;

import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Set;

/**
 * A parsed {@code networking.k8s.io/v1} NetworkPolicy. {@code types} are the effective policy
 * types: as written, or when {@code policyTypes} is absent or empty, Ingress plus Egress if the
 * policy has at least one egress rule, as the API server defaults them. A policy with a type and no rules for it isolates
 * its pods for that direction and allows nothing.
 */
public record NetworkPolicy(
        String namespace,
        String name,
        LabelSelector podSelector,
        Set<Direction> types,
        List<PolicyRule> ingress,
        List<PolicyRule> egress) {
    public NetworkPolicy {
        types = Set.copyOf(types);
        ingress = List.copyOf(ingress);
        egress = List.copyOf(egress);
    }

    public String key() {
        return namespace + "/" + name;
    }

    /** Whether this policy isolates {@code pod} for {@code direction}. */
    public boolean selects(Pod pod, Direction direction) {
        return types.contains(direction) && pod.namespace().equals(namespace) && podSelector.matches(pod.labels());
    }

    public List<PolicyRule> rules(Direction direction) {
        return direction == Direction.Ingress ? ingress : egress;
    }
}

package dev.trimtab.placement.core;

import dev.trimtab.kube.LabelSelector;

/**
 * One {@code topologySpreadConstraints} entry, with {@code matchLabelKeys} already folded into the
 * selector (upstream merges them at pod admission / PreFilter). {@code minDomains} defaults to 1;
 * the policies default to Honor (affinity) and Ignore (taints).
 */
public record SpreadConstraint(
        int maxSkew,
        String topologyKey,
        boolean doNotSchedule,
        LabelSelector selector,
        int minDomains,
        boolean honorNodeAffinity,
        boolean honorNodeTaints) {

    boolean selects(PodInfo candidate, String namespace) {
        return selector != null
                && candidate.namespace().equals(namespace)
                && !candidate.terminating()
                && selector.matches(candidate.labels());
    }
}

package dev.trimtab.placement.core;

import dev.trimtab.kube.LabelSelector;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A pod (anti-)affinity term with its owner's namespace already resolved ({@code fwk.AffinityTerm}):
 * the term applies to pods in {@code namespaces} or in namespaces whose labels match
 * {@code namespaceSelector}; with neither given it means the owner's namespace. A null
 * {@code selector} matches no pod (upstream: a nil label selector selects nothing). {@code weight}
 * is 0 for required terms.
 */
public record AffinityTerm(
        Set<String> namespaces,
        LabelSelector namespaceSelector,
        LabelSelector selector,
        String topologyKey,
        int weight) {

    /** Whether {@code pod} is selected by this term; {@code nsLabels} gives a namespace's labels. */
    public boolean matches(PodInfo pod, Function<String, Map<String, String>> nsLabels) {
        if (namespaces.contains(pod.namespace())
                || (namespaceSelector != null && namespaceSelector.matches(nsLabels.apply(pod.namespace())))) {
            return selector != null && selector.matches(pod.labels());
        }
        return false;
    }
}

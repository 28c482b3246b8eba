package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.LabelSelector;
import java.util.Map;

/**
 * A PodDisruptionBudget ({@code policy/v1}) as the eviction subresource applies it: the budget
 * covers pods of its namespace matched by {@code selector} (an empty selector matches every pod; an
 * absent one none); {@code minAvailable} or {@code maxUnavailable} is an integer or a percentage of
 * the covered pods, rounded up as the disruption controller does. With neither set, minAvailable 1.
 */
public record DisruptionBudget(
        String namespace,
        String name,
        LabelSelector selector,
        IntOrPercent minAvailable,
        IntOrPercent maxUnavailable,
        boolean alwaysAllowUnhealthy) {

    /** An {@code IntOrString}: a count, or a percentage when {@code percent}. */
    public record IntOrPercent(int value, boolean percent) {
        static IntOrPercent parse(Object v, String path) {
            if (v == null) {
                return null;
            }
            if (v instanceof Number n) {
                return new IntOrPercent(n.intValue(), false);
            }
            String s = String.valueOf(v).trim();
            try {
                if (s.endsWith("%")) {
                    return new IntOrPercent(Integer.parseInt(s.substring(0, s.length() - 1)), true);
                }
                return new IntOrPercent(Integer.parseInt(s), false);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(path + ": got \"" + s + "\", want an integer or a percentage");
            }
        }

        /** {@code intstr.GetScaledValueFromIntOrPercent(..., roundUp=true)}. */
        int scaled(int total) {
            return percent ? (int) Math.ceil(value * (double) total / 100.0) : value;
        }
    }

    public String key() {
        return namespace + "/" + name;
    }

    public boolean covers(PodFacts pod, Map<String, String> podLabels) {
        return selector != null && namespace.equals(pod.namespace()) && selector.matches(podLabels);
    }

    /** The number of healthy covered pods the budget demands, given {@code expected} covered pods. */
    public int desiredHealthy(int expected) {
        if (maxUnavailable != null) {
            return Math.max(0, expected - maxUnavailable.scaled(expected));
        }
        return minAvailable == null ? 1 : minAvailable.scaled(expected);
    }

    /** Parses a PodDisruptionBudget object map; problems name the field. */
    public static DisruptionBudget fromMap(Map<String, Object> pdb) {
        Map<String, Object> meta = Maps.map(pdb, "metadata");
        Map<String, Object> spec = Maps.map(pdb, "spec");
        String name = Maps.string(meta, "namespace", "default") + "/" + Maps.string(meta, "name", "");
        return new DisruptionBudget(
                Maps.string(meta, "namespace", "default"),
                Maps.string(meta, "name", ""),
                LabelSelector.fromMap(spec.get("selector"), "PodDisruptionBudget " + name + " spec.selector"),
                IntOrPercent.parse(spec.get("minAvailable"), "PodDisruptionBudget " + name + " spec.minAvailable"),
                IntOrPercent.parse(spec.get("maxUnavailable"), "PodDisruptionBudget " + name + " spec.maxUnavailable"),
                "AlwaysAllow".equals(spec.get("unhealthyPodEvictionPolicy")));
    }
}

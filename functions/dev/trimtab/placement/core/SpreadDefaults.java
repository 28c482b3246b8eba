package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PodTopologySpread's defaulting ({@code PodTopologySpreadArgs}): {@link #SYSTEM} (upstream's
 * {@code defaultingType: System}, the default) spreads by {@code kubernetes.io/hostname} with
 * maxSkew 3 and {@code topology.kubernetes.io/zone} with maxSkew 5, both ScheduleAnyway; with
 * {@code defaultingType: List} the given {@code defaultConstraints} apply (none by default). They
 * apply only to a pod without {@code topologySpreadConstraints} of its own, and only when its
 * {@link DefaultSelector} is not empty; every default constraint then counts with that selector.
 * With System defaulting, scoring does not require nodes to carry every topology key (a node
 * without a zone label is still spread by hostname); with List it does, as for a pod's own
 * constraints.
 */
public record SpreadDefaults(boolean system, List<SpreadConstraint> constraints) {
    public static final String HOSTNAME = "kubernetes.io/hostname";
    public static final String ZONE = "topology.kubernetes.io/zone";
    private static final List<SpreadConstraint> SYSTEM_CONSTRAINTS = List.of(
            new SpreadConstraint(3, HOSTNAME, false, null, 1, true, false),
            new SpreadConstraint(5, ZONE, false, null, 1, true, false));
    public static final SpreadDefaults SYSTEM = new SpreadDefaults(true, SYSTEM_CONSTRAINTS);
    /** {@code defaultingType: List} without {@code defaultConstraints}: no default spreading. */
    public static final SpreadDefaults NONE = new SpreadDefaults(false, List.of());

    /** Upstream's {@code ValidatePodTopologySpreadArgs}; messages name the field. */
    public SpreadDefaults {
        constraints = List.copyOf(constraints);
        if (system && !constraints.equals(SYSTEM_CONSTRAINTS)) {
            throw new IllegalArgumentException(
                    "defaultingType: Invalid value: \"System\": when .defaultConstraints are" + " not empty");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < constraints.size(); i++) {
            SpreadConstraint c = constraints.get(i);
            String p = "defaultConstraints[" + i + "]";
            if (c.maxSkew() <= 0) {
                throw new IllegalArgumentException(p + ".maxSkew: got " + c.maxSkew() + ", want greater than 0");
            }
            if (c.topologyKey() == null || c.topologyKey().isEmpty()) {
                throw new IllegalArgumentException(p + ".topologyKey: required");
            }
            if (c.selector() != null) {
                throw new IllegalArgumentException(
                        p + ".labelSelector: constraint must not define a selector, as" + " they deduced for each pod");
            }
            if (!seen.add(c.topologyKey() + "/" + c.doNotSchedule())) {
                throw new IllegalArgumentException(p + ": duplicate topologyKey " + c.topologyKey() + " with "
                        + (c.doNotSchedule() ? "DoNotSchedule" : "ScheduleAnyway"));
            }
        }
    }

    /** {@code defaultingType: List} with these constraints (no selectors; minDomains 1, policies Honor/Ignore). */
    public static SpreadDefaults list(List<SpreadConstraint> constraints) {
        return new SpreadDefaults(false, constraints);
    }

    /** The default constraints that applied to a pod, with the selector they count with. */
    public record Applied(List<SpreadConstraint> constraints, DefaultSelector selector, boolean system) {
        /** For the explanation: which constraints, over which pods, from which objects. */
        public String describe() {
            List<String> parts = new ArrayList<>();
            for (SpreadConstraint c : constraints) {
                parts.add(c.topologyKey() + " maxSkew " + c.maxSkew() + " "
                        + (c.doNotSchedule() ? "DoNotSchedule" : "ScheduleAnyway"));
            }
            return (system ? "system default" : "default") + " topology spread constraints (" + String.join(", ", parts)
                    + ") over the pods matching " + selector.selector() + " (from "
                    + String.join(", ", selector.sources()) + ")";
        }
    }

    /**
     * {@code buildDefaultConstraints}: the default constraints of one kind (DoNotSchedule for the
     * filter, ScheduleAnyway for the score) for a pod without constraints of its own, with its
     * default selector; null when none apply.
     */
    Applied apply(PodInfo pod, Snapshot snapshot, boolean doNotSchedule) {
        if (!pod.spec().spreadConstraints().isEmpty()) {
            return null;
        }
        List<SpreadConstraint> out = new ArrayList<>(constraints.size());
        for (SpreadConstraint c : constraints) {
            if (c.doNotSchedule() == doNotSchedule) {
                out.add(c);
            }
        }
        if (out.isEmpty()) {
            return null;
        }
        DefaultSelector selector = snapshot.defaultSelector(pod);
        if (selector.empty()) {
            return null;
        }
        out.replaceAll(c -> new SpreadConstraint(
                c.maxSkew(),
                c.topologyKey(),
                c.doNotSchedule(),
                selector.selector(),
                c.minDomains(),
                c.honorNodeAffinity(),
                c.honorNodeTaints()));
        return new Applied(List.copyOf(out), selector, system);
    }
}

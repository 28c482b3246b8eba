package dev.trimtab.autoscaler.core;

import java.time.Instant;
import java.util.Set;

/**
 * Where Trimtab must not scale, checked before every evaluation: a policy refused here never
 * writes, whatever its metrics, pause annotations or bounds say.
 * <ol>
 *   <li>{@link Reason#NamespaceExcluded}: the policy's namespace is excluded (system namespaces,
 *       Trimtab's own, and those configured).</li>
 *   <li>{@link Reason#TargetAlreadyScaled}: another controller owns the target (see
 *       {@link ScaleClaims} for who owns it).</li>
 *   <li>{@link Reason#ReplicasChangedByOther}: a second writer changed the target's
 *       {@code spec.replicas} less than {@code foreignWriteHoldMillis} ago: Trimtab holds rather
 *       than write back at once, so a one-off change (a person's {@code kubectl scale}) is not
 *       undone within a second and a controller it does not know of is not fought in a loop; after
 *       the hold it decides again (and writes, if its metrics say so). 0 = never hold.</li>
 * </ol>
 */
public record Boundaries(Set<String> excludedNamespaces, long foreignWriteHoldMillis) {

    public Boundaries {
        excludedNamespaces = Set.copyOf(excludedNamespaces);
    }

    /** No namespace excluded, no hold: only the ownership of targets is checked. */
    public static Boundaries none() {
        return new Boundaries(Set.of(), 0);
    }

    /** Why a policy may not scale its target now. */
    public record Refusal(Reason reason, String message) {}

    /** The refusal of {@code policy} at {@code nowMillis}, or null when it may scale. */
    public Refusal check(ClusterState state, ScalingPolicy policy, long nowMillis) {
        ObjectRef target = policy.targetRef();
        if (excludedNamespaces.contains(policy.ref().namespace())) {
            return new Refusal(
                    Reason.NamespaceExcluded,
                    "namespace " + policy.ref().namespace()
                            + " is excluded from autoscaling: Trimtab never writes to " + target
                            + " (system namespaces, "
                            + "Trimtab's own and trimtab.autoscaler.excluded-namespaces are excluded; "
                            + "trimtab.autoscaler.allowed-system-namespaces opts a system namespace in)");
        }
        ScaleClaim owner = state.claims().otherOwner(ClusterState.TargetKey.of(target), policy.ref());
        if (owner != null) {
            return new Refusal(
                    Reason.TargetAlreadyScaled,
                    target + " is already scaled by " + owner
                            + (owner.foreign() ? "" : ", an older ScalingPolicy")
                            + ": this ScalingPolicy never writes to it, so that two autoscalers do not fight over spec.replicas;"
                            + " delete one of them");
        }
        ReplicaWriters.ForeignWrite f = state.writers().lastForeign(target);
        if (f != null && foreignWriteHoldMillis > 0 && nowMillis - f.atMillis() < foreignWriteHoldMillis) {
            return new Refusal(
                    Reason.ReplicasChangedByOther,
                    f.message() + "; holding until " + Instant.ofEpochMilli(f.atMillis() + foreignWriteHoldMillis)
                            + " before deciding again");
        }
        return null;
    }
}

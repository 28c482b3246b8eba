package dev.trimtab.network.core;

import java.util.List;
import java.util.Locale;

/**
 * The answer for one direction of a connection: the source's egress or the destination's ingress.
 * {@code isolatedBy} lists (as {@code ns/name}) every policy that selects the pod for this
 * direction; {@code allowedBy} every rule of those policies that allows the connection. Empty both
 * when the pod is not isolated or the end is outside the cluster.
 */
public record SideVerdict(Direction direction, Reason reason, List<String> isolatedBy, List<RuleRef> allowedBy) {

    /** Why this side allows or denies; the names are stable (they appear in answers). */
    public enum Reason {
        /** No policy selects the pod for this direction: everything is allowed. */
        NotIsolated,
        /** The pod is isolated and at least one rule allows the connection. */
        AllowedByPolicy,
        /** The pod is isolated and no rule of the isolating policies allows the connection. */
        NoRuleAllows,
        /** This end is an address outside the cluster: no NetworkPolicy applies to it. */
        NotInCluster
    }

    /** Rule {@code index} of the {@code direction} rules of policy {@code policy} ({@code ns/name}). */
    public record RuleRef(String policy, Direction direction, int index) {
        @Override
        public String toString() {
            return policy + " " + direction.name().toLowerCase(Locale.ROOT) + "[" + index + "]";
        }
    }

    public SideVerdict {
        isolatedBy = List.copyOf(isolatedBy);
        allowedBy = List.copyOf(allowedBy);
    }

    public boolean allowed() {
        return reason != Reason.NoRuleAllows;
    }

    public boolean isolated() {
        return !isolatedBy.isEmpty();
    }
}

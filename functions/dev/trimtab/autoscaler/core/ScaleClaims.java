package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Who scales which target. Each target has at most one owner, decided the same way on every
 * replica and in replay, from the claims alone:
 * <ol>
 *   <li>a controller Trimtab cannot make stop (an HPA, a KEDA ScaledObject) before any ScalingPolicy:
 *       Trimtab yields, since fighting over {@code spec.replicas} is the one outcome that is always
 *       wrong, and yielding is the only way Trimtab has not to fight;</li>
 *   <li>then the oldest {@code creationTimestamp} (it was there first);</li>
 *   <li>then kind, namespace and name, so equal timestamps (one-second resolution) still order.</li>
 * </ol>
 * A ScalingPolicy that is not the owner of its target is refused: it never writes.
 */
public final class ScaleClaims {
    static final Comparator<ScaleClaim> ORDER = Comparator.comparing((ScaleClaim c) -> c.foreign() ? 0 : 1)
            .thenComparingLong(ScaleClaim::createdMillis)
            .thenComparing(c -> c.source().kind())
            .thenComparing(c -> c.source().namespace())
            .thenComparing(c -> c.source().name());

    private final Map<ClusterState.TargetKey, Map<ObjectRef, ScaleClaim>> byTarget = new HashMap<>();
    private final Map<ObjectRef, ScaleClaim> bySource = new HashMap<>();

    /** Adds or replaces the claim of {@code claim.source()} (its target may have changed). */
    public void put(ScaleClaim claim) {
        ObjectRef key = identity(claim.source());
        remove(key);
        bySource.put(key, claim);
        byTarget.computeIfAbsent(claim.target(), k -> new LinkedHashMap<>()).put(key, claim);
    }

    /** Forgets the claim of {@code source}; returns it, or null. */
    public ScaleClaim remove(ObjectRef source) {
        ScaleClaim old = bySource.remove(identity(source));
        if (old != null) {
            Map<ObjectRef, ScaleClaim> claims = byTarget.get(old.target());
            if (claims != null) {
                claims.remove(identity(source));
                if (claims.isEmpty()) {
                    byTarget.remove(old.target());
                }
            }
        }
        return old;
    }

    /** The claims on {@code target}, owner first. */
    public List<ScaleClaim> on(ClusterState.TargetKey target) {
        List<ScaleClaim> out =
                new ArrayList<>(byTarget.getOrDefault(target, Map.of()).values());
        out.sort(ORDER);
        return out;
    }

    /**
     * The claim that owns {@code target} when it is not {@code self}'s; null when {@code self} owns
     * it (or nobody else claims it). {@code self} without a claim of its own counts as the newest.
     */
    public ScaleClaim otherOwner(ClusterState.TargetKey target, ObjectRef self) {
        ScaleClaim own = bySource.get(identity(self));
        ScaleClaim owner = own != null ? own : new ScaleClaim(self, self, target, Long.MAX_VALUE);
        for (ScaleClaim c : byTarget.getOrDefault(target, Map.of()).values()) {
            if (ORDER.compare(c, owner) < 0) {
                owner = c;
            }
        }
        return identity(owner.source()).equals(identity(self)) ? null : owner;
    }

    /** Claims are kept per object whatever its API version. */
    private static ObjectRef identity(ObjectRef ref) {
        return new ObjectRef(ref.group(), ref.kind(), ref.namespace(), ref.name());
    }
}

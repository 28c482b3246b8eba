package dev.trimtab.autoscaler.core;

import java.util.List;

/**
 * Turns a metric recommendation into the replica count to apply, as the HPA does: stabilization
 * windows over recent recommendations, then the rate policies over recent scale events, then the
 * min/max bounds. Two variants, like upstream: with {@code behavior}, and the legacy one for specs
 * without it. Both record the unstabilized recommendation in the {@link History}.
 */
public final class ReplicaNormalizer {

    /** The outcome: the replicas to apply and the HPA's AbleToScale / ScalingLimited reasons. */
    public record Normalized(
            int replicas, int stabilized, Reason stabilizationReason, Reason limitReason, String limitMessage) {}

    private ReplicaNormalizer() {}

    /** HPA's normalizeDesiredReplicasWithBehaviors. */
    public static Normalized withBehavior(
            History h, Behavior behavior, int current, int desired, int min, int max, long now) {
        int stabilized = stabilize(h, behavior, current, desired, now);
        Reason stabilizationReason = stabilized == desired
                ? Reason.ReadyForNewScale
                : desired >= current ? Reason.ScaleUpStabilized : Reason.ScaleDownStabilized;
        Limit limit = rateLimit(h, behavior, current, stabilized, min, max, now);
        return new Normalized(limit.replicas, stabilized, stabilizationReason, limit.reason, limit.reason.message());
    }

    /** HPA's stabilizeRecommendationWithBehaviors: clamp between the window's min (up) and max (down). */
    static int stabilize(History h, Behavior behavior, int current, int desired, long now) {
        long upCutoff = now - behavior.scaleUp().stabilizationWindowSeconds() * 1000L;
        long downCutoff = now - behavior.scaleDown().stabilizationWindowSeconds() * 1000L;
        int up = desired;
        int down = desired;
        int oldIndex = -1;
        List<History.Recommendation> recs = h.recommendations;
        for (int i = 0; i < recs.size(); i++) {
            History.Recommendation rec = recs.get(i);
            if (rec.timestampMillis() > upCutoff) {
                up = Math.min(rec.replicas(), up);
            }
            if (rec.timestampMillis() > downCutoff) {
                down = Math.max(rec.replicas(), down);
            }
            if (rec.timestampMillis() < upCutoff && rec.timestampMillis() < downCutoff) {
                oldIndex = i;
            }
        }
        int recommendation = Math.min(Math.max(current, up), down);
        record(h, desired, now, oldIndex);
        return recommendation;
    }

    record Limit(int replicas, Reason reason) {}

    /** HPA's convertDesiredReplicasWithBehaviorRate. */
    static Limit rateLimit(History h, Behavior behavior, int current, int desired, int min, int max, long now) {
        if (desired > current) {
            int scaleUpLimit = Math.max(
                    current, scaleUpLimit(current, h.scaleUpEvents, h.scaleDownEvents, behavior.scaleUp(), now));
            int allowed = max;
            Reason reason = Reason.TooManyReplicas;
            if (allowed > scaleUpLimit) {
                allowed = scaleUpLimit;
                reason = Reason.ScaleUpLimit;
            }
            if (desired > allowed) {
                return new Limit(allowed, reason);
            }
        } else if (desired < current) {
            int scaleDownLimit = Math.min(
                    current, scaleDownLimit(current, h.scaleUpEvents, h.scaleDownEvents, behavior.scaleDown(), now));
            int allowed = min;
            Reason reason = Reason.TooFewReplicas;
            if (allowed < scaleDownLimit) {
                allowed = scaleDownLimit;
                reason = Reason.ScaleDownLimit;
            }
            if (desired < allowed) {
                return new Limit(allowed, reason);
            }
        }
        return new Limit(desired, Reason.DesiredWithinRange);
    }

    /** The most replicas the scale-up policies allow now. */
    public static int scaleUpLimit(
            int current,
            List<History.ScaleEvent> upEvents,
            List<History.ScaleEvent> downEvents,
            ScalingRules rules,
            long now) {
        return limit(true, current, upEvents, downEvents, rules, now);
    }

    /** The fewest replicas the scale-down policies allow now. */
    public static int scaleDownLimit(
            int current,
            List<History.ScaleEvent> upEvents,
            List<History.ScaleEvent> downEvents,
            ScalingRules rules,
            long now) {
        return limit(false, current, upEvents, downEvents, rules, now);
    }

    /**
     * Each policy allows a change from the replicas at the start of its period (current, less what
     * was added, plus what was removed within it): Pods by its value, Percent by its share, rounded
     * up when scaling up and truncated when scaling down. {@code Max} picks the largest change,
     * {@code Min} the smallest, {@code Disabled} none.
     */
    private static int limit(
            boolean up,
            int current,
            List<History.ScaleEvent> upEvents,
            List<History.ScaleEvent> downEvents,
            ScalingRules rules,
            long now) {
        if (rules.selectPolicy() == ScalingRules.SelectPolicy.Disabled) {
            return current;
        }
        boolean lowest = up == (rules.selectPolicy() == ScalingRules.SelectPolicy.Min);
        long result = lowest ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        for (ScalingRules.Policy p : rules.policies()) {
            int start = current
                    - changeInPeriod(p.periodSeconds(), upEvents, now)
                    + changeInPeriod(p.periodSeconds(), downEvents, now);
            long proposed;
            if (p.type() == ScalingRules.PolicyType.Pods) {
                proposed = up ? (long) start + p.value() : (long) start - p.value();
            } else {
                proposed = up
                        ? (long) Math.ceil(start * (1 + p.value() / 100.0))
                        : (long) (start * (1 - p.value() / 100.0));
            }
            result = lowest ? Math.min(result, proposed) : Math.max(result, proposed);
        }
        return (int) result;
    }

    static int changeInPeriod(int periodSeconds, List<History.ScaleEvent> events, long now) {
        long cutoff = now - periodSeconds * 1000L;
        int replicas = 0;
        for (History.ScaleEvent e : events) {
            if (e.timestampMillis > cutoff) {
                replicas += e.replicaChange;
            }
        }
        return replicas;
    }

    /** HPA's storeScaleEvent: remember an applied rescale, reusing an outdated slot. */
    public static void storeScaleEvent(History h, Behavior behavior, int previous, int applied, long now) {
        if (behavior == null || previous == applied) {
            return;
        }
        boolean up = applied > previous;
        List<History.ScaleEvent> events = up ? h.scaleUpEvents : h.scaleDownEvents;
        long cutoff = now - (up ? behavior.scaleUp() : behavior.scaleDown()).longestPeriodSeconds() * 1000L;
        int oldIndex = -1;
        for (int i = 0; i < events.size(); i++) {
            History.ScaleEvent e = events.get(i);
            if (e.timestampMillis < cutoff) {
                e.outdated = true;
            }
            if (e.outdated) {
                oldIndex = i;
            }
        }
        History.ScaleEvent fresh = new History.ScaleEvent(Math.abs(applied - previous), now, false);
        if (oldIndex >= 0) {
            events.set(oldIndex, fresh);
        } else {
            events.add(fresh);
        }
    }

    // ---- legacy path: spec without behavior -------------------------------------------------

    /** HPA's normalizeDesiredReplicas: downscale stabilization, then min/max and the 2x-or-4 limit. */
    public static Normalized legacy(
            History h, Settings settings, int current, int desired, int min, int max, long now) {
        long cutoff = now - settings.downscaleStabilization().toMillis();
        int highest = desired;
        int oldIndex = -1;
        List<History.Recommendation> recs = h.recommendations;
        for (int i = 0; i < recs.size(); i++) {
            History.Recommendation rec = recs.get(i);
            if (rec.timestampMillis() < cutoff) {
                oldIndex = i;
            } else if (rec.replicas() > highest) {
                highest = rec.replicas();
            }
        }
        record(h, desired, now, oldIndex);
        Reason stabilizationReason = highest != desired ? Reason.ScaleDownStabilized : Reason.ReadyForNewScale;
        int scaleUpLimit = (int) Math.max(2.0 * current, 4.0);
        int allowedMax = max;
        Reason limitReason = Reason.TooManyReplicas;
        if (max > scaleUpLimit) {
            allowedMax = scaleUpLimit;
            limitReason = Reason.ScaleUpLimit;
        }
        int replicas = highest;
        Reason reason = Reason.DesiredWithinRange;
        if (highest < min) {
            replicas = min;
            reason = Reason.TooFewReplicas;
        } else if (highest > allowedMax) {
            replicas = allowedMax;
            reason = limitReason;
        }
        return new Normalized(replicas, highest, stabilizationReason, reason, reason.message());
    }

    private static void record(History h, int desired, long now, int oldIndex) {
        History.Recommendation fresh = new History.Recommendation(desired, now);
        if (oldIndex >= 0) {
            h.recommendations.set(oldIndex, fresh);
        } else {
            h.recommendations.add(fresh);
        }
    }
}

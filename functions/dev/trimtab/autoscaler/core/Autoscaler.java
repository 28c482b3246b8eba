package dev.trimtab.autoscaler.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides a ScalingPolicy's replica count from the {@link ClusterState}, at a time given by the
 * caller. One evaluation follows the HPA controller's reconcile step by step, with Trimtab's
 * extensions around it: pause, KEDA activation and fallback, Knative panic mode.
 */
public final class Autoscaler {

    private final Settings settings;
    private final Boundaries boundaries;

    public Autoscaler(Settings settings) {
        this(settings, Boundaries.none());
    }

    public Autoscaler(Settings settings, Boundaries boundaries) {
        this.settings = settings;
        this.boundaries = boundaries;
    }

    public Settings settings() {
        return settings;
    }

    /** Evaluates one policy at {@code nowMillis}; updates its history (recommendations, streaks). */
    public ScaleDecision decide(ClusterState state, ScalingPolicy policy, long nowMillis) {
        ObjectRef targetRef = policy.targetRef();
        ScaleTarget target = state.target(targetRef);
        Boundaries.Refusal refusal = boundaries.check(state, policy, nowMillis);
        if (refusal != null) {
            int current = target == null ? 0 : target.specReplicas();
            return new ScaleDecision(
                    policy.ref(),
                    targetRef,
                    nowMillis,
                    current,
                    current,
                    refusal.reason(),
                    refusal.message(),
                    List.of(),
                    -1,
                    -1,
                    false,
                    target == null ? null : target.resourceVersion());
        }
        if (target == null) {
            return new ScaleDecision(
                    policy.ref(),
                    targetRef,
                    nowMillis,
                    0,
                    0,
                    Reason.FailedGetScale,
                    "the scale target " + targetRef + " was not found",
                    List.of(),
                    -1,
                    -1,
                    false,
                    null);
        }
        Evaluation e = new Evaluation(state, policy, target, state.history(policy.ref()), nowMillis);
        return e.run();
    }

    /** The reason {@code policy} is refused at {@code nowMillis} ({@link Boundaries}), or null. */
    public Reason refusal(ClusterState state, ScalingPolicy policy, long nowMillis) {
        Boundaries.Refusal r = boundaries.check(state, policy, nowMillis);
        return r == null ? null : r.reason();
    }

    /**
     * Records that a decision was applied (the target now has {@code desiredReplicas}): the rate
     * policies count it from now on.
     */
    public void applied(ClusterState state, ScalingPolicy policy, ScaleDecision decision) {
        if (decision.rescale()) {
            ReplicaNormalizer.storeScaleEvent(
                    state.history(policy.ref()),
                    policy.spec().behavior(),
                    decision.currentReplicas(),
                    decision.desiredReplicas(),
                    decision.timeMillis());
        }
    }

    /** One evaluation's working state; discarded afterwards. */
    private final class Evaluation {
        final ClusterState state;
        final ScalingPolicy policy;
        final ScalingSpec spec;
        final ScaleTarget target;
        final History h;
        final long now;
        final int current;
        List<MetricResult> metrics = List.of();
        boolean panicking;
        /** A metric's fallback engaged in this evaluation (its failure streak just passed the threshold). */
        boolean fallbackEngaged;

        Evaluation(ClusterState state, ScalingPolicy policy, ScaleTarget target, History h, long now) {
            this.state = state;
            this.policy = policy;
            this.spec = policy.spec();
            this.target = target;
            this.h = h;
            this.now = now;
            this.current = target.specReplicas();
        }

        ScaleDecision run() {
            if (h.firstSeenMillis < 0) {
                h.firstSeenMillis = now;
                h.recommendations.add(new History.Recommendation(current, now));
            }
            if (policy.paused()) {
                int desired = policy.pausedReplicas() == null ? current : policy.pausedReplicas();
                return decision(
                        desired,
                        Reason.Paused,
                        Reason.Paused.message() + (desired == current ? "" : "; holding at " + desired + " replicas"),
                        -1,
                        -1);
            }
            metrics = computeMetrics();
            if (fallbackEngaged && current > 0) {
                // KEDA feeds its fallback to the HPA while the HPA's window still holds the
                // recommendations from before the outage; here staleness and the failure streak can
                // outlast the window, so the replicas held through the outage are remembered as a
                // recommendation at the moment the fallback engages: a fallback below the current
                // count waits a full scale-down window, then moves at the scale-down policies' pace.
                h.recommendations.add(new History.Recommendation(current, now));
            }
            if (spec.minReplicas() == 0) {
                ScaleDecision activation = activation();
                if (activation != null) {
                    return activation;
                }
            }
            return hpa(spec.activeMinReplicas());
        }

        List<MetricResult> computeMetrics() {
            Tolerances tolerances = tolerances();
            ReplicaCalculator.Input in = new ReplicaCalculator.Input(
                    current,
                    target.statusReplicas(),
                    target.ref().namespace(),
                    target.selector(),
                    state.podsOf(target),
                    state.metrics(),
                    tolerances,
                    settings,
                    now);
            List<MetricResult> results = new ArrayList<>(spec.metrics().size());
            for (int i = 0; i < spec.metrics().size(); i++) {
                MetricResult r = ReplicaCalculator.compute(spec.metrics().get(i), in, policy.ref(), i);
                results.add(fallback(i, r));
            }
            return results;
        }

        Tolerances tolerances() {
            Behavior b = spec.behavior();
            Double down = b == null ? null : b.scaleDown().tolerance();
            Double up = b == null ? null : b.scaleUp().tolerance();
            return new Tolerances(down == null ? settings.tolerance() : down, up == null ? settings.tolerance() : up);
        }

        /**
         * KEDA fallback: after more than failureThreshold failures in a row, propose fixed replicas.
         * The proposal is a recommendation like any other: it goes through the stabilization
         * windows and the rate policies (see {@link #hpa}).
         */
        MetricResult fallback(int index, MetricResult r) {
            int[] streaks = h.failureStreaks(spec.metrics().size());
            if (!r.failed()) {
                streaks[index] = 0;
                return r;
            }
            streaks[index]++;
            ScalingSpec.Fallback f = spec.fallback();
            if (f == null
                    || r.spec().type() == MetricSpec.Type.Resource
                    || r.spec().type() == MetricSpec.Type.ContainerResource
                    || streaks[index] <= f.failureThreshold()) {
                return r;
            }
            if (streaks[index] == f.failureThreshold() + 1) {
                fallbackEngaged = true;
            }
            int replicas = switch (f.behavior()) {
                case Static -> f.replicas();
                case CurrentReplicas -> current;
                case CurrentReplicasIfHigher -> Math.max(current, f.replicas());
                case CurrentReplicasIfLower -> Math.min(current, f.replicas());
            };
            return r.withFallback(
                    replicas, "fallback " + f.behavior() + " after " + streaks[index] + " failures in a row");
        }

        /**
         * Where KEDA's initial cooldown starts: the policy's creation (KEDA: the ScaledObject's
         * creationTimestamp), even if its target did not exist then; the first evaluation when
         * unknown. (The HPA's initial recommendation keeps the first evaluation.)
         */
        long since() {
            long created = state.policySince(policy.ref());
            return created >= 0 ? created : h.firstSeenMillis;
        }

        /** KEDA's 0 <-> 1 phase; null when the HPA phase decides. */
        ScaleDecision activation() {
            boolean active = false;
            boolean error = false;
            for (MetricResult r : metrics) {
                MetricSpec.Type t = r.spec().type();
                if (t != MetricSpec.Type.Object && t != MetricSpec.Type.External) {
                    continue;
                }
                if (r.failed()) {
                    error = true;
                } else if (r.activationValue() == null
                        || r.activationValue() > r.spec().activationMilli()) {
                    // a metric in fallback has no value and counts as active, as in KEDA; a Kafka
                    // metric is compared on its lag with persistent lag (KEDA's getTotalLag)
                    active = true;
                }
            }
            ScalingSpec.ScaleToZero z = spec.scaleToZero();
            Activation.Input in = new Activation.Input(
                    current,
                    active,
                    error,
                    spec.fallback() == null ? -1 : spec.fallback().replicas(),
                    h.lastActiveMillis,
                    since(),
                    z.cooldownSeconds(),
                    z.initialCooldownSeconds(),
                    now);
            if (Activation.refreshesLastActive(in)) {
                h.lastActiveMillis = now;
            }
            switch (Activation.decide(in)) {
                case Wake -> {
                    int proposal = highestProposal();
                    int desired = Math.min(spec.maxReplicas(), Math.max(spec.activeMinReplicas(), proposal));
                    // remembered like any recommendation, so the scale-down window protects the wake-up
                    h.recommendations.add(new History.Recommendation(desired, now));
                    return decision(
                            desired,
                            Reason.Activated,
                            "New size: " + desired + "; reason: " + Reason.Activated.message(),
                            proposal,
                            -1);
                }
                case StayAtZero -> {
                    return decision(
                            0,
                            Reason.Inactive,
                            error ? "an activation metric failed: staying at zero" : Reason.Inactive.message(),
                            -1,
                            -1);
                }
                case Sleep -> {
                    return decision(
                            0,
                            Reason.Deactivated,
                            "New size: 0; reason: " + Reason.Deactivated.message(),
                            highestProposal(),
                            -1);
                }
                default -> {
                    return null;
                }
            }
        }

        int highestProposal() {
            int best = 0;
            for (MetricResult r : metrics) {
                if (!r.failed()) {
                    best = Math.max(best, r.proposedReplicas());
                }
            }
            return best;
        }

        /** The HPA's reconcile: bounds shortcuts, metric proposals, normalization. */
        ScaleDecision hpa(int min) {
            int max = spec.maxReplicas();
            if (current == 0 && min != 0) {
                return decision(0, Reason.ScalingDisabled, Reason.ScalingDisabled.message(), -1, -1);
            }
            if (current > max) {
                return decision(
                        max,
                        Reason.TooManyReplicas,
                        "New size: " + max + "; reason: Current number of replicas above Spec.MaxReplicas",
                        -1,
                        -1);
            }
            if (current < min) {
                return decision(
                        min,
                        Reason.TooFewReplicas,
                        "New size: " + min + "; reason: Current number of replicas below Spec.MinReplicas",
                        -1,
                        -1);
            }
            int proposal = 0;
            String metricName = "";
            int invalid = 0;
            MetricResult firstInvalid = null;
            for (MetricResult r : metrics) {
                if (r.failed()) {
                    if (firstInvalid == null) {
                        firstInvalid = r;
                    }
                    invalid++;
                    continue;
                }
                if (proposal == 0 || r.proposedReplicas() > proposal) {
                    proposal = r.proposedReplicas();
                    metricName = r.spec().displayName();
                }
            }
            if (invalid >= metrics.size() || (invalid > 0 && proposal < current)) {
                return decision(
                        current,
                        Reason.FailedGetMetrics,
                        "invalid metrics (" + invalid + " invalid out of " + metrics.size() + "), first error is: "
                                + firstInvalid.error(),
                        -1,
                        -1);
            }
            if (spec.panic() != null) {
                return panic(proposal, min, max);
            }
            ReplicaNormalizer.Normalized n = spec.behavior() == null
                    ? ReplicaNormalizer.legacy(h, settings, current, proposal, min, max, now)
                    : ReplicaNormalizer.withBehavior(h, spec.behavior(), current, proposal, min, max, now);
            Reason reason = n.replicas() != n.stabilized()
                    ? n.limitReason()
                    : n.stabilized() != proposal ? n.stabilizationReason() : Reason.DesiredWithinRange;
            String message;
            if (n.replicas() != current) {
                String why = proposal > current ? metricName + " above target" : "All metrics below target";
                message = "New size: " + n.replicas() + "; reason: " + why;
                if (reason != Reason.DesiredWithinRange) {
                    message += "; " + reason.message();
                }
            } else {
                message = reason == Reason.DesiredWithinRange && proposal == current
                        ? "recommended size matches current size"
                        : reason.message();
            }
            return decision(n.replicas(), reason, message, proposal, n.stabilized());
        }

        ScaleDecision panic(int proposal, int min, int max) {
            PanicController.Result r = PanicController.decide(h, spec.panic(), metrics, proposal, target, state, now);
            panicking = r.panicking();
            int desired = Math.max(min, Math.min(max, r.replicas()));
            Reason reason = desired != r.replicas()
                    ? (desired == max ? Reason.TooManyReplicas : Reason.TooFewReplicas)
                    : r.panicking() ? Reason.Panicking : Reason.DesiredWithinRange;
            String message = (desired != current ? "New size: " + desired + "; " : "") + r.message();
            return decision(desired, reason, message, proposal, r.replicas());
        }

        ScaleDecision decision(int desired, Reason reason, String message, int recommendation, int stabilized) {
            return new ScaleDecision(
                    policy.ref(),
                    target.ref(),
                    now,
                    current,
                    desired,
                    reason,
                    message,
                    metrics,
                    recommendation,
                    stabilized,
                    panicking,
                    target.resourceVersion());
        }
    }
}

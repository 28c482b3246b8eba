package dev.trimtab.autoscaler.core;

import static dev.trimtab.autoscaler.core.Fleet.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.Seeded;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Invariants of the decision core over random load timelines. */
class AutoscalerProperties {

    /** One step of a timeline: wait {@code seconds}, then every pod reports {@code cpuPercent}% of its request. */
    record Step(int seconds, int cpuPercent) {}

    static List<Step> timeline(Seeded.Gen g) {
        return g.list(1, 60, r -> new Step(r.between(1, 120), r.between(0, 400)));
    }

    /** Scale-up by Pods and Percent (Max), scale-down by Percent (Max or Min), each with a window; null one time in five. */
    static Behavior behavior(Seeded.Gen g) {
        if (g.chance(0.2)) {
            return null;
        }
        ScalingRules up = new ScalingRules(
                g.between(0, 600),
                ScalingRules.SelectPolicy.Max,
                List.of(
                        new ScalingRules.Policy(ScalingRules.PolicyType.Pods, g.between(1, 10), g.between(1, 300)),
                        new ScalingRules.Policy(
                                ScalingRules.PolicyType.Percent, g.between(10, 300), g.between(1, 120))),
                null);
        int window = g.between(0, 600);
        int percent = g.between(1, 100);
        int period = g.between(1, 300);
        ScalingRules down = new ScalingRules(
                window,
                g.oneOf(ScalingRules.SelectPolicy.Max, ScalingRules.SelectPolicy.Min),
                List.of(new ScalingRules.Policy(ScalingRules.PolicyType.Percent, percent, period)),
                null);
        return new Behavior(up, down);
    }

    @Test
    void desiredStaysWithinMinAndMax() {
        Seeded.forAll(
                300, g -> desiredStaysWithinMinAndMax(g.between(1, 5), g.between(0, 25), behavior(g), timeline(g)));
    }

    private static void desiredStaysWithinMinAndMax(int min, int extra, Behavior behavior, List<Step> steps) {
        int max = min + extra;
        Fleet f = new Fleet(Settings.defaults(), Fleet.cpu(min, max, 60, behavior), min + extra / 2);
        long now = T0;
        for (Step s : steps) {
            now += s.seconds() * 1000L;
            f.cpuPercent(s.cpuPercent(), now);
            ScaleDecision d = f.step(now);
            assertThat(d.desiredReplicas()).as("%s at %s", d.reason(), now).isBetween(min, max);
        }
    }

    @Test
    void noScaleDownInsideTheStabilizationWindow() {
        Seeded.forAll(300, g -> noScaleDownInsideTheStabilizationWindow(behavior(g), timeline(g)));
    }

    private static void noScaleDownInsideTheStabilizationWindow(Behavior behavior, List<Step> steps) {
        Fleet f = new Fleet(Settings.defaults(), Fleet.cpu(1, 50, 60, behavior), 10);
        long windowMillis = behavior == null
                ? Settings.defaults().downscaleStabilization().toMillis()
                : behavior.scaleDown().stabilizationWindowSeconds() * 1000L;
        List<long[]> recommendations = new ArrayList<>(); // {time, replicas}
        long now = T0;
        recommendations.add(new long[] {now + 1000, 10}); // the HPA's initial recommendation
        for (Step s : steps) {
            now += s.seconds() * 1000L;
            f.cpuPercent(s.cpuPercent(), now);
            ScaleDecision d = f.step(now);
            if (d.recommendation() >= 0) {
                recommendations.add(new long[] {now, d.recommendation()});
            }
            if (d.desiredReplicas() < d.currentReplicas()) {
                long cutoff = now - windowMillis;
                long highest = recommendations.stream()
                        .filter(r -> r[0] > cutoff)
                        .mapToLong(r -> r[1])
                        .max()
                        .orElse(0);
                assertThat((long) d.desiredReplicas())
                        .as("scale-down at %d below a recommendation inside the window", now)
                        .isGreaterThanOrEqualTo(Math.min(highest, d.currentReplicas()));
            }
        }
    }

    @Test
    void rateLimitsAreNeverExceeded() {
        Seeded.forAll(300, g -> rateLimitsAreNeverExceeded(behavior(g), timeline(g)));
    }

    private static void rateLimitsAreNeverExceeded(Behavior behavior, List<Step> steps) {
        if (behavior == null) {
            return;
        }
        Fleet f = new Fleet(Settings.defaults(), Fleet.cpu(1, 200, 60, behavior), 4);
        List<long[]> changes = new ArrayList<>(); // {time, signed change}
        long now = T0;
        for (Step s : steps) {
            now += s.seconds() * 1000L;
            f.cpuPercent(s.cpuPercent(), now);
            ScaleDecision d = f.step(now);
            if (!d.rescale()) {
                continue;
            }
            int current = d.currentReplicas();
            ScalingRules rules = d.desiredReplicas() > current ? behavior.scaleUp() : behavior.scaleDown();
            long allowed = d.desiredReplicas() > current ? Long.MIN_VALUE : Long.MAX_VALUE;
            for (ScalingRules.Policy p : rules.policies()) {
                long cutoff = now - p.periodSeconds() * 1000L;
                long start = current
                        - changes.stream()
                                .filter(c -> c[0] > cutoff)
                                .mapToLong(c -> c[1])
                                .sum();
                if (d.desiredReplicas() > current) {
                    long limit = p.type() == ScalingRules.PolicyType.Pods
                            ? start + p.value()
                            : (long) Math.ceil(start * (1 + p.value() / 100.0));
                    allowed = Math.max(allowed, limit);
                } else {
                    long limit = p.type() == ScalingRules.PolicyType.Pods
                            ? start - p.value()
                            : (long) (start * (1 - p.value() / 100.0));
                    allowed = rules.selectPolicy() == ScalingRules.SelectPolicy.Min
                            ? Math.max(allowed == Long.MAX_VALUE ? Long.MIN_VALUE : allowed, limit)
                            : Math.min(allowed, limit);
                }
            }
            if (d.desiredReplicas() > current) {
                assertThat((long) d.desiredReplicas())
                        .as("scale-up at %d", now)
                        .isLessThanOrEqualTo(Math.max(allowed, current));
            } else {
                assertThat((long) d.desiredReplicas())
                        .as("scale-down at %d", now)
                        .isGreaterThanOrEqualTo(Math.min(allowed, current));
            }
            changes.add(new long[] {now, d.desiredReplicas() - current});
        }
    }
}

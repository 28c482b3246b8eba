package dev.trimtab.autoscaler.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Knative KPA's stable and panic modes.
 *
 * <p>{@link #scale} is a pure re-statement of the KPA decider's {@code Scale(now)} step (Knative
 * Serving, {@code pkg/autoscaler/scaling}): rate limits, panic entry/extension/exit, the running
 * maximum while panicking, activation scale, the scale-down delay window and the excess burst
 * capacity. It is checked against the upstream vectors in
 * {@code src/test/resources/upstream/knative/panic-scenarios.json}.
 *
 * <p>{@link #decide} adapts it to Trimtab: the metrics' un-rounded pod demand is the observed
 * value with a target of 1 pod, averaged (time-weighted) over the stable and panic windows from
 * the demand history kept in {@link History#demand}.
 */
final class PanicController {

    /** {@code readyPods} value telling {@link #scale} that the pod counter failed (not "not found"). */
    static final int PODS_UNKNOWN = -1;

    /** Unix seconds per scale-down-delay bucket (Knative's tick interval). */
    static final long DELAY_BUCKET_SECONDS = 2;

    record Result(int replicas, boolean panicking, String message) {}

    /**
     * The decider's configuration (Knative's DeciderSpec, minus what {@link #scale} never reads).
     *
     * @param targetValue         metric value one pod should carry; the raw desired counts are
     *                            {@code ceil(observed / targetValue)} (must be &gt; 0)
     * @param totalValue          metric value one pod can carry at most; only used for the excess
     *                            burst capacity
     * @param targetBurstCapacity 0: EBC is 0; &gt; 0: EBC is computed; -1: unlimited (EBC is -1)
     * @param maxScaleUpRate      at most {@code ceil(rate x ready)} pods per step (&gt; 1)
     * @param maxScaleDownRate    at least {@code floor(ready / rate)} pods per step when reachable (&gt; 1)
     * @param panicThreshold      a ratio, not a percentage: panic when raw panic-window pods per
     *                            ready pod reach it (Knative's default 200 % is 2.0)
     * @param stableWindowMillis  panic ends on the first not-over step strictly more than this
     *                            after the last over-threshold step
     * @param scaleDownDelayMillis 0: no delay window; otherwise the window is created with
     *                            {@code ceil(delay / 2 s)} buckets when the state is created
     * @param reachable           false: no lower rate limit and the delay window is bypassed
     * @param activationScale     0 or 1: off; &gt; 1: a non-zero raw count is raised to at least this
     */
    record Spec(
            double targetValue,
            double totalValue,
            double targetBurstCapacity,
            double maxScaleUpRate,
            double maxScaleDownRate,
            double panicThreshold,
            long stableWindowMillis,
            long scaleDownDelayMillis,
            boolean reachable,
            int activationScale) {

        /** Trimtab's panic mode: demand is already in pods, so target and per-pod total are both 1. */
        static Spec of(ScalingSpec.PanicMode p) {
            return new Spec(
                    1.0,
                    1.0,
                    0,
                    p.maxScaleUpRate(),
                    p.maxScaleDownRate(),
                    p.panicThresholdPercentage() / 100.0,
                    p.stableWindowSeconds() * 1000L,
                    0,
                    true,
                    0);
        }
    }

    /**
     * What the decider remembers between steps. Immutable: {@link #scale} returns the next state.
     *
     * @param panicking        whether panic mode is on; Knative encodes "off" as a zero panic time,
     *                         here it is explicit so that any timestamp (even a negative one) is valid
     * @param panicStartMillis when meaningful ({@code panicking}): the construction time or the last
     *                         step that was over the threshold, epoch millis
     * @param maxPanicPods     the running maximum returned while panicking; reset to 0 only when panic
     *                         ends, so outside panic it may still hold the construction count
     * @param delay            the scale-down-delay window, or null when the spec had no delay at
     *                         creation (a later spec never adds, removes or resizes it)
     */
    record PanicState(boolean panicking, long panicStartMillis, int maxPanicPods, DelayWindow delay) {

        /**
         * The state of a freshly created decider: panicking since {@code nowMillis} when more than
         * one pod is ready, and {@code maxPanicPods} = the ready count in every case.
         *
         * @param readyPods the pod count read at creation; pass 0 when the pod counter failed
         */
        static PanicState initial(Spec spec, int readyPods, long nowMillis) {
            int pods = Math.max(0, readyPods);
            DelayWindow delay =
                    spec.scaleDownDelayMillis() > 0 ? DelayWindow.forDelay(spec.scaleDownDelayMillis()) : null;
            return new PanicState(pods > 1, pods > 1 ? nowMillis : 0, pods, delay);
        }
    }

    /**
     * One step's outcome. An invalid step ({@code valid = false}) has desired 0, EBC 0 and returns
     * the input state unchanged; callers keep their current scale.
     *
     * @param excessBurstCapacity spare capacity in metric units beyond the target burst capacity
     *                            (negative: short of it; -1 with unlimited TBC)
     */
    record Step(int desiredPodCount, int excessBurstCapacity, boolean valid, PanicState next) {}

    /**
     * Knative's scale-down delay: a sliding maximum over the last {@code size} buckets of
     * {@value #DELAY_BUCKET_SECONDS} Unix seconds (bucket = floor(unix seconds / 2), so buckets are
     * aligned to even Unix seconds). A bucket keeps the largest value recorded into it. Kept as a
     * monotone deque: indexes increase and values strictly decrease from front to back, so the
     * front is the current maximum. Immutable; time must not go backwards between records.
     */
    static final class DelayWindow {
        private final int size;
        private final long[] index;
        private final int[] value;

        private DelayWindow(int size, long[] index, int[] value) {
            this.size = size;
            this.index = index;
            this.value = value;
        }

        static DelayWindow forDelay(long delayMillis) {
            int buckets =
                    (int) Math.max(1, (delayMillis + DELAY_BUCKET_SECONDS * 1000 - 1) / (DELAY_BUCKET_SECONDS * 1000));
            return new DelayWindow(buckets, new long[0], new int[0]);
        }

        /** Number of 2 s buckets the maximum spans. */
        int size() {
            return size;
        }

        /** This window with {@code v} recorded at {@code nowMillis}, older buckets scrolled out. */
        DelayWindow record(long nowMillis, int v) {
            long bucket = Math.floorDiv(Math.floorDiv(nowMillis, 1000L), DELAY_BUCKET_SECONDS);
            int from = 0;
            while (from < index.length && index[from] <= bucket - size) {
                from++;
            }
            int to = index.length;
            while (to > from && value[to - 1] <= v) {
                to--;
            }
            boolean dominated = to > from && index[to - 1] == bucket;
            int n = to - from + (dominated ? 0 : 1);
            long[] i2 = Arrays.copyOf(Arrays.copyOfRange(index, from, to), n);
            int[] v2 = Arrays.copyOf(Arrays.copyOfRange(value, from, to), n);
            if (!dominated) {
                i2[n - 1] = bucket;
                v2[n - 1] = v;
            }
            return new DelayWindow(size, i2, v2);
        }

        /** The maximum over the window ending at the last record; 0 when nothing was recorded. */
        int current() {
            return value.length == 0 ? 0 : value[0];
        }
    }

    private PanicController() {}

    /**
     * One KPA decision (Knative's {@code Scale(now)}), without side effects.
     *
     * @param readyPods      the pod counter's answer; {@link #PODS_UNKNOWN} (any negative value)
     *                       means it failed, which makes the step invalid. 0 ("not found") counts
     *                       as 1 for the rate limits and the threshold, as 0 for the EBC
     * @param observedStable revision-wide metric total averaged over the stable window, in the
     *                       units of {@code spec.targetValue}; NaN means the metric read failed
     *                       (invalid step)
     * @param observedPanic  the same over the panic window; NaN means failure
     * @param nowMillis      the step's time, epoch millis (never decreasing when a delay window is used)
     */
    static Step scale(
            PanicState state, Spec spec, int readyPods, double observedStable, double observedPanic, long nowMillis) {
        if (readyPods < 0 || Double.isNaN(observedStable) || Double.isNaN(observedPanic)) {
            return new Step(0, 0, false, state);
        }
        double ready = Math.max(1, readyPods);
        double maxScaleUp = Math.ceil(spec.maxScaleUpRate() * ready);
        double maxScaleDown = spec.reachable() ? Math.floor(ready / spec.maxScaleDownRate()) : 0;

        double dspc = Math.ceil(observedStable / spec.targetValue());
        double dppc = Math.ceil(observedPanic / spec.targetValue());
        int desiredStable = (int) Math.min(Math.max(dspc, maxScaleDown), maxScaleUp);
        int desiredPanic = (int) Math.min(Math.max(dppc, maxScaleDown), maxScaleUp);
        if (spec.activationScale() > 1) {
            if (dspc > 0 && spec.activationScale() > desiredStable) {
                desiredStable = spec.activationScale();
            }
            if (dppc > 0 && spec.activationScale() > desiredPanic) {
                desiredPanic = spec.activationScale();
            }
        }

        boolean panicking = state.panicking();
        long panicStart = state.panicStartMillis();
        int maxPanicPods = state.maxPanicPods();
        boolean over = dppc / ready >= spec.panicThreshold();
        if (over) {
            panicking = true;
            panicStart = nowMillis;
        } else if (panicking && panicStart + spec.stableWindowMillis() < nowMillis) {
            panicking = false;
            panicStart = 0;
            maxPanicPods = 0;
        }

        int desired = desiredStable;
        if (panicking) {
            maxPanicPods = Math.max(maxPanicPods, Math.max(desiredStable, desiredPanic));
            desired = maxPanicPods;
        }

        DelayWindow delay = state.delay();
        if (spec.reachable() && delay != null) {
            delay = delay.record(nowMillis, desired);
            desired = delay.current();
        }

        int ebc;
        if (spec.targetBurstCapacity() == 0) {
            ebc = 0;
        } else if (spec.targetBurstCapacity() > 0) {
            ebc = (int) Math.floor(readyPods * spec.totalValue() - spec.targetBurstCapacity() - observedPanic);
        } else {
            ebc = -1;
        }
        return new Step(desired, ebc, true, new PanicState(panicking, panicStart, maxPanicPods, delay));
    }

    /**
     * Panic mode for {@link Autoscaler}: {@link #scale} over the metrics' pod demand (the largest
     * demand of the metrics that have one, else {@code proposal}), with target 1 pod, no target
     * burst capacity, no activation scale, no scale-down delay and the workload always reachable.
     * The observed values are time-weighted averages of the demand history over the stable and
     * the panic window (see {@link #timeWeightedAverage}). The first evaluation of a workload (no
     * demand history and no panic state) plays Knative's decider creation: with more than one
     * ready pod it starts in panic, holding at least the ready count for one stable window.
     *
     * <p>Reads and writes {@code h.demand}, {@code h.panicStartMillis} (-1 when not panicking) and
     * {@code h.maxPanicPods}.
     */
    static Result decide(
            History h,
            ScalingSpec.PanicMode p,
            List<MetricResult> metrics,
            int proposal,
            ScaleTarget target,
            ClusterState state,
            long now) {
        double demand = Double.NaN;
        for (MetricResult r : metrics) {
            if (!r.failed() && !Double.isNaN(r.demand())) {
                demand = Double.isNaN(demand) ? r.demand() : Math.max(demand, r.demand());
            }
        }
        if (Double.isNaN(demand)) {
            demand = proposal;
        }
        int ready = 0;
        for (Pod pod : state.podsOf(target)) {
            if (pod.runningAndReady()) {
                ready++;
            }
        }
        Spec spec = Spec.of(p);
        boolean first = h.demand.isEmpty() && h.panicStartMillis < 0 && h.maxPanicPods == 0;
        h.demand.add(new History.DemandPoint(now, demand));
        prune(h.demand, now - spec.stableWindowMillis());
        double stable = timeWeightedAverage(h.demand, now - spec.stableWindowMillis(), now);
        double panic = timeWeightedAverage(h.demand, now - p.panicWindowMillis(), now);

        PanicState before = first
                ? PanicState.initial(spec, ready, now)
                : new PanicState(h.panicStartMillis >= 0, Math.max(0, h.panicStartMillis), h.maxPanicPods, null);
        Step step = scale(before, spec, ready, stable, panic, now);
        String windows = String.format(
                Locale.ROOT, "stable demand %.3f pods, panic demand %.3f pods over %d ready", stable, panic, ready);
        if (!step.valid()) {
            return new Result(target.specReplicas(), h.panicking(), "no valid panic-mode decision: " + windows);
        }
        PanicState after = step.next();
        h.panicStartMillis = after.panicking() ? after.panicStartMillis() : -1;
        h.maxPanicPods = after.maxPanicPods();
        if (!after.panicking()) {
            return new Result(step.desiredPodCount(), false, "stable mode: " + windows);
        }
        return new Result(
                step.desiredPodCount(),
                true,
                "panic mode since "
                        + Instant.ofEpochMilli(after.panicStartMillis()) + ": " + windows
                        + "; never scaling down while panicking");
    }

    /**
     * Drops the points that can no longer weigh in a window starting at {@code windowStart}: all
     * those before the last point at or before it. That last one stays, since its value holds into
     * the window. Points must be in time order.
     */
    static void prune(List<History.DemandPoint> points, long windowStart) {
        int keepFrom = 0;
        for (int i = 0; i < points.size(); i++) {
            if (points.get(i).timestampMillis() <= windowStart) {
                keepFrom = i;
            }
        }
        points.subList(0, keepFrom).clear();
    }

    /**
     * The average over {@code (from, to]} of the demand the points report, where each point
     * describes the time since the previous point: point i weighs {@code t(i) - t(i-1)}, clipped to
     * the window. So the newest observation counts at once (panic reacts on the evaluation that
     * sees the spike), and a long silence is filled by the observation that ends it. The first point
     * has no predecessor and no weight, unless it is the only point, whose demand is returned as is;
     * with no points, 0.
     */
    static double timeWeightedAverage(List<History.DemandPoint> points, long from, long to) {
        if (points.isEmpty()) {
            return 0;
        }
        double area = 0;
        long covered = 0;
        for (int i = 1; i < points.size(); i++) {
            long start = Math.max(from, points.get(i - 1).timestampMillis());
            long end = Math.min(to, points.get(i).timestampMillis());
            if (end > start) {
                area += points.get(i).demand() * (end - start);
                covered += end - start;
            }
        }
        return covered == 0 ? points.get(points.size() - 1).demand() : area / covered;
    }
}

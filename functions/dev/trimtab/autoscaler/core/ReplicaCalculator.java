package dev.trimtab.autoscaler.core;

import dev.trimtab.kube.LabelSelector;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HPA replica calculator: for one metric, the replica count that brings the observed value to
 * its target. Integer milli-units and rounding follow the upstream controller exactly; see
 * package-info for the rules.
 */
public final class ReplicaCalculator {

    /** Everything one metric computation reads. Pods are those selected by the target, in order. */
    public record Input(
            int currentReplicas,
            int statusReplicas,
            String namespace,
            LabelSelector selector,
            List<Pod> pods,
            MetricStore store,
            Tolerances tolerances,
            Settings settings,
            long nowMillis) {}

    private ReplicaCalculator() {}

    public static MetricResult compute(MetricSpec spec, Input in) {
        return compute(spec, in, null, -1);
    }

    /**
     * As {@link #compute(MetricSpec, Input)}, for metric {@code index} of {@code policy}: a Kafka
     * metric reads that metric's latest poll (a poll is folded per policy and metric).
     */
    public static MetricResult compute(MetricSpec spec, Input in, ObjectRef policy, int index) {
        if (spec.kafka() != null) {
            return kafkaMetric(spec, in, policy, index);
        }
        return switch (spec.type()) {
            case Resource, ContainerResource -> resource(spec, in);
            case Pods -> podsMetric(spec, in);
            case Object -> objectMetric(spec, in);
            case External -> externalMetric(spec, in);
        };
    }

    // ---- Resource / ContainerResource ------------------------------------------------------

    private static MetricResult resource(MetricSpec spec, Input in) {
        String container = spec.type() == MetricSpec.Type.ContainerResource ? spec.container() : "";
        Map<String, Sample> metrics = new LinkedHashMap<>();
        boolean anyReported = false;
        Set<String> listed = new HashSet<>();
        for (Pod pod : in.pods()) {
            listed.add(pod.name());
            PodUsage usage = in.store().podUsage(in.namespace(), pod.name());
            if (usage != null && !stale(usage.timestampMillis(), in)) {
                anyReported = true;
                Long value = usage.usage(spec.resource(), container);
                if (value != null) {
                    metrics.put(pod.name(), new Sample(value, usage.timestampMillis(), usage.windowMillis()));
                }
            }
        }
        // Like the metrics API, also answer for pods the selector matches by the labels their
        // PodMetrics carries, though their Pod object has not been seen yet.
        for (Map.Entry<String, PodUsage> e :
                in.store().orphanUsages(in.namespace()).entrySet()) {
            PodUsage usage = e.getValue();
            if (listed.contains(e.getKey())
                    || usage.labels().isEmpty()
                    || !in.selector().matches(usage.labels())
                    || stale(usage.timestampMillis(), in)) {
                continue;
            }
            anyReported = true;
            Long value = usage.usage(spec.resource(), container);
            if (value != null) {
                metrics.put(e.getKey(), new Sample(value, usage.timestampMillis(), usage.windowMillis()));
            }
        }
        if (!anyReported) {
            return MetricResult.failed(
                    spec,
                    "unable to get metrics for resource " + spec.resource()
                            + ": no metrics returned from resource metrics API");
        }
        if (spec.target().type() == MetricSpec.TargetType.Utilization) {
            return utilization(spec, in, metrics, container);
        }
        return plain(spec, in, metrics, spec.resource(), spec.target().averageValueMilli());
    }

    private static MetricResult utilization(MetricSpec spec, Input in, Map<String, Sample> metrics, String container) {
        if (in.pods().isEmpty()) {
            return MetricResult.failed(spec, "no pods returned by selector while calculating replica count");
        }
        Groups g = group(in, metrics, spec.resource());
        metrics.keySet().removeAll(g.ignored);
        metrics.keySet().removeAll(g.unready);
        if (metrics.isEmpty()) {
            return MetricResult.failed(spec, "did not receive metrics for targeted pods (pods might be unready)");
        }
        Map<String, Long> requests = new LinkedHashMap<>();
        for (Pod pod : in.pods()) {
            long sum = 0;
            boolean found = container.isEmpty();
            for (Pod.Container c : pod.containers()) {
                if (container.isEmpty() || container.equals(c.name())) {
                    found = true;
                    Long request = c.requestsMilli().get(spec.resource());
                    if (request == null) {
                        return MetricResult.failed(
                                spec,
                                "missing request for " + spec.resource() + " in container " + c.name() + " of Pod "
                                        + pod.name());
                    }
                    sum += request;
                }
            }
            if (!found) {
                return MetricResult.failed(spec, "container " + container + " not found in Pod " + pod.name());
            }
            requests.put(pod.name(), sum);
        }
        int target = spec.target().averageUtilization();
        Ratio ratio = utilizationRatio(metrics, requests, target);
        if (ratio == null) {
            return MetricResult.failed(spec, "no metrics returned matched known pods");
        }
        int current = (int) ratio.current;
        long raw = ratio.rawAverage;
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio.ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (in.tolerances().isWithin(ratio.ratio)) {
                return result(spec, current, raw, null, in.currentReplicas(), ratio.ratio * g.readyCount, null);
            }
            return result(spec, current, raw, null, ceil(ratio.ratio * g.readyCount), ratio.ratio * g.readyCount, null);
        }
        if (!g.missing.isEmpty()) {
            if (ratio.ratio < 1.0) {
                long fallbackUtilization = Math.max(100, target);
                for (String pod : g.missing) {
                    metrics.put(pod, new Sample(requests.get(pod) * fallbackUtilization / 100, 0, 0));
                }
            } else if (ratio.ratio > 1.0) {
                for (String pod : g.missing) {
                    metrics.put(pod, new Sample(0, 0, 0));
                }
            }
        }
        if (scaleUpWithUnready) {
            for (String pod : g.unready) {
                metrics.put(pod, new Sample(0, 0, 0));
            }
        }
        Ratio adjusted = utilizationRatio(metrics, requests, target);
        return adjust(spec, in, current, raw, null, ratio.ratio, adjusted.ratio, metrics.size(), g);
    }

    private record Ratio(double ratio, long current, long rawAverage) {}

    private static Ratio utilizationRatio(Map<String, Sample> metrics, Map<String, Long> requests, int target) {
        long metricsTotal = 0;
        long requestsTotal = 0;
        int entries = 0;
        for (Map.Entry<String, Sample> e : metrics.entrySet()) {
            Long request = requests.get(e.getKey());
            if (request == null) {
                continue;
            }
            metricsTotal += e.getValue().valueMilli();
            requestsTotal += request;
            entries++;
        }
        if (requestsTotal == 0) {
            return null;
        }
        int current = (int) ((metricsTotal * 100) / requestsTotal);
        return new Ratio((double) current / target, current, metricsTotal / entries);
    }

    // ---- Pods metrics and Resource AverageValue ---------------------------------------------

    private static MetricResult podsMetric(MetricSpec spec, Input in) {
        MetricStore.SeriesKey series = MetricStore.SeriesKey.of(spec.metricName(), spec.metricSelector());
        Map<String, Sample> metrics = new LinkedHashMap<>();
        for (Pod pod : in.pods()) {
            Sample s = in.store().podMetric(in.namespace(), pod.name(), series);
            if (s != null && !stale(s.timestampMillis(), in)) {
                metrics.put(pod.name(), s);
            }
        }
        if (metrics.isEmpty()) {
            return MetricResult.failed(
                    spec,
                    "unable to get metric " + spec.metricName() + ": no metrics returned from custom metrics API");
        }
        return plain(spec, in, metrics, "", spec.target().averageValueMilli());
    }

    private static MetricResult plain(
            MetricSpec spec, Input in, Map<String, Sample> metrics, String resource, long targetUsage) {
        if (in.pods().isEmpty()) {
            return MetricResult.failed(spec, "no pods returned by selector while calculating replica count");
        }
        Groups g = group(in, metrics, resource);
        metrics.keySet().removeAll(g.ignored);
        metrics.keySet().removeAll(g.unready);
        if (metrics.isEmpty()) {
            return MetricResult.failed(spec, "did not receive metrics for targeted pods (pods might be unready)");
        }
        long usage = average(metrics);
        double ratio = (double) usage / targetUsage;
        boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
        if (!scaleUpWithUnready && g.missing.isEmpty()) {
            if (in.tolerances().isWithin(ratio)) {
                return result(spec, null, usage, null, in.currentReplicas(), ratio * g.readyCount, null);
            }
            return result(spec, null, usage, null, ceil(ratio * g.readyCount), ratio * g.readyCount, null);
        }
        if (!g.missing.isEmpty()) {
            if (ratio != 1.0) {
                long assumed = ratio < 1.0 ? targetUsage : 0;
                for (String pod : g.missing) {
                    metrics.put(pod, new Sample(assumed, 0, 0));
                }
            }
        }
        if (scaleUpWithUnready) {
            for (String pod : g.unready) {
                metrics.put(pod, new Sample(0, 0, 0));
            }
        }
        double adjusted = (double) average(metrics) / targetUsage;
        return adjust(spec, in, null, usage, null, ratio, adjusted, metrics.size(), g);
    }

    private static long average(Map<String, Sample> metrics) {
        long total = 0;
        for (Sample s : metrics.values()) {
            total += s.valueMilli();
        }
        return total / metrics.size();
    }

    /** The second pass, after missing and unready pods got assumed values: never reverse direction. */
    private static MetricResult adjust(
            MetricSpec spec,
            Input in,
            Integer utilization,
            Long average,
            Long value,
            double ratio,
            double adjusted,
            int counted,
            Groups g) {
        double demand = adjusted * counted;
        String note = note(g);
        if (in.tolerances().isWithin(adjusted) || (ratio < 1.0 && adjusted > 1.0) || (ratio > 1.0 && adjusted < 1.0)) {
            return result(
                    spec,
                    utilization,
                    average,
                    value,
                    in.currentReplicas(),
                    demand,
                    note + "; the adjusted ratio " + fmt(adjusted) + " is within tolerance or reverses direction");
        }
        int replicas = ceil(demand);
        if ((adjusted < 1.0 && replicas > in.currentReplicas())
                || (adjusted > 1.0 && replicas < in.currentReplicas())) {
            return result(
                    spec,
                    utilization,
                    average,
                    value,
                    in.currentReplicas(),
                    demand,
                    note + "; " + replicas + " replicas would move against the ratio");
        }
        return result(spec, utilization, average, value, replicas, demand, note);
    }

    private static String note(Groups g) {
        StringBuilder sb = new StringBuilder();
        if (!g.missing.isEmpty()) {
            sb.append(g.missing.size())
                    .append(" pod(s) without metrics assumed at target on scale-down, 0 on scale-up");
        }
        if (!g.unready.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : "; ").append(g.unready.size()).append(" unready pod(s)");
        }
        return sb.toString();
    }

    // ---- Object and External -----------------------------------------------------------------

    private static MetricResult objectMetric(MetricSpec spec, Input in) {
        ObjectRef obj = spec.describedObject();
        Sample s = in.store()
                .objectMetric(new MetricStore.ObjectKey(
                        in.namespace(),
                        obj.kind(),
                        obj.name(),
                        MetricStore.SeriesKey.of(spec.metricName(), spec.metricSelector())));
        if (s == null || stale(s.timestampMillis(), in)) {
            return MetricResult.failed(
                    spec,
                    "unable to get metric " + spec.metricName() + ": " + obj.kind() + " " + in.namespace() + "/"
                            + obj.name() + (s == null ? ": no metric value" : ": the newest sample is stale"));
        }
        return valueBased(spec, in, s.valueMilli());
    }

    private static MetricResult externalMetric(MetricSpec spec, Input in) {
        long usage = 0;
        int series = 0;
        for (MetricStore.ExternalSeries e : in.store().external(in.namespace(), spec.metricName())) {
            if ((spec.metricSelector() == null || spec.metricSelector().matches(e.labels()))
                    && !stale(e.sample().timestampMillis(), in)) {
                usage = saturatedAdd(usage, e.sample().valueMilli());
                series++;
            }
        }
        if (series == 0 && !spec.ignoreNullValues()) {
            return MetricResult.failed(
                    spec,
                    "unable to get external metric " + in.namespace() + "/" + spec.metricName()
                            + ": no fresh series matches the selector");
        }
        MetricResult r = valueBased(spec, in, usage);
        return series == 0
                ? r.withProposal(
                        r.proposedReplicas(),
                        "no fresh series matches the selector: " + "counted as 0 (ignoreNullValues)")
                : r;
    }

    /**
     * A Kafka metric: the External metric KEDA's Kafka scaler feeds its HPA, valued at the latest
     * poll's capped total lag; activation reads the total lag with persistent lag. No poll, a poll
     * that failed, or one older than maxSampleAge (or dated after now) fails the metric, so the
     * HPA's rules for a failed metric and KEDA's fallback apply.
     */
    private static MetricResult kafkaMetric(MetricSpec spec, Input in, ObjectRef policy, int index) {
        KafkaLag k = spec.kafka();
        String what = "unable to get Kafka lag " + spec.metricName() + " (group " + k.consumerGroup()
                + (k.topic() == null ? "" : ", topic " + k.topic()) + "): ";
        MetricStore.KafkaLagSample s = policy == null ? null : in.store().kafkaLag(policy, index);
        if (s == null) {
            return MetricResult.failed(
                    spec,
                    what + "no offsets polled yet (no dev.trimtab.kafka.offsets event "
                            + "for this cluster, group and topic)");
        }
        if (stale(s.timestampMillis(), in)) {
            return MetricResult.failed(spec, what + "the newest poll is stale");
        }
        KafkaLagCalculator.Result r = s.result();
        if (r.failed()) {
            return MetricResult.failed(spec, what + r.error());
        }
        MetricResult out = valueBased(spec, in, KafkaLagCalculator.milli(r.lag()))
                .withActivationValue(KafkaLagCalculator.milli(r.lagWithPersistent()));
        String note = kafkaNote(k, r);
        long cap = r.replicaCap();
        if (cap >= 0 && (out.proposedReplicas() > cap || out.demand() > cap)) {
            // KEDA's truncating comparison lets a lag just under (cap + 1) x lagThreshold through, and its
            // HPA then asks for an idle consumer: the proposal (and panic mode's demand) stops at the cap
            // (docs/decisions/0033)
            boolean held = out.proposedReplicas() > cap;
            return new MetricResult(
                    spec,
                    out.currentUtilization(),
                    out.currentAverageMilli(),
                    out.currentValueMilli(),
                    (int) Math.min(out.proposedReplicas(), cap),
                    Math.min(out.demand(), cap),
                    null,
                    held ? note + "; " + out.proposedReplicas() + " replicas held at the cap of " + cap : note,
                    out.activationValueMilli());
        }
        return out.withProposal(out.proposedReplicas(), note);
    }

    private static String kafkaNote(KafkaLag k, KafkaLagCalculator.Result r) {
        StringBuilder sb = new StringBuilder("lag ").append(r.uncappedLag());
        if (r.lagWithPersistent() != r.uncappedLag()) {
            sb.append(" (")
                    .append(r.lagWithPersistent())
                    .append(" with the persistent lag of ")
                    .append(r.persistentPartitions())
                    .append(" partition(s))");
        }
        sb.append(" over ")
                .append(r.partitions())
                .append(" partition(s), ")
                .append(r.partitionsWithLag())
                .append(" with lag");
        if (r.lag() != r.uncappedLag()) {
            sb.append("; counted as ")
                    .append(r.lag())
                    .append(
                            k.ensureEvenDistributionOfPartitions()
                                    ? " (even distribution of partitions, capped)"
                                    : k.limitToPartitionsWithLag()
                                            ? " (capped at the partitions with lag)"
                                            : " (capped at the partition count)");
        }
        return sb.toString();
    }

    private static MetricResult valueBased(MetricSpec spec, Input in, long usage) {
        if (spec.target().type() == MetricSpec.TargetType.AverageValue) {
            long target = spec.target().averageValueMilli();
            int replicas = in.statusReplicas();
            double ratio = (double) usage / ((double) target * replicas);
            if (!in.tolerances().isWithin(ratio)) {
                replicas = ceil((double) usage / target);
            }
            long perPod = in.statusReplicas() == 0 ? usage : (long) Math.ceil((double) usage / in.statusReplicas());
            return new MetricResult(spec, null, perPod, usage, replicas, (double) usage / target, null, null);
        }
        double ratio = (double) usage / spec.target().valueMilli();
        if (in.currentReplicas() == 0) {
            return new MetricResult(spec, null, null, usage, ceil(ratio), ratio, null, null);
        }
        if (in.tolerances().isWithin(ratio)) {
            return new MetricResult(spec, null, null, usage, in.currentReplicas(), Double.NaN, null, null);
        }
        if (in.pods().isEmpty()) {
            return MetricResult.failed(
                    spec,
                    "unable to calculate ready pods: no pods returned by selector while "
                            + "calculating replica count");
        }
        int ready = 0;
        for (Pod pod : in.pods()) {
            if (pod.runningAndReady()) {
                ready++;
            }
        }
        return new MetricResult(spec, null, null, usage, ceil(ratio * ready), ratio * ready, null, null);
    }

    // ---- shared --------------------------------------------------------------------------

    private static final class Groups {
        int readyCount;
        final Set<String> unready = new HashSet<>();
        final Set<String> missing = new HashSet<>();
        final Set<String> ignored = new HashSet<>();
    }

    /** Sorts pods into ready, unready, missing-metric and ignored, as the HPA's groupPods. */
    private static Groups group(Input in, Map<String, Sample> metrics, String resource) {
        Groups g = new Groups();
        long cpuInit = in.settings().cpuInitializationPeriod().toMillis();
        long readinessDelay = in.settings().initialReadinessDelay().toMillis();
        for (Pod pod : in.pods()) {
            if (pod.deleting() || pod.phase() == Pod.Phase.Failed) {
                g.ignored.add(pod.name());
                continue;
            }
            if (pod.phase() == Pod.Phase.Pending) {
                g.unready.add(pod.name());
                continue;
            }
            Sample metric = metrics.get(pod.name());
            if (metric == null) {
                g.missing.add(pod.name());
                continue;
            }
            if ("cpu".equals(resource)) {
                boolean unready;
                if (pod.ready() == null || pod.startMillis() < 0) {
                    unready = true;
                } else if (pod.startMillis() + cpuInit > in.nowMillis()) {
                    unready = !pod.ready()
                            || metric.timestampMillis() < pod.readyTransitionMillis() + metric.windowMillis();
                } else {
                    unready = !pod.ready() && pod.startMillis() + readinessDelay > pod.readyTransitionMillis();
                }
                if (unready) {
                    g.unready.add(pod.name());
                    continue;
                }
            }
            g.readyCount++;
        }
        return g;
    }

    /**
     * Older than {@code maxSampleAge}, or dated after now: the decoder takes a sample from the future
     * as measured at its decision clock, so one still ahead here (a clock that stepped back) is not
     * trusted to be fresh until the clock passes it.
     */
    private static boolean stale(long timestampMillis, Input in) {
        long age = in.nowMillis() - timestampMillis;
        return age > in.settings().maxSampleAge().toMillis() || age < 0;
    }

    private static MetricResult result(
            MetricSpec spec, Integer utilization, Long average, Long value, int replicas, double demand, String note) {
        return new MetricResult(
                spec,
                utilization,
                average,
                value,
                replicas,
                demand,
                null,
                note == null || note.isEmpty() ? null : note);
    }

    /** Rounds up; Java's narrowing saturates at Integer.MAX_VALUE like the HPA's capped conversion. */
    static int ceil(double v) {
        return (int) Math.ceil(v);
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    private static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}

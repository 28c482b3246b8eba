package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.MetricResult;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Per-ScalingPolicy gauges, as kube-state-metrics gives for an HPA and KEDA for a ScaledObject:
 * {@code trimtab_autoscaler_policy_current_replicas} and {@code _desired_replicas}
 * ({@code namespace}, {@code scalingpolicy}), and for each metric {@code _metric_value} and
 * {@code _metric_target} (also {@code metric_name}, {@code metric_type}, {@code target_type}).
 * Percent for Utilization targets, base units (not milli) otherwise; a metric that could not be
 * computed reads NaN. Set from each decision the applier carries out ({@link ScaleApplier}).
 *
 * <p>Cardinality is bounded by the policies this instance owns: a policy's gauges are removed
 * when the policy is deleted or its workload's partition leaves this instance (checked every
 * 5 s), and a metric's when it is no longer in the policy's spec.
 */
@ApplicationScoped
public class PolicyGauges {
    private final MeterRegistry registry;
    private final Predicate<ScalingPolicy> kept;
    private final Predicate<ScalingPolicy> exists;
    private final Consumer<ObjectRef> deleted;
    private final Map<ObjectRef, Entry> entries = new HashMap<>();

    /** Also tells the Events' aggregation of deleted policies: a new policy of the name starts afresh. */
    @Inject
    public PolicyGauges(MeterRegistry registry, AutoscalerEngine engine, StatusRecorder status) {
        this(
                registry,
                p -> engine.knows(p.ref()) && engine.holds(AutoscalerEngine.workload(p)),
                p -> engine.knows(p.ref()),
                status::forget);
    }

    /** @param kept whether a policy's gauges stay: it still exists and this instance owns it */
    PolicyGauges(MeterRegistry registry, Predicate<ScalingPolicy> kept) {
        this(registry, kept, p -> true, r -> {});
    }

    private PolicyGauges(
            MeterRegistry registry,
            Predicate<ScalingPolicy> kept,
            Predicate<ScalingPolicy> exists,
            Consumer<ObjectRef> deleted) {
        this.registry = registry;
        this.kept = kept;
        this.exists = exists;
        this.deleted = deleted;
    }

    /** One value a gauge reads; volatile: set by the deciding thread, read by the scrape. */
    private static final class Value {
        volatile double v = Double.NaN;

        double get() {
            return v;
        }
    }

    private final class Entry {
        ScalingPolicy policy;
        final Tags tags;
        final Value current = new Value();
        final Value desired = new Value();
        final List<Meter> meters = new ArrayList<>();
        final Map<Tags, MetricGauges> metrics = new LinkedHashMap<>();

        Entry(ScalingPolicy policy) {
            this.policy = policy;
            this.tags = Tags.of(
                    "namespace",
                    policy.ref().namespace(),
                    "scalingpolicy",
                    policy.ref().name());
            meters.add(gauge("trimtab_autoscaler_policy_current_replicas", tags, current));
            meters.add(gauge("trimtab_autoscaler_policy_desired_replicas", tags, desired));
        }

        /** Removes every gauge of the policy. */
        void remove() {
            meters.forEach(registry::remove);
            metrics.values().forEach(MetricGauges::remove);
        }
    }

    /** A metric's two gauges and what they read. */
    private final class MetricGauges {
        final Value current = new Value();
        final Value target = new Value();
        final Gauge currentGauge;
        final Gauge targetGauge;

        MetricGauges(Tags tags) {
            currentGauge = gauge("trimtab_autoscaler_policy_metric_value", tags, current);
            targetGauge = gauge("trimtab_autoscaler_policy_metric_target", tags, target);
        }

        void remove() {
            registry.remove(currentGauge);
            registry.remove(targetGauge);
        }
    }

    private Gauge gauge(String name, Tags tags, Value value) {
        return Gauge.builder(name, value, Value::get)
                .tags(tags)
                .strongReference(true)
                .register(registry);
    }

    /**
     * The decision the applier carried out, with its outcome ({@code written}, {@code hold},
     * {@code dry-run...}, a failure): current replicas are the target's after the write.
     */
    public synchronized void record(ScalingPolicy policy, ScaleDecision d, String outcome) {
        Entry e = entries.computeIfAbsent(policy.ref(), r -> new Entry(policy));
        e.policy = policy;
        e.current.v = "written".equals(outcome) ? d.desiredReplicas() : d.currentReplicas();
        e.desired.v = d.desiredReplicas();
        Map<Tags, MetricResult> now = new LinkedHashMap<>();
        for (MetricResult m : d.metrics()) {
            Tags t = e.tags.and(metricTags(m.spec()));
            int i = 2;
            while (now.containsKey(t)) { // two metrics of one name (selectors differ): numbered
                t = e.tags.and(metricTags(m.spec())).and("metric_index", Integer.toString(i++));
            }
            now.put(t, m);
        }
        e.metrics.entrySet().removeIf(m -> {
            if (!now.containsKey(m.getKey())) {
                m.getValue().remove();
                return true;
            }
            return false;
        });
        now.forEach((t, m) -> {
            MetricGauges g = e.metrics.computeIfAbsent(t, MetricGauges::new);
            g.current.v = current(m);
            g.target.v = target(m.spec().target());
        });
    }

    /** Removes the gauges of policies deleted or no longer owned here. */
    @Scheduled(
            every = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    public synchronized void sweep() {
        entries.values().removeIf(e -> {
            if (kept.test(e.policy)) {
                return false;
            }
            e.remove();
            if (!exists.test(e.policy)) {
                deleted.accept(e.policy.ref());
            }
            return true;
        });
    }

    /** The policies with gauges now (for tests). */
    synchronized Set<ObjectRef> policies() {
        return Set.copyOf(entries.keySet());
    }

    static Tags metricTags(MetricSpec s) {
        String name = switch (s.type()) {
            case Resource -> s.resource();
            case ContainerResource -> s.container() + "/" + s.resource();
            case Pods, Object, External -> s.metricName();
        };
        return Tags.of(
                "metric_name",
                name,
                "metric_type",
                s.type().name(),
                "target_type",
                s.target().type().name());
    }

    static double current(MetricResult m) {
        if (m.failed()) {
            return Double.NaN;
        }
        Number n = switch (m.spec().target().type()) {
            case Utilization -> m.currentUtilization();
            case AverageValue -> m.currentAverageMilli() == null ? null : m.currentAverageMilli() / 1000.0;
            case Value -> m.currentValueMilli() == null ? null : m.currentValueMilli() / 1000.0;
        };
        return n == null ? Double.NaN : n.doubleValue();
    }

    static double target(MetricSpec.Target t) {
        return switch (t.type()) {
            case Utilization -> t.averageUtilization();
            case AverageValue -> t.averageValueMilli() / 1000.0;
            case Value -> t.valueMilli() / 1000.0;
        };
    }
}

package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.autoscaler.core.KafkaLag;
import dev.trimtab.autoscaler.core.KafkaLagCalculator;
import dev.trimtab.autoscaler.core.KafkaOffsets;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.MetricStore;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.PodUsage;
import dev.trimtab.autoscaler.core.Sample;
import dev.trimtab.autoscaler.core.ScaleClaim;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.input.InputLimits;
import dev.trimtab.kube.LabelSelector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Folds one CloudEvent into the {@link ClusterState} and says which ScalingPolicies it makes due
 * for evaluation. The same code serves replay, the Kafka consumers and the HTTP endpoint.
 *
 * <p>Evaluations are triggered by metric events (each policy that reads the metric, once per
 * event, lists included; a Kafka offsets poll, each policy with a Kafka metric on its group) and by
 * a ScalingPolicy being added or updated. Pod and workload events
 * only update the state. See README "Which events trigger an evaluation".
 */
public final class EventFolder {
    public static final String ADD = "dev.knative.apiserver.resource.add";
    public static final String UPDATE = "dev.knative.apiserver.resource.update";
    public static final String DELETE = "dev.knative.apiserver.resource.delete";

    private static final long DEFAULT_WINDOW_MILLIS = 60_000;

    private final ClusterState state;
    private final InputLimits limits;
    private final SampleRules rules;

    public EventFolder(ClusterState state) {
        this(state, InputLimits.defaults());
    }

    public EventFolder(ClusterState state, InputLimits limits) {
        this.state = state;
        this.limits = limits;
        this.rules = new SampleRules(limits);
    }

    /**
     * Applies the event; returns the policies to evaluate now, in a stable order. {@code nowMillis}
     * is the decision clock (the wall clock live, the event's time in replay): a sample dated more
     * than {@link InputLimits#maxClockSkew()} after it rejects the event, one dated less is taken
     * as measured at {@code nowMillis}, so it ages like any other and can become stale.
     *
     * @throws InvalidObjectException naming every problem; nothing of the event was applied
     */
    public List<ScalingPolicy> fold(CloudEvent event, long nowMillis) {
        JsonNode data = event.data();
        if (data == null || !data.isObject()) {
            throw new InvalidObjectException(
                    "event " + Fields.echo(event.id()), List.of("data: must be a JSON object"));
        }
        long at = event.time() == null ? nowMillis : event.time().toEpochMilli();
        return switch (event.type()) {
            case ADD, UPDATE, DELETE -> kubeObject(event.type(), data, at);
            case KafkaOffsetEvents.TYPE -> kafkaOffsets(event, nowMillis);
            default -> metrics(event, data, nowMillis);
        };
    }

    /** How many samples so far were dated ahead of the decision clock within the skew (monotonic). */
    public long futureSamplesClamped() {
        return rules.futureSamplesClamped();
    }

    private List<ScalingPolicy> kubeObject(String type, JsonNode object, long atMillis) {
        ObjectRef ref = KubeObjects.ref(object);
        boolean delete = DELETE.equals(type);
        switch (ref.kind()) {
            case "Pod" -> {
                if (delete) {
                    state.removePod(ref.namespace(), ref.name());
                } else {
                    state.putPod(KubeObjects.pod(object, limits));
                }
                return List.of();
            }
            case ScalingPolicyParser.KIND -> {
                if (delete) {
                    return removeClaim(
                            new ObjectRef(
                                    ScalingPolicyParser.API_VERSION,
                                    ScalingPolicyParser.KIND,
                                    ref.namespace(),
                                    ref.name()),
                            () -> state.removePolicy(new ObjectRef(
                                    ScalingPolicyParser.API_VERSION,
                                    ScalingPolicyParser.KIND,
                                    ref.namespace(),
                                    ref.name())));
                }
                ScalingPolicy policy = ScalingPolicyParser.parse(object);
                ScaleClaim claim = ScaleClaimObjects.policyClaim(object, policy);
                ScaleClaim old = state.claims().remove(policy.ref());
                state.putPolicy(policy);
                state.claims().put(claim);
                state.policySeen(policy.ref(), claim.createdMillis(), atMillis);
                Set<ScalingPolicy> due = new LinkedHashSet<>(List.of(policy));
                // the others on its old and new target may have lost or gained the ownership
                due.addAll(state.policiesTargeting(policy.targetRef()));
                if (old != null) {
                    due.addAll(targeting(old));
                }
                return new ArrayList<>(due);
            }
            default -> {
                if (ScaleClaimObjects.claims(ref)) {
                    if (delete) {
                        return removeClaim(ref, () -> {});
                    }
                    ScaleClaim claim = ScaleClaimObjects.claim(object);
                    ScaleClaim old = state.claims().remove(ref);
                    state.claims().put(claim);
                    Set<ScalingPolicy> due = new LinkedHashSet<>(targeting(claim));
                    if (old != null) {
                        due.addAll(targeting(old));
                    }
                    return new ArrayList<>(due);
                }
                if (delete) {
                    state.removeTarget(ref);
                } else if (object.path("spec").has("replicas")
                        || object.path("spec").has("selector")) {
                    state.observeTarget(KubeObjects.scaleTarget(object), atMillis);
                }
                // other kinds (Nodes, Namespaces, RBAC, policies…) share trimtab.cluster-events for the
                // other functions: not the autoscaler's, and not bad input either
                return List.of();
            }
        }
    }

    /** Drops a claim (and whatever {@code also} removes); the policies on its target are due. */
    private List<ScalingPolicy> removeClaim(ObjectRef source, Runnable also) {
        ScaleClaim old = state.claims().remove(source);
        also.run();
        return old == null ? List.of() : targeting(old);
    }

    private List<ScalingPolicy> targeting(ScaleClaim claim) {
        return state.policiesTargeting(claim.target());
    }

    /** The clocks one metric event is read with. */
    record Clock(long eventTime, long now) {}

    private List<ScalingPolicy> metrics(CloudEvent event, JsonNode data, long nowMillis) {
        String kind = data.path("kind").asText();
        String apiVersion = data.path("apiVersion").asText();
        Clock clock = new Clock(event.time() == null ? 0 : event.time().toEpochMilli(), nowMillis);
        Set<ScalingPolicy> due = new LinkedHashSet<>();
        String what = "event " + Fields.echo(event.id()) + " (" + Fields.echo(kind) + ")";
        switch (apiVersion + " " + kind) {
            case "metrics.k8s.io/v1beta1 PodMetrics" -> podMetrics(List.of(data), "", clock, due);
            case "metrics.k8s.io/v1beta1 PodMetricsList" -> podMetrics(items(data, what), "items", clock, due);
            case "custom.metrics.k8s.io/v1beta2 MetricValue" -> customMetrics(List.of(data), "", clock, due);
            case "custom.metrics.k8s.io/v1beta2 MetricValueList" ->
                customMetrics(items(data, what), "items", clock, due);
            case "external.metrics.k8s.io/v1beta1 ExternalMetricValue" ->
                externalMetrics(List.of(data), "", false, event, clock, due);
            case "external.metrics.k8s.io/v1beta1 ExternalMetricValueList" ->
                externalMetrics(items(data, what), "items", true, event, clock, due);
            default ->
                throw new InvalidObjectException(
                        "event " + Fields.echo(event.id()) + " of type " + Fields.echo(event.type()),
                        List.of(
                                "data: apiVersion \"" + Fields.echo(apiVersion) + "\" kind \"" + Fields.echo(kind)
                                        + "\" is not an event the autoscaler reads "
                                        + "(ApiServerSource objects, PodMetrics(List), MetricValue(List), ExternalMetricValue(List))"),
                        RejectReason.UnknownEvent);
        }
        return new ArrayList<>(due);
    }

    /** A list's items, counted before any is read. */
    private List<JsonNode> items(JsonNode list, String what) {
        JsonNode items = list.path("items");
        if (items.size() > limits.maxListItems()) {
            throw new InvalidObjectException(
                    what,
                    List.of("items: got " + items.size() + " items, at most " + limits.maxListItems()
                            + " are accepted (max-list-items)"),
                    RejectReason.TooLarge);
        }
        List<JsonNode> out = new ArrayList<>(items.size());
        items.forEach(out::add);
        return out;
    }

    private void podMetrics(List<JsonNode> items, String prefix, Clock clock, Set<ScalingPolicy> due) {
        Fields f = new Fields();
        Map<String, List<String>> podsByNamespace = new LinkedHashMap<>();
        List<Runnable> apply = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode m = items.get(i);
            String p = prefix.isEmpty() ? "" : prefix + "[" + i + "].";
            JsonNode metadata = f.object(m, "metadata", p + "metadata", true);
            String ns = f.string(metadata, "namespace", p + "metadata.namespace", true);
            String pod = f.string(metadata, "name", p + "metadata.name", true);
            long ts = rules.sampleTime(m, p + "timestamp", f, clock);
            long window = duration(m, p + "window", f);
            Map<String, String> labels = KubeObjects.labels(metadata, p + "metadata.labels", f, limits);
            List<PodUsage.ContainerUsage> containers = new ArrayList<>();
            JsonNode list = m.path("containers");
            if (list.size() > limits.maxContainers()) {
                f.problem(
                        RejectReason.TooLarge,
                        p + "containers",
                        list.size() + " containers",
                        "at most " + limits.maxContainers() + " are accepted (max-containers)");
                list = MissingNode.getInstance();
            }
            int c = 0;
            for (JsonNode container : list) {
                String cp = p + "containers[" + c++ + "].usage";
                String name = container.path("name").asText();
                Map<String, Long> usage = new LinkedHashMap<>();
                JsonNode u = container.path("usage");
                if (u.size() > limits.maxResources()) {
                    f.problem(
                            RejectReason.TooLarge,
                            cp,
                            u.size() + " resources",
                            "at most " + limits.maxResources() + " are accepted (max-resources)");
                    continue;
                }
                for (Iterator<String> it = u.fieldNames(); it.hasNext(); ) {
                    String resource = it.next();
                    Long v = SampleRules.nonNegative(
                            f,
                            u,
                            resource,
                            cp + "." + Fields.echo(resource),
                            () -> "resource usage of pod " + ns + "/" + pod + ", container \"" + Fields.echo(name)
                                    + "\", resource " + Fields.echo(resource));
                    if (v != null) {
                        usage.put(resource, v);
                    }
                }
                containers.add(new PodUsage.ContainerUsage(name, usage));
            }
            if (ns != null && pod != null) {
                PodUsage usage = new PodUsage(ts, window, labels, containers);
                apply.add(() -> state.metrics().putPodUsage(ns, pod, usage));
                podsByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(pod);
            }
        }
        KubeObjects.throwIfAny(f, "PodMetrics"); // all or nothing: a bad item rejects the whole event
        rules.applied(f);
        apply.forEach(Runnable::run);
        podsByNamespace.forEach((ns, pods) -> {
            for (ScalingPolicy p : state.policiesSelectingPods(ns, pods)) {
                if (p.spec().metrics().stream()
                        .anyMatch(m -> m.type() == MetricSpec.Type.Resource
                                || m.type() == MetricSpec.Type.ContainerResource)) {
                    due.add(p);
                }
            }
        });
    }

    private void customMetrics(List<JsonNode> items, String prefix, Clock clock, Set<ScalingPolicy> due) {
        Fields f = new Fields();
        List<Runnable> apply = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode m = items.get(i);
            String p = prefix.isEmpty() ? "" : prefix + "[" + i + "].";
            JsonNode d = f.object(m, "describedObject", p + "describedObject", true);
            String kind = f.string(d, "kind", p + "describedObject.kind", true);
            String ns = f.string(d, "namespace", p + "describedObject.namespace", true);
            String name = f.string(d, "name", p + "describedObject.name", true);
            JsonNode metric = f.object(m, "metric", p + "metric", true);
            String metricName = f.string(metric, "name", p + "metric.name", true);
            LabelSelector selector = metric != null && metric.hasNonNull("selector")
                    ? rules.selector(metric.get("selector"), p + "metric.selector", f)
                    : null;
            Long value = SampleRules.nonNegative(
                    f, m, "value", p + "value", () -> "metric " + metricName + " of " + kind + " " + ns + "/" + name);
            long ts = rules.sampleTime(m, p + "timestamp", f, clock);
            Integer windowSeconds = f.integer(m, "windowSeconds", p + "windowSeconds", 60, 0, Integer.MAX_VALUE);
            if (kind == null || ns == null || name == null || metricName == null || value == null) {
                continue;
            }
            Sample sample = new Sample(value, ts, windowSeconds * 1000L);
            MetricStore.SeriesKey series = MetricStore.SeriesKey.of(metricName, selector);
            if ("Pod".equals(kind)) {
                apply.add(() -> state.metrics().putPodMetric(ns, name, series, sample));
                for (ScalingPolicy pol : state.policiesSelectingPods(ns, List.of(name))) {
                    if (pol.spec().metrics().stream()
                            .anyMatch(ms -> ms.type() == MetricSpec.Type.Pods && metricName.equals(ms.metricName()))) {
                        due.add(pol);
                    }
                }
            } else {
                apply.add(() ->
                        state.metrics().putObjectMetric(new MetricStore.ObjectKey(ns, kind, name, series), sample));
                for (ScalingPolicy pol : state.policiesWithMetric(ns, MetricSpec.Type.Object, metricName)) {
                    if (pol.spec().metrics().stream()
                            .anyMatch(ms -> ms.type() == MetricSpec.Type.Object
                                    && ms.describedObject().kind().equals(kind)
                                    && ms.describedObject().name().equals(name))) {
                        due.add(pol);
                    }
                }
            }
        }
        KubeObjects.throwIfAny(f, "MetricValue"); // all or nothing
        rules.applied(f);
        apply.forEach(Runnable::run);
    }

    /**
     * External series are scoped by the CloudEvent extension attribute {@code namespace}; without
     * it they are visible to every namespace. A list replaces all series of the metric names it holds.
     */
    private void externalMetrics(
            List<JsonNode> items,
            String prefix,
            boolean replace,
            CloudEvent event,
            Clock clock,
            Set<ScalingPolicy> due) {
        Fields f = new Fields();
        String ns = event.extensions().getOrDefault("namespace", "");
        Set<String> cleared = new LinkedHashSet<>();
        List<Runnable> apply = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode m = items.get(i);
            String p = prefix.isEmpty() ? "" : prefix + "[" + i + "].";
            String metricName = f.string(m, "metricName", p + "metricName", true);
            Long value = SampleRules.nonNegative(f, m, "value", p + "value", () -> "external metric " + metricName);
            long ts = rules.sampleTime(m, p + "timestamp", f, clock);
            Integer windowSeconds = f.integer(m, "window", p + "window", 60, 0, Integer.MAX_VALUE);
            Map<String, String> labels = KubeObjects.stringMap(m.get("metricLabels"), p + "metricLabels", f, limits);
            if (metricName == null || value == null) {
                continue;
            }
            if (replace && cleared.add(metricName)) {
                apply.add(() -> state.metrics().clearExternal(ns, metricName));
            }
            Sample sample = new Sample(value, ts, windowSeconds * 1000L);
            apply.add(() -> state.metrics().putExternal(ns, metricName, labels, sample));
            due.addAll(state.policiesWithMetric(ns, MetricSpec.Type.External, metricName));
        }
        KubeObjects.throwIfAny(f, "ExternalMetricValue"); // all or nothing
        rules.applied(f);
        apply.forEach(Runnable::run);
    }

    /**
     * One poll of a consumer group's offsets ({@link KafkaOffsetEvents}): every Kafka metric on
     * that cluster and group (and topic, when the metric names one and the poll holds it) of the
     * policy named by the event's subject, or of every policy without a subject, computes its lag
     * with its memory of its previous poll and stores it, dated by the event's time under the
     * sample rules; those policies are due. A poll not newer than a metric's latest one (a record
     * read again, or out of order) changes nothing of that metric: its persistent-lag memory
     * advances once per poll.
     */
    private List<ScalingPolicy> kafkaOffsets(CloudEvent event, long nowMillis) {
        KafkaOffsetEvents.Poll poll = KafkaOffsetEvents.read(event, limits);
        Fields f = new Fields();
        long ts = rules.sampleTime(
                MissingNode.getInstance(), "poll", f, new Clock(event.time().toEpochMilli(), nowMillis));
        KubeObjects.throwIfAny(f, "Kafka offsets event " + Fields.echo(event.id()));
        rules.applied(f);
        KafkaOffsets offsets = poll.offsets();
        List<ScalingPolicy> candidates;
        if (poll.policyName() != null) {
            ScalingPolicy p = state.policy(new ObjectRef(
                    ScalingPolicyParser.API_VERSION,
                    ScalingPolicyParser.KIND,
                    poll.policyNamespace(),
                    poll.policyName()));
            candidates = p == null ? List.of() : List.of(p);
        } else {
            candidates = state.policiesWithKafkaGroup(offsets.consumerGroup());
        }
        List<ScalingPolicy> due = new ArrayList<>();
        for (ScalingPolicy p : candidates) {
            boolean polled = false;
            List<MetricSpec> specs = p.spec().metrics();
            for (int i = 0; i < specs.size(); i++) {
                KafkaLag k = specs.get(i).kafka();
                if (k == null
                        || !k.consumerGroup().equals(offsets.consumerGroup())
                        || !k.sameCluster(offsets.bootstrapServers())
                        || (k.topic() != null && offsets.topic(k.topic()) == null)) {
                    continue;
                }
                MetricStore.KafkaLagSample previous = state.metrics().kafkaLag(p.ref(), i);
                if (previous != null && ts <= previous.timestampMillis()) {
                    continue;
                }
                KafkaLagCalculator.Poll r = KafkaLagCalculator.compute(
                        k, offsets, previous == null ? KafkaLagCalculator.Memory.EMPTY : previous.memory(), ts);
                state.metrics().putKafkaLag(p.ref(), i, new MetricStore.KafkaLagSample(r.result(), ts, r.memory()));
                polled = true;
            }
            if (polled) {
                due.add(p);
            }
        }
        return due;
    }

    private static long duration(JsonNode m, String path, Fields f) {
        JsonNode w = m.get("window");
        if (w == null || w.isNull()) {
            return DEFAULT_WINDOW_MILLIS;
        }
        try {
            Duration d = Duration.parse("PT" + w.asText().toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                f.problem(path, w, "must not be negative");
                return DEFAULT_WINDOW_MILLIS;
            }
            return d.toMillis();
        } catch (RuntimeException e) {
            f.problem(path, w, "must be a duration such as \"30s\" or \"1m0s\"");
            return DEFAULT_WINDOW_MILLIS;
        }
    }
}

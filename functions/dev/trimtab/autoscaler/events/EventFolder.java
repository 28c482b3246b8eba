package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ClusterState;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.MetricStore;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.PodUsage;
import dev.trimtab.autoscaler.core.ScaleClaim;
import dev.trimtab.autoscaler.core.Sample;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.cloudevents.CloudEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds one CloudEvent into the {@link ClusterState} and says which ScalingPolicies it makes due
 * for evaluation. The same code serves replay, the Kafka consumers and the HTTP endpoint.
 *
 * <p>Evaluations are triggered by metric events (each policy that reads the metric, once per
 * event, lists included) and by a ScalingPolicy being added or updated. Pod and workload events
 * only update the state. See README "Which events trigger an evaluation".
 */
public final class EventFolder {
    public static final String ADD = "dev.knative.apiserver.resource.add";
    public static final String UPDATE = "dev.knative.apiserver.resource.update";
    public static final String DELETE = "dev.knative.apiserver.resource.delete";

    private static final long DEFAULT_WINDOW_MILLIS = 60_000;

    private final ClusterState state;

    public EventFolder(ClusterState state) {
        this.state = state;
    }

    /** Applies the event; returns the policies to evaluate now, in a stable order. */
    public List<ScalingPolicy> fold(CloudEvent event) {
        return fold(event, 0);
    }

    /**
     * Applies the event, which arrived at {@code receivedMillis} (its own {@code time} is when it
     * happened, when it has one); returns the policies to evaluate now, in a stable order.
     */
    public List<ScalingPolicy> fold(CloudEvent event, long receivedMillis) {
        JsonNode data = event.data();
        if (data == null || !data.isObject()) {
            throw new InvalidObjectException("event " + event.id(), List.of("data: must be a JSON object"));
        }
        long at = event.time() == null ? receivedMillis : event.time().toEpochMilli();
        return switch (event.type()) {
            case ADD, UPDATE, DELETE -> kubeObject(event.type(), data, at);
            default -> metrics(event, data);
        };
    }

    private List<ScalingPolicy> kubeObject(String type, JsonNode object, long atMillis) {
        ObjectRef ref = KubeObjects.ref(object);
        boolean delete = DELETE.equals(type);
        switch (ref.kind()) {
            case "Pod" -> {
                if (delete) {
                    state.removePod(ref.namespace(), ref.name());
                } else {
                    state.putPod(KubeObjects.pod(object));
                }
                return List.of();
            }
            case ScalingPolicyParser.KIND -> {
                if (delete) {
                    return removeClaim(new ObjectRef(ScalingPolicyParser.API_VERSION, ScalingPolicyParser.KIND,
                            ref.namespace(), ref.name()), () -> state.removePolicy(new ObjectRef(
                            ScalingPolicyParser.API_VERSION, ScalingPolicyParser.KIND, ref.namespace(), ref.name())));
                }
                ScalingPolicy policy = ScalingPolicyParser.parse(object);
                ScaleClaim claim = ScaleClaimObjects.policyClaim(object, policy);
                ScaleClaim old = state.claims().remove(policy.ref());
                state.putPolicy(policy);
                state.claims().put(claim);
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
                        return removeClaim(ref, () -> { });
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
                } else if (object.path("spec").has("replicas") || object.path("spec").has("selector")) {
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

    private List<ScalingPolicy> metrics(CloudEvent event, JsonNode data) {
        String kind = data.path("kind").asText();
        String apiVersion = data.path("apiVersion").asText();
        long eventTime = event.time() == null ? 0 : event.time().toEpochMilli();
        Set<ScalingPolicy> due = new LinkedHashSet<>();
        switch (apiVersion + " " + kind) {
            case "metrics.k8s.io/v1beta1 PodMetrics" -> podMetrics(List.of(data), "", eventTime, due);
            case "metrics.k8s.io/v1beta1 PodMetricsList" -> podMetrics(items(data), "items", eventTime, due);
            case "custom.metrics.k8s.io/v1beta2 MetricValue" -> customMetrics(List.of(data), "", eventTime, due);
            case "custom.metrics.k8s.io/v1beta2 MetricValueList" -> customMetrics(items(data), "items", eventTime, due);
            case "external.metrics.k8s.io/v1beta1 ExternalMetricValue" ->
                    externalMetrics(List.of(data), "", false, event, eventTime, due);
            case "external.metrics.k8s.io/v1beta1 ExternalMetricValueList" ->
                    externalMetrics(items(data), "items", true, event, eventTime, due);
            default -> throw new InvalidObjectException("event " + event.id() + " of type " + event.type(), List.of(
                    "data: apiVersion \"" + apiVersion + "\" kind \"" + kind + "\" is not an event the autoscaler reads "
                            + "(ApiServerSource objects, PodMetrics(List), MetricValue(List), ExternalMetricValue(List))"));
        }
        return new ArrayList<>(due);
    }

    private static List<JsonNode> items(JsonNode list) {
        List<JsonNode> out = new ArrayList<>();
        list.path("items").forEach(out::add);
        return out;
    }

    private void podMetrics(List<JsonNode> items, String prefix, long eventTime, Set<ScalingPolicy> due) {
        Fields f = new Fields();
        Map<String, List<String>> podsByNamespace = new LinkedHashMap<>();
        List<Runnable> apply = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode m = items.get(i);
            String p = prefix.isEmpty() ? "" : prefix + "[" + i + "].";
            JsonNode metadata = f.object(m, "metadata", p + "metadata", true);
            String ns = f.string(metadata, "namespace", p + "metadata.namespace", true);
            String pod = f.string(metadata, "name", p + "metadata.name", true);
            long ts = KubeObjects.time(m, "timestamp", p + "timestamp", f, eventTime);
            long window = duration(m, p + "window", f);
            List<PodUsage.ContainerUsage> containers = new ArrayList<>();
            int c = 0;
            for (JsonNode container : m.path("containers")) {
                String cp = p + "containers[" + c++ + "].usage";
                Map<String, Long> usage = new LinkedHashMap<>();
                JsonNode u = container.path("usage");
                for (Iterator<String> it = u.fieldNames(); it.hasNext(); ) {
                    String resource = it.next();
                    Long v = f.quantity(u, resource, cp + "." + resource, true);
                    if (v != null) {
                        usage.put(resource, v);
                    }
                }
                containers.add(new PodUsage.ContainerUsage(container.path("name").asText(), usage));
            }
            if (ns != null && pod != null) {
                PodUsage usage = new PodUsage(ts, window, KubeObjects.labels(metadata), containers);
                apply.add(() -> state.metrics().putPodUsage(ns, pod, usage));
                podsByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(pod);
            }
        }
        KubeObjects.throwIfAny(f, "PodMetrics");   // all or nothing: a bad item rejects the whole event
        apply.forEach(Runnable::run);
        podsByNamespace.forEach((ns, pods) -> {
            for (ScalingPolicy p : state.policiesSelectingPods(ns, pods)) {
                if (p.spec().metrics().stream().anyMatch(m -> m.type() == MetricSpec.Type.Resource
                        || m.type() == MetricSpec.Type.ContainerResource)) {
                    due.add(p);
                }
            }
        });
    }

    private void customMetrics(List<JsonNode> items, String prefix, long eventTime, Set<ScalingPolicy> due) {
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
                    ? KubeObjects.selector(metric.get("selector"), p + "metric.selector", f) : null;
            Long value = f.quantity(m, "value", p + "value", true);
            long ts = KubeObjects.time(m, "timestamp", p + "timestamp", f, eventTime);
            Integer windowSeconds = f.integer(m, "windowSeconds", p + "windowSeconds", 60, 0, Integer.MAX_VALUE);
            if (kind == null || ns == null || name == null || metricName == null || value == null) {
                continue;
            }
            Sample sample = new Sample(value, ts, windowSeconds * 1000L);
            MetricStore.SeriesKey series = MetricStore.SeriesKey.of(metricName, selector);
            if ("Pod".equals(kind)) {
                apply.add(() -> state.metrics().putPodMetric(ns, name, series, sample));
                for (ScalingPolicy pol : state.policiesSelectingPods(ns, List.of(name))) {
                    if (pol.spec().metrics().stream().anyMatch(ms -> ms.type() == MetricSpec.Type.Pods
                            && metricName.equals(ms.metricName()))) {
                        due.add(pol);
                    }
                }
            } else {
                apply.add(() -> state.metrics().putObjectMetric(new MetricStore.ObjectKey(ns, kind, name, series), sample));
                for (ScalingPolicy pol : state.policiesWithMetric(ns, MetricSpec.Type.Object, metricName)) {
                    if (pol.spec().metrics().stream().anyMatch(ms -> ms.type() == MetricSpec.Type.Object
                            && ms.describedObject().kind().equals(kind) && ms.describedObject().name().equals(name))) {
                        due.add(pol);
                    }
                }
            }
        }
        KubeObjects.throwIfAny(f, "MetricValue");   // all or nothing
        apply.forEach(Runnable::run);
    }

    /**
     * External series are scoped by the CloudEvent extension attribute {@code namespace}; without
     * it they are visible to every namespace. A list replaces all series of the metric names it holds.
     */
    private void externalMetrics(List<JsonNode> items, String prefix, boolean replace, CloudEvent event,
                                 long eventTime, Set<ScalingPolicy> due) {
        Fields f = new Fields();
        String ns = event.extensions().getOrDefault("namespace", "");
        Set<String> cleared = new LinkedHashSet<>();
        List<Runnable> apply = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode m = items.get(i);
            String p = prefix.isEmpty() ? "" : prefix + "[" + i + "].";
            String metricName = f.string(m, "metricName", p + "metricName", true);
            Long value = f.quantity(m, "value", p + "value", true);
            long ts = KubeObjects.time(m, "timestamp", p + "timestamp", f, eventTime);
            Integer windowSeconds = f.integer(m, "window", p + "window", 60, 0, Integer.MAX_VALUE);
            Map<String, String> labels = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = m.path("metricLabels").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().asText());
            }
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
        KubeObjects.throwIfAny(f, "ExternalMetricValue");   // all or nothing
        apply.forEach(Runnable::run);
    }

    private static long duration(JsonNode m, String path, Fields f) {
        JsonNode w = m.get("window");
        if (w == null || w.isNull()) {
            return DEFAULT_WINDOW_MILLIS;
        }
        try {
            return Duration.parse("PT" + w.asText().toUpperCase(java.util.Locale.ROOT)).toMillis();
        } catch (RuntimeException e) {
            f.problem(path, w, "must be a duration such as \"30s\" or \"1m0s\"");
            return DEFAULT_WINDOW_MILLIS;
        }
    }
}

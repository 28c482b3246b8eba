package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.trimtab.autoscaler.core.Behavior;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScalingPolicy;
import dev.trimtab.autoscaler.core.ScalingRules;
import dev.trimtab.autoscaler.core.ScalingSpec;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.kube.NameValidation;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Validates a {@code trimtab.dev/v1alpha1 ScalingPolicy} and builds its core spec. The spec takes
 * HPA autoscaling/v2 fields with their API-server defaults and validation ranges, plus the
 * extensions {@code scaleToZero}, {@code fallback}, {@code panic}, {@code activationThreshold} on
 * Object/External metrics, {@code type: Prometheus} metrics ({@link PrometheusMetricParser}),
 * {@code type: Kafka} metrics ({@link KafkaMetricParser}), and the pause annotations.
 */
public final class ScalingPolicyParser {
    public static final String API_VERSION = "trimtab.dev/v1alpha1";
    public static final String KIND = "ScalingPolicy";

    private static final Set<String> SPEC_FIELDS = Set.of(
            "scaleTargetRef", "minReplicas", "maxReplicas", "metrics", "behavior", "scaleToZero", "fallback", "panic");
    private static final Set<String> RULE_FIELDS =
            Set.of("stabilizationWindowSeconds", "selectPolicy", "policies", "tolerance");

    private ScalingPolicyParser() {}

    /** Parses a whole ScalingPolicy object; throws with every problem found. */
    public static ScalingPolicy parse(JsonNode object) {
        Fields f = new Fields();
        JsonNode metadata = f.object(object, "metadata", "metadata", true);
        String name = f.string(metadata, "name", "metadata.name", true);
        String namespace = f.string(metadata, "namespace", "metadata.namespace", true);
        String apiVersion = f.string(object, "apiVersion", "apiVersion", true);
        if (apiVersion != null && !API_VERSION.equals(apiVersion)) {
            f.problem("apiVersion", "\"" + apiVersion + "\"", "must be " + API_VERSION);
        }
        JsonNode spec = f.object(object, "spec", "spec", true);
        ScalingSpec parsed = spec == null ? null : spec(spec, f, name);
        JsonNode annotations = metadata == null ? null : metadata.get("annotations");
        boolean paused = false;
        Integer pausedReplicas = null;
        if (annotations != null && annotations.isObject()) {
            String path = "metadata.annotations[" + ScalingPolicy.PAUSED_ANNOTATION + "]";
            String p = f.string(annotations, ScalingPolicy.PAUSED_ANNOTATION, path, false);
            if (p != null && !p.equals("true") && !p.equals("false")) {
                f.problem(path, "\"" + p + "\"", "must be \"true\" or \"false\"");
            }
            paused = "true".equals(p);
            String rpath = "metadata.annotations[" + ScalingPolicy.PAUSED_REPLICAS_ANNOTATION + "]";
            String r = f.string(annotations, ScalingPolicy.PAUSED_REPLICAS_ANNOTATION, rpath, false);
            if (r != null) {
                try {
                    pausedReplicas = Integer.parseInt(r);
                    if (pausedReplicas < 0) {
                        throw new NumberFormatException();
                    }
                    paused = true;
                } catch (NumberFormatException e) {
                    f.problem(rpath, "\"" + r + "\"", "must be a non-negative integer");
                    pausedReplicas = null;
                }
            }
        }
        if (!f.problems.isEmpty()) {
            throw new InvalidObjectException("ScalingPolicy " + namespace + "/" + name + " is invalid", f.problems);
        }
        return new ScalingPolicy(new ObjectRef(API_VERSION, KIND, namespace, name), parsed, paused, pausedReplicas);
    }

    /**
     * The target's words go into the {@code /scale} request path, so each must be one path segment,
     * as the API server validates an HPA's {@code scaleTargetRef}; the apiVersion is {@code VERSION} or
     * {@code GROUP/VERSION} with a DNS subdomain as the group and a DNS label as the version.
     */
    private static void reference(ObjectRef target, Fields f) {
        if (target.kind() != null) {
            NameValidation.pathSegmentName(target.kind())
                    .forEach(m -> f.problem("spec.scaleTargetRef.kind", TextNode.valueOf(target.kind()), m));
        }
        if (target.name() != null) {
            NameValidation.pathSegmentName(target.name())
                    .forEach(m -> f.problem("spec.scaleTargetRef.name", TextNode.valueOf(target.name()), m));
        }
        String apiVersion = target.apiVersion();
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        List<String> problems =
                new ArrayList<>(group.isEmpty() && slash >= 0 ? List.of("the group is empty") : List.of());
        if (!group.isEmpty()) {
            problems.addAll(NameValidation.dns1123Subdomain(group));
        }
        problems.addAll(NameValidation.dns1035Label(version));
        problems.forEach(m -> f.problem("spec.scaleTargetRef.apiVersion", TextNode.valueOf(apiVersion), m));
    }

    /** The spec of the policy named {@code policy} (its Prometheus metrics' selector names it). */
    static ScalingSpec spec(JsonNode spec, Fields f, String policy) {
        f.checkKnown(spec, "spec", SPEC_FIELDS);
        JsonNode ref = f.object(spec, "scaleTargetRef", "spec.scaleTargetRef", true);
        f.checkKnown(ref, "spec.scaleTargetRef", Set.of("apiVersion", "kind", "name"));
        ObjectRef target = new ObjectRef(
                orDefault(f.string(ref, "apiVersion", "spec.scaleTargetRef.apiVersion", false), "apps/v1"),
                f.string(ref, "kind", "spec.scaleTargetRef.kind", true),
                "",
                f.string(ref, "name", "spec.scaleTargetRef.name", true));
        reference(target, f);
        int min = f.integer(spec, "minReplicas", "spec.minReplicas", 1, 0, Integer.MAX_VALUE);
        Integer max = f.integer(spec, "maxReplicas", "spec.maxReplicas", null, 1, Integer.MAX_VALUE);
        if (max == null && !spec.has("maxReplicas")) {
            f.problem("spec.maxReplicas", null, "an integer >= 1 is required");
        } else if (max != null && max < min) {
            f.problem("spec.maxReplicas", max, "must be greater than or equal to spec.minReplicas (" + min + ")");
        }
        List<MetricSpec> metrics = metrics(spec, f, policy);
        if (min == 0
                && metrics.stream()
                        .noneMatch(m -> m.type() == MetricSpec.Type.Object || m.type() == MetricSpec.Type.External)) {
            f.problem(
                    "spec.minReplicas",
                    0,
                    "0 (scale to zero) needs at least one Object, External, Prometheus or Kafka metric");
        }
        Behavior behavior = null;
        JsonNode b = f.object(spec, "behavior", "spec.behavior", false);
        if (b != null) {
            f.checkKnown(b, "spec.behavior", Set.of("scaleUp", "scaleDown"));
            behavior = new Behavior(
                    rules(
                            f.object(b, "scaleUp", "spec.behavior.scaleUp", false),
                            "spec.behavior.scaleUp",
                            ScalingRules.defaultScaleUp(),
                            f),
                    rules(
                            f.object(b, "scaleDown", "spec.behavior.scaleDown", false),
                            "spec.behavior.scaleDown",
                            ScalingRules.defaultScaleDown(),
                            f));
        }
        return new ScalingSpec(
                target,
                min,
                max == null ? 1 : max,
                metrics,
                behavior,
                scaleToZero(spec, min, f),
                fallback(spec, f),
                panic(spec, f));
    }

    private static List<MetricSpec> metrics(JsonNode spec, Fields f, String policy) {
        JsonNode list = spec.get("metrics");
        List<MetricSpec> out = new ArrayList<>();
        if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
            out.add(MetricSpec.resource("cpu", MetricSpec.Target.utilization(80)));
            return out;
        }
        if (!list.isArray()) {
            f.problem("spec.metrics", list, "must be a list");
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            MetricSpec m = metric(list.get(i), i, "spec.metrics[" + i + "]", f, policy);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    private static MetricSpec metric(JsonNode m, int index, String path, Fields f, String policy) {
        String typeName = f.string(m, "type", path + ".type", true);
        if (typeName == null) {
            return null;
        }
        if (typeName.equals(PrometheusMetricParser.TYPE)) {
            f.checkKnown(m, path, Set.of("type", "prometheus"));
            JsonNode source = f.object(m, "prometheus", path + ".prometheus", true);
            return source == null ? null : PrometheusMetricParser.parse(source, path + ".prometheus", index, policy, f);
        }
        if (typeName.equals(KafkaMetricParser.TYPE)) {
            f.checkKnown(m, path, Set.of("type", "kafka"));
            JsonNode source = f.object(m, "kafka", path + ".kafka", true);
            return source == null ? null : KafkaMetricParser.parse(source, path + ".kafka", index, f);
        }
        MetricSpec.Type type = null;
        for (MetricSpec.Type t : MetricSpec.Type.values()) {
            if (t.name().equals(typeName)) {
                type = t;
            }
        }
        if (type == null) {
            f.problem(
                    path + ".type",
                    "\"" + typeName + "\"",
                    "must be one of [Resource, ContainerResource, Pods, Object, External, Prometheus, Kafka]");
            return null;
        }
        String field =
                Character.toLowerCase(type.name().charAt(0)) + type.name().substring(1);
        f.checkKnown(m, path, Set.of("type", field));
        String sp = path + "." + field;
        JsonNode source = f.object(m, field, sp, true);
        if (source == null) {
            return null;
        }
        return switch (type) {
            case Resource -> {
                f.checkKnown(source, sp, Set.of("name", "target"));
                String name = f.string(source, "name", sp + ".name", true);
                yield MetricSpec.resource(name, target(source, sp, f, true));
            }
            case ContainerResource -> {
                f.checkKnown(source, sp, Set.of("name", "container", "target"));
                String name = f.string(source, "name", sp + ".name", true);
                String container = f.string(source, "container", sp + ".container", true);
                yield MetricSpec.containerResource(name, container, target(source, sp, f, true));
            }
            case Pods -> {
                f.checkKnown(source, sp, Set.of("metric", "target"));
                JsonNode metric = f.object(source, "metric", sp + ".metric", true);
                MetricSpec.Target t = target(source, sp, f, false);
                if (t != null && t.type() != MetricSpec.TargetType.AverageValue) {
                    f.problem(sp + ".target.type", t.type(), "must be AverageValue for Pods metrics");
                }
                yield MetricSpec.pods(metricName(metric, sp, f), selector(metric, sp + ".metric.selector", f), t);
            }
            case Object -> {
                f.checkKnown(source, sp, Set.of("metric", "target", "describedObject", "activationThreshold"));
                JsonNode metric = f.object(source, "metric", sp + ".metric", true);
                JsonNode d = f.object(source, "describedObject", sp + ".describedObject", true);
                ObjectRef described = new ObjectRef(
                        orDefault(f.string(d, "apiVersion", sp + ".describedObject.apiVersion", false), "v1"),
                        f.string(d, "kind", sp + ".describedObject.kind", true),
                        "",
                        f.string(d, "name", sp + ".describedObject.name", true));
                MetricSpec.Target t = valueTarget(source, sp, f);
                yield MetricSpec.object(
                                metricName(metric, sp, f), selector(metric, sp + ".metric.selector", f), described, t)
                        .withActivation(activation(source, sp, f));
            }
            case External -> {
                f.checkKnown(source, sp, Set.of("metric", "target", "activationThreshold", "ignoreNullValues"));
                JsonNode metric = f.object(source, "metric", sp + ".metric", true);
                MetricSpec.Target t = valueTarget(source, sp, f);
                yield MetricSpec.external(metricName(metric, sp, f), selector(metric, sp + ".metric.selector", f), t)
                        .withActivation(activation(source, sp, f))
                        .withIgnoreNullValues(f.bool(source, "ignoreNullValues", sp + ".ignoreNullValues", false));
            }
        };
    }

    private static String metricName(JsonNode metric, String sp, Fields f) {
        f.checkKnown(metric, sp + ".metric", Set.of("name", "selector"));
        return f.string(metric, "name", sp + ".metric.name", true);
    }

    static long activation(JsonNode source, String sp, Fields f) {
        Long v = f.quantity(source, "activationThreshold", sp + ".activationThreshold", false);
        if (v != null && v < 0) {
            f.problem(sp + ".activationThreshold", source.get("activationThreshold"), "must not be negative");
        }
        return v == null ? 0 : v;
    }

    private static MetricSpec.Target valueTarget(JsonNode source, String sp, Fields f) {
        MetricSpec.Target t = target(source, sp, f, false);
        if (t != null && t.type() == MetricSpec.TargetType.Utilization) {
            f.problem(sp + ".target.type", "Utilization", "must be Value or AverageValue for this metric type");
        }
        return t;
    }

    private static MetricSpec.Target target(JsonNode source, String sp, Fields f, boolean resource) {
        String tp = sp + ".target";
        JsonNode t = f.object(source, "target", tp, true);
        if (t == null) {
            return null;
        }
        f.checkKnown(t, tp, Set.of("type", "averageUtilization", "averageValue", "value"));
        MetricSpec.TargetType type = f.enumValue(t, "type", tp + ".type", MetricSpec.TargetType.class, null);
        if (type == null) {
            return null;
        }
        switch (type) {
            case Utilization -> {
                Integer u = f.integer(t, "averageUtilization", tp + ".averageUtilization", null, 1, Integer.MAX_VALUE);
                if (u == null) {
                    if (!t.has("averageUtilization")) {
                        f.problem(tp + ".averageUtilization", null, "an integer > 0 is required for type Utilization");
                    }
                    return null;
                }
                return MetricSpec.Target.utilization(u);
            }
            case AverageValue -> {
                Long v = positive(t, "averageValue", tp, f);
                return v == null ? null : MetricSpec.Target.averageValue(v);
            }
            default -> {
                if (resource) {
                    f.problem(tp + ".type", "Value", "must be Utilization or AverageValue for resource metrics");
                    return null;
                }
                Long v = positive(t, "value", tp, f);
                return v == null ? null : MetricSpec.Target.value(v);
            }
        }
    }

    private static Long positive(JsonNode t, String name, String tp, Fields f) {
        Long v = f.quantity(t, name, tp + "." + name, true);
        if (v != null && v <= 0) {
            f.problem(tp + "." + name, t.get(name), "must be positive");
            return null;
        }
        return v;
    }

    static LabelSelector selector(JsonNode parent, String path, Fields f) {
        JsonNode s = parent == null ? null : parent.get("selector");
        if (s == null || s.isNull()) {
            return null;
        }
        return KubeObjects.selector(s, path, f);
    }

    private static ScalingRules rules(JsonNode r, String path, ScalingRules dflt, Fields f) {
        if (r == null) {
            return dflt;
        }
        f.checkKnown(r, path, RULE_FIELDS);
        int window = f.integer(
                r,
                "stabilizationWindowSeconds",
                path + ".stabilizationWindowSeconds",
                dflt.stabilizationWindowSeconds(),
                0,
                3600);
        ScalingRules.SelectPolicy select = f.enumValue(
                r,
                "selectPolicy",
                path + ".selectPolicy",
                ScalingRules.SelectPolicy.class,
                ScalingRules.SelectPolicy.Max);
        List<ScalingRules.Policy> policies = dflt.policies();
        JsonNode list = r.get("policies");
        if (list != null && !list.isNull()) {
            policies = new ArrayList<>();
            if (!list.isArray() || list.isEmpty()) {
                f.problem(path + ".policies", list, "must specify at least one policy");
            } else {
                for (int i = 0; i < list.size(); i++) {
                    String pp = path + ".policies[" + i + "]";
                    JsonNode p = list.get(i);
                    f.checkKnown(p, pp, Set.of("type", "value", "periodSeconds"));
                    ScalingRules.PolicyType type =
                            f.enumValue(p, "type", pp + ".type", ScalingRules.PolicyType.class, null);
                    Integer value = f.integer(p, "value", pp + ".value", null, 1, Integer.MAX_VALUE);
                    Integer period = f.integer(p, "periodSeconds", pp + ".periodSeconds", null, 1, 1800);
                    if (value == null && !p.has("value")) {
                        f.problem(pp + ".value", null, "an integer > 0 is required");
                    }
                    if (period == null && !p.has("periodSeconds")) {
                        f.problem(pp + ".periodSeconds", null, "an integer in [1, 1800] is required");
                    }
                    if (type != null && value != null && period != null) {
                        policies.add(new ScalingRules.Policy(type, value, period));
                    }
                }
            }
        }
        Long toleranceMilli = f.quantity(r, "tolerance", path + ".tolerance", false);
        if (toleranceMilli != null && toleranceMilli < 0) {
            f.problem(path + ".tolerance", r.get("tolerance"), "must not be negative");
        }
        Double tolerance = toleranceMilli == null ? null : toleranceMilli / 1000.0;
        return new ScalingRules(window, select, policies, tolerance);
    }

    private static ScalingSpec.ScaleToZero scaleToZero(JsonNode spec, int min, Fields f) {
        JsonNode z = f.object(spec, "scaleToZero", "spec.scaleToZero", false);
        if (z != null && min != 0) {
            f.problem(
                    "spec.scaleToZero", "a value with spec.minReplicas " + min, "only allowed with spec.minReplicas 0");
        }
        if (min != 0) {
            return null;
        }
        f.checkKnown(z, "spec.scaleToZero", Set.of("cooldownSeconds", "initialCooldownSeconds"));
        return new ScalingSpec.ScaleToZero(
                f.integer(
                        z,
                        "cooldownSeconds",
                        "spec.scaleToZero.cooldownSeconds",
                        ScalingSpec.ScaleToZero.DEFAULT_COOLDOWN_SECONDS,
                        0,
                        86_400),
                f.integer(z, "initialCooldownSeconds", "spec.scaleToZero.initialCooldownSeconds", 0, 0, 86_400));
    }

    private static ScalingSpec.Fallback fallback(JsonNode spec, Fields f) {
        JsonNode fb = f.object(spec, "fallback", "spec.fallback", false);
        if (fb == null) {
            return null;
        }
        f.checkKnown(fb, "spec.fallback", Set.of("failureThreshold", "replicas", "behavior"));
        Integer threshold =
                f.integer(fb, "failureThreshold", "spec.fallback.failureThreshold", null, 0, Integer.MAX_VALUE);
        Integer replicas = f.integer(fb, "replicas", "spec.fallback.replicas", null, 0, Integer.MAX_VALUE);
        if (threshold == null && !fb.has("failureThreshold")) {
            f.problem("spec.fallback.failureThreshold", null, "an integer >= 0 is required");
        }
        if (replicas == null && !fb.has("replicas")) {
            f.problem("spec.fallback.replicas", null, "an integer >= 0 is required");
        }
        String behavior = f.string(fb, "behavior", "spec.fallback.behavior", false);
        ScalingSpec.FallbackBehavior b = ScalingSpec.FallbackBehavior.Static;
        if (behavior != null) {
            b = switch (behavior) {
                case "static" -> ScalingSpec.FallbackBehavior.Static;
                case "currentReplicas" -> ScalingSpec.FallbackBehavior.CurrentReplicas;
                case "currentReplicasIfHigher" -> ScalingSpec.FallbackBehavior.CurrentReplicasIfHigher;
                case "currentReplicasIfLower" -> ScalingSpec.FallbackBehavior.CurrentReplicasIfLower;
                default -> {
                    f.problem(
                            "spec.fallback.behavior",
                            "\"" + behavior + "\"",
                            "must be one of static, currentReplicas, currentReplicasIfHigher, currentReplicasIfLower");
                    yield ScalingSpec.FallbackBehavior.Static;
                }
            };
        }
        return threshold == null || replicas == null ? null : new ScalingSpec.Fallback(threshold, replicas, b);
    }

    private static ScalingSpec.PanicMode panic(JsonNode spec, Fields f) {
        JsonNode p = f.object(spec, "panic", "spec.panic", false);
        if (p == null) {
            return null;
        }
        f.checkKnown(
                p,
                "spec.panic",
                Set.of(
                        "stableWindowSeconds",
                        "panicWindowPercentage",
                        "panicThresholdPercentage",
                        "maxScaleUpRate",
                        "maxScaleDownRate"));
        return new ScalingSpec.PanicMode(
                f.integer(p, "stableWindowSeconds", "spec.panic.stableWindowSeconds", 60, 6, 3600),
                f.number(p, "panicWindowPercentage", "spec.panic.panicWindowPercentage", 10.0, 1, 100),
                f.number(p, "panicThresholdPercentage", "spec.panic.panicThresholdPercentage", 200.0, 110, 1000),
                f.number(p, "maxScaleUpRate", "spec.panic.maxScaleUpRate", 1000.0, 1.0000001, Double.MAX_VALUE),
                f.number(p, "maxScaleDownRate", "spec.panic.maxScaleDownRate", 2.0, 1.0000001, Double.MAX_VALUE));
    }

    private static String orDefault(String s, String d) {
        return s == null ? d : s;
    }
}

package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.Pod;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.input.InputLimits;
import dev.trimtab.kube.LabelSelector;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the Kubernetes objects the autoscaler needs (Pods, scale targets) from their JSON. */
public final class KubeObjects {
    private KubeObjects() {}

    public static ObjectRef ref(JsonNode object) {
        Fields f = new Fields();
        JsonNode metadata = f.object(object, "metadata", "metadata", true);
        ObjectRef ref = new ObjectRef(
                f.string(object, "apiVersion", "apiVersion", true),
                f.string(object, "kind", "kind", true),
                orEmpty(f.string(metadata, "namespace", "metadata.namespace", false)),
                f.string(metadata, "name", "metadata.name", true));
        throwIfAny(f, "object");
        return ref;
    }

    /** A Pod: labels, phase, Ready condition, start time, deletion and container requests. */
    public static Pod pod(JsonNode object) {
        return pod(object, InputLimits.defaults());
    }

    /** {@link #pod(JsonNode)} within {@code limits} (labels, containers, resources). */
    public static Pod pod(JsonNode object, InputLimits limits) {
        Fields f = new Fields();
        JsonNode metadata = f.object(object, "metadata", "metadata", true);
        String name = f.string(metadata, "name", "metadata.name", true);
        String namespace = f.string(metadata, "namespace", "metadata.namespace", true);
        JsonNode status = object.path("status");
        Pod.Phase phase = Pod.Phase.Pending;
        if (status.hasNonNull("phase")) {
            phase = f.enumValue(status, "phase", "status.phase", Pod.Phase.class, Pod.Phase.Unknown);
        }
        Boolean ready = null;
        long readyTransition = 0;
        for (JsonNode c : status.path("conditions")) {
            if ("Ready".equals(c.path("type").asText())) {
                String s = c.path("status").asText();
                ready = "True".equals(s) ? Boolean.TRUE : "False".equals(s) ? Boolean.FALSE : null;
                readyTransition = time(c, "lastTransitionTime", "status.conditions[Ready].lastTransitionTime", f, 0);
            }
        }
        long start = time(status, "startTime", "status.startTime", f, -1);
        boolean deleting = metadata != null && metadata.hasNonNull("deletionTimestamp");
        List<Pod.Container> containers = new ArrayList<>();
        JsonNode spec = object.path("spec");
        int count = spec.path("containers").size() + spec.path("initContainers").size();
        if (count > limits.maxContainers()) {
            f.problem(
                    RejectReason.TooLarge,
                    "spec.containers",
                    count + " containers (init containers included)",
                    "at most " + limits.maxContainers() + " are accepted (max-containers)");
        } else {
            containers(spec.path("containers"), "spec.containers", containers, f, false, limits);
            containers(spec.path("initContainers"), "spec.initContainers", containers, f, true, limits);
        }
        Map<String, String> labels = labels(metadata, "metadata.labels", f, limits);
        throwIfAny(f, "Pod " + namespace + "/" + name);
        return new Pod(namespace, name, labels, phase, ready, readyTransition, start, deleting, containers);
    }

    private static void containers(
            JsonNode list, String path, List<Pod.Container> out, Fields f, boolean sidecarsOnly, InputLimits limits) {
        int i = 0;
        for (JsonNode c : list) {
            String p = path + "[" + i++ + "]";
            if (sidecarsOnly && !"Always".equals(c.path("restartPolicy").asText())) {
                continue;
            }
            Map<String, Long> requests = new LinkedHashMap<>();
            JsonNode r = c.path("resources").path("requests");
            if (r.size() > limits.maxResources()) {
                f.problem(
                        RejectReason.TooLarge,
                        p + ".resources.requests",
                        r.size() + " resources",
                        "at most " + limits.maxResources() + " are accepted (max-resources)");
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = r.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Long v = f.quantity(r, e.getKey(), p + ".resources.requests." + e.getKey(), true);
                if (v != null && v < 0) {
                    // the API server refuses these; an event that carries one did not come from it
                    f.problem(
                            RejectReason.NegativeValue,
                            p + ".resources.requests." + e.getKey(),
                            e.getValue(),
                            "must not be negative");
                    continue;
                }
                if (v != null) {
                    requests.put(e.getKey(), v);
                }
            }
            out.add(new Pod.Container(c.path("name").asText(), requests));
        }
    }

    /**
     * A scale target from a Deployment, StatefulSet, ReplicaSet or any object with
     * {@code spec.replicas} and {@code spec.selector}; a missing {@code spec.replicas} means 1.
     */
    public static ScaleTarget scaleTarget(JsonNode object) {
        ObjectRef ref = ref(object);
        Fields f = new Fields();
        JsonNode spec = object.path("spec");
        int replicas = f.integer(spec, "replicas", "spec.replicas", 1, 0, Integer.MAX_VALUE);
        int statusReplicas =
                f.integer(object.path("status"), "replicas", "status.replicas", replicas, 0, Integer.MAX_VALUE);
        LabelSelector selector = spec.hasNonNull("selector")
                ? selector(spec.get("selector"), "spec.selector", f)
                : LabelSelector.NOTHING;
        throwIfAny(f, ref.toString());
        String rv = object.path("metadata").path("resourceVersion").asText(null);
        return new ScaleTarget(ref, replicas, statusReplicas, selector, rv);
    }

    /** A LabelSelector (matchLabels and matchExpressions), read by {@link LabelSelector#parse}; problems go to {@code f}. */
    static LabelSelector selector(JsonNode s, String path, Fields f) {
        return LabelSelector.parse(CloudEventCodec.JSON.convertValue(s, Object.class), path, f::problem);
    }

    /** An object's labels within {@code limits}; problems go to {@code f}. */
    static Map<String, String> labels(JsonNode metadata, String path, Fields f, InputLimits limits) {
        return stringMap(metadata == null ? null : metadata.get("labels"), path, f, limits);
    }

    /**
     * A map of strings (labels, metric labels): at most {@code maxLabels} entries, keys and values
     * at most {@code maxLabelLength} characters. Counted before any entry is read.
     */
    static Map<String, String> stringMap(JsonNode node, String path, Fields f, InputLimits limits) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            f.problem(path, node, "must be an object of strings");
            return out;
        }
        if (node.size() > limits.maxLabels()) {
            f.problem(
                    RejectReason.TooLarge,
                    path,
                    node.size() + " labels",
                    "at most " + limits.maxLabels() + " are accepted (max-labels)");
            return out;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String value = e.getValue().asText();
            if (e.getKey().length() > limits.maxLabelLength() || value.length() > limits.maxLabelLength()) {
                f.problem(
                        RejectReason.TooLarge,
                        path + "." + Fields.echo(e.getKey()),
                        "a key of " + e.getKey().length() + " and a value of " + value.length() + " characters",
                        "at most " + limits.maxLabelLength() + " each are accepted (max-label-length)");
                continue;
            }
            out.put(e.getKey(), value);
        }
        return out;
    }

    static long time(JsonNode parent, String name, String path, Fields f, long dflt) {
        JsonNode v = parent.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        try {
            return Instant.parse(v.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            f.problem(path, v, "must be an RFC 3339 timestamp");
            return dflt;
        }
    }

    static void throwIfAny(Fields f, String what) {
        if (!f.problems.isEmpty()) {
            throw new InvalidObjectException(what + " is invalid", f.problems, f.reason);
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}

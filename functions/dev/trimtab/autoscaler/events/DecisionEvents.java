package dev.trimtab.autoscaler.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.autoscaler.core.MetricResult;
import dev.trimtab.autoscaler.core.MetricSpec;
import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.Quantity;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Turns a {@link ScaleDecision} into the {@code dev.trimtab.decision.scale} CloudEvent. */
public final class DecisionEvents {
    public static final String TYPE = "dev.trimtab.decision.scale";
    public static final String SOURCE = "/trimtab/autoscaler";

    private DecisionEvents() {}

    /**
     * @param id      the event id (callers make it unique and, in replay, deterministic)
     * @param trigger the event that caused the evaluation
     */
    public static CloudEvent toEvent(ScaleDecision d, String id, CloudEvent trigger) {
        return toEvent(d, id, trigger, List.of(), 0);
    }

    /**
     * As {@link #toEvent(ScaleDecision, String, CloudEvent)}, with the decision's inputs: the ids of
     * the metric events folded for the policy since its previous decision, in arrival order, as
     * {@code "inputs": [..]}, and {@code "inputsDropped": n} when more were folded than listed. Both
     * are left out when there are none (a resync, a policy change).
     */
    public static CloudEvent toEvent(
            ScaleDecision d, String id, CloudEvent trigger, List<String> inputs, int inputsDropped) {
        CloudEvent event = toEventWithoutInputs(d, id, trigger);
        ObjectNode data = (ObjectNode) event.data();
        if (!inputs.isEmpty() || inputsDropped > 0) {
            var ids = data.putArray("inputs");
            inputs.forEach(ids::add);
        }
        if (inputsDropped > 0) {
            data.put("inputsDropped", inputsDropped);
        }
        return event;
    }

    private static CloudEvent toEventWithoutInputs(ScaleDecision d, String id, CloudEvent trigger) {
        ObjectNode data = CloudEventCodec.JSON.createObjectNode();
        ObjectNode policy = data.putObject("policy");
        policy.put("namespace", d.policy().namespace());
        policy.put("name", d.policy().name());
        ref(data.putObject("target"), d.target());
        data.put("currentReplicas", d.currentReplicas());
        data.put("desiredReplicas", d.desiredReplicas());
        data.put("rescale", d.rescale());
        data.put("reason", d.reason().name());
        data.put("message", d.message());
        if (d.recommendation() >= 0) {
            data.put("recommendation", d.recommendation());
        }
        if (d.stabilizedReplicas() >= 0) {
            data.put("stabilizedReplicas", d.stabilizedReplicas());
        }
        if (d.panicking()) {
            data.put("panicking", true);
        }
        var metrics = data.putArray("metrics");
        for (MetricResult r : d.metrics()) {
            metrics.add(metric(r));
        }
        if (d.resourceVersion() != null) {
            data.put("resourceVersion", d.resourceVersion());
        }
        if (trigger != null) {
            ObjectNode t = data.putObject("trigger");
            t.put("id", trigger.id());
            t.put("type", trigger.type());
            t.put("source", trigger.source());
        }
        String key = d.target().namespace() + "/" + d.target().name();
        return new CloudEvent(
                id,
                SOURCE,
                TYPE,
                d.target().kind() + "/" + key,
                Instant.ofEpochMilli(d.timeMillis()),
                "application/json",
                data,
                Map.of("partitionkey", key));
    }

    private static void ref(ObjectNode node, ObjectRef ref) {
        node.put("apiVersion", ref.apiVersion());
        node.put("kind", ref.kind());
        node.put("namespace", ref.namespace());
        node.put("name", ref.name());
    }

    /** A metric's observed value as the HPA's MetricValueStatus: averageUtilization, averageValue, value. */
    public static ObjectNode current(MetricResult r) {
        ObjectNode current = CloudEventCodec.JSON.createObjectNode();
        if (r.currentUtilization() != null) {
            current.put("averageUtilization", r.currentUtilization());
        }
        if (r.currentAverageMilli() != null) {
            current.put("averageValue", Quantity.formatMilli(r.currentAverageMilli()));
        }
        if (r.currentValueMilli() != null) {
            current.put("value", Quantity.formatMilli(r.currentValueMilli()));
        }
        return current;
    }

    private static ObjectNode metric(MetricResult r) {
        ObjectNode m = CloudEventCodec.JSON.createObjectNode();
        MetricSpec s = r.spec();
        m.put("type", s.type().name());
        m.put("name", s.displayName());
        ObjectNode target = m.putObject("target");
        target.put("type", s.target().type().name());
        switch (s.target().type()) {
            case Utilization -> target.put("averageUtilization", s.target().averageUtilization());
            case AverageValue ->
                target.put("averageValue", Quantity.formatMilli(s.target().averageValueMilli()));
            case Value -> target.put("value", Quantity.formatMilli(s.target().valueMilli()));
        }
        if (!r.failed()) {
            m.set("current", current(r));
            m.put("proposedReplicas", r.proposedReplicas());
            if (r.activationValueMilli() != null) {
                // a Kafka metric: activation reads the lag with persistent lag, before the cap
                m.put("activationValue", Quantity.formatMilli(r.activationValueMilli()));
            }
        }
        if (r.error() != null) {
            m.put("error", r.error());
        }
        if (r.note() != null) {
            m.put("note", r.note());
        }
        return m;
    }
}

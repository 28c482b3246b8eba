package dev.trimtab.placement.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.placement.core.NodeVerdict;
import dev.trimtab.placement.core.Placement;
import dev.trimtab.placement.core.Placer;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.Profile;
import dev.trimtab.placement.core.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Placement over a trace of object events (ApiServerSource add/update/delete of Nodes, Pods and
 * Namespaces, and of the Services, ReplicationControllers, ReplicaSets and StatefulSets whose
 * selectors the default topology spreading counts with): the snapshot follows the events, and each pod that is pending (no
 * {@code spec.nodeName}, not terminal) with this profile's {@code schedulerName} is placed at once
 * and assumed on its node, as the scheduler assumes before binding. Each placement is a
 * {@code dev.trimtab.decision.placement} CloudEvent on the trace's clock. Shared by replay and
 * the live placement function, so both decide alike.
 */
public final class PlacementFolder {
    public static final String DECISION_TYPE = "dev.trimtab.decision.placement";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADD = "dev.knative.apiserver.resource.add";
    private static final String UPDATE = "dev.knative.apiserver.resource.update";
    private static final String DELETE = "dev.knative.apiserver.resource.delete";

    private final Snapshot snapshot = new Snapshot();
    private final Placer placer = new Placer();
    private final Profile profile;

    public PlacementFolder(Profile profile) {
        this.profile = profile;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Whether this event is about a kind only placement uses (Node, Namespace, Service). ReplicaSets,
     * StatefulSets and ReplicationControllers are placement's too (their selectors, for the default
     * spreading) but may also be the autoscaler's scale targets.
     */
    public static boolean placementOnly(CloudEvent e) {
        String kind = objectEvent(e) ? e.data().path("kind").asText() : "";
        return kind.equals("Node") || kind.equals("Namespace") || kind.equals("Service");
    }

    private static boolean objectEvent(CloudEvent e) {
        return (ADD.equals(e.type()) || UPDATE.equals(e.type()) || DELETE.equals(e.type()))
                && e.data() != null
                && e.data().isObject();
    }

    /**
     * Applies an object event; returns the placement decided for it, if it is a pending pod of
     * this scheduler. A malformed Node or Pod throws, naming the object and field.
     */
    @SuppressWarnings("unchecked")
    public Optional<Placement> fold(CloudEvent e) {
        if (!objectEvent(e)) {
            return Optional.empty();
        }
        JsonNode data = e.data();
        Map<String, Object> object = JSON.convertValue(data, Map.class);
        boolean delete = DELETE.equals(e.type());
        String name = data.at("/metadata/name").asText();
        switch (data.path("kind").asText()) {
            case "Node" -> {
                if (delete) {
                    snapshot.deleteNode(name);
                } else {
                    snapshot.upsertNode(object);
                }
            }
            case "Namespace" -> {
                if (!delete) {
                    Map<String, String> labels = new LinkedHashMap<>();
                    data.at("/metadata/labels")
                            .fields()
                            .forEachRemaining(
                                    f -> labels.put(f.getKey(), f.getValue().asText()));
                    snapshot.upsertNamespace(name, labels);
                }
            }
            case "Pod" -> {
                if (delete) {
                    snapshot.deletePod(data.at("/metadata/namespace").asText(), name);
                    return Optional.empty();
                }
                PodInfo pod = snapshot.upsertPod(object);
                if (pending(pod, data)) {
                    Placement p = placer.place(snapshot, pod, profile);
                    if (p.node() != null) {
                        snapshot.assume(pod, p.node());
                    }
                    return Optional.of(p);
                }
            }
            case "Service", "ReplicationController", "ReplicaSet", "StatefulSet" -> {
                // their selectors make the default topology spreading's selector (SpreadDefaults)
                if (delete) {
                    snapshot.deleteWorkload(
                            data.path("kind").asText(),
                            data.at("/metadata/namespace").asText(),
                            name);
                } else {
                    snapshot.upsertWorkload(object);
                }
            }
            default -> {
                // other kinds are the autoscaler's
            }
        }
        return Optional.empty();
    }

    /** Drops what was assumed about a pod (a bind that did not happen); its next event tells the truth. */
    public void forget(String namespace, String name, JsonNode pod) {
        snapshot.deletePod(namespace, name);
    }

    /**
     * Decides again for a pod whose bind failed: the assumption is dropped and the pod placed on
     * the snapshot as it is now (assumed again if it fits somewhere).
     */
    @SuppressWarnings("unchecked")
    public Optional<Placement> redecide(String namespace, String name, JsonNode pod, String failedNode) {
        snapshot.deletePod(namespace, name);
        PodInfo again = snapshot.upsertPod(JSON.convertValue(pod, Map.class));
        Placement p = placer.place(snapshot, again, profile);
        if (p.node() != null) {
            snapshot.assume(again, p.node());
        }
        return Optional.of(p);
    }

    /** The placement of a pod on the current snapshot, without assuming it (the extender's question). */
    @SuppressWarnings("unchecked")
    public Placement evaluate(Map<String, Object> pod) {
        return placer.place(snapshot, PodInfo.fromMap(pod), profile);
    }

    private boolean pending(PodInfo pod, JsonNode data) {
        String phase = data.at("/status/phase").asText("");
        return pod.nodeName().isEmpty()
                && !phase.equals("Succeeded")
                && !phase.equals("Failed")
                && profile.schedulerName().equals(data.at("/spec/schedulerName").asText("default-scheduler"))
                && data.at("/metadata/deletionTimestamp").isMissingNode();
    }

    /** The decision CloudEvent of a placement. */
    public static CloudEvent toEvent(
            Placement p, String namespace, String podName, String id, Instant time, CloudEvent trigger) {
        ObjectNode data = JSON.createObjectNode();
        ObjectNode pod = data.putObject("pod");
        pod.put("namespace", namespace);
        pod.put("name", podName);
        if (p.node() == null) {
            data.putNull("node");
        } else {
            data.put("node", p.node());
        }
        data.put("reason", p.reason().name());
        data.put("message", p.message());
        data.put("feasibleNodes", p.feasibleCount());
        List<Object> nodes = new ArrayList<>();
        for (NodeVerdict v : p.nodes()) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("name", v.node());
            n.put("feasible", v.feasible());
            if (!v.feasible()) {
                n.put("filter", v.rejectedBy());
                n.put("reasons", v.status().reasons());
            } else {
                n.put("scores", v.scores());
                n.put("total", v.total());
            }
            nodes.add(n);
        }
        data.set("nodes", JSON.valueToTree(nodes));
        if (!p.notes().isEmpty()) {
            data.set("notes", JSON.valueToTree(p.notes()));
        }
        ObjectNode t = data.putObject("trigger");
        t.put("id", trigger.id());
        t.put("type", trigger.type());
        return new CloudEvent(
                id,
                "/trimtab/placement",
                DECISION_TYPE,
                "Pod/" + namespace + "/" + podName,
                time,
                "application/json",
                data,
                Map.of("partitionkey", namespace + "/" + podName));
    }
}

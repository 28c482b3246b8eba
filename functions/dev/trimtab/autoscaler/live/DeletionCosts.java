package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.autoscaler.core.ScaleTarget;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.placement.rebalance.core.ClusterState;
import dev.trimtab.placement.rebalance.core.DeletionCostPlanner;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Scale-down victim choice: with {@code trimtab.autoscaler.deletion-cost=true}, before a write that
 * lowers a workload's replicas, its pods get {@code controller.kubernetes.io/pod-deletion-cost}
 * values ({@link DeletionCostPlanner}: the ReplicaSet controller then removes first the pods whose
 * removal best keeps zone and node spread and node balance). Nodes and Pods come from the
 * cluster-event topic (ApiServerSource mode). A pod whose annotation already has the planned value
 * is not written; a failed write is logged and the scale-down goes on (the controller then falls
 * back to its own order).
 */
@ApplicationScoped
public class DeletionCosts {
    private static final Logger LOG = Logger.getLogger(DeletionCosts.class);
    private final boolean enabled;
    private final PodPatcher patcher;
    private final MeterRegistry registry;
    private final ClusterState state = new ClusterState();
    private final Map<String, Map<String, Object>> pods = new LinkedHashMap<>();

    /** Writes a JSON merge patch to a pod. */
    interface PodPatcher {
        void patch(String namespace, String name, String mergePatch);
    }

    @Inject
    public DeletionCosts(LiveSettings settings, KubernetesClient client, MeterRegistry registry) {
        this(
                settings.deletionCost(),
                (ns, name, patch) -> client.pods()
                        .inNamespace(ns)
                        .withName(name)
                        .patch(PatchContext.of(PatchType.JSON_MERGE), patch),
                registry);
    }

    DeletionCosts(boolean enabled, PodPatcher patcher, MeterRegistry registry) {
        this.enabled = enabled;
        this.patcher = patcher;
        this.registry = registry;
    }

    /** Folds a Node or Pod event; a malformed one throws (the record is dead-lettered). */
    @SuppressWarnings("unchecked")
    synchronized void observe(CloudEvent e) {
        if (!enabled || e.data() == null || !e.type().startsWith("dev.knative.apiserver.resource.")) {
            return;
        }
        String kind = e.data().path("kind").asText();
        if (!kind.equals("Node") && !kind.equals("Pod")) {
            return;
        }
        Map<String, Object> object = CloudEventCodec.JSON.convertValue(e.data(), Map.class);
        boolean delete = e.type().endsWith(".delete");
        String name = e.data().at("/metadata/name").asText();
        String namespace = e.data().at("/metadata/namespace").asText();
        if (kind.equals("Node")) {
            if (delete) {
                state.deleteNode(name);
            } else {
                state.upsertNode(object);
            }
        } else if (delete) {
            state.deletePod(namespace, name);
            pods.remove(namespace + "/" + name);
        } else {
            state.upsertPod(object);
            pods.put(namespace + "/" + name, object);
        }
    }

    /** Annotates the target's pods before a scale-down; nothing for other decisions. */
    @SuppressWarnings("unchecked")
    void beforeScaleDown(ScaleDecision d, ScaleTarget target) {
        if (!enabled || target == null || d.desiredReplicas() >= d.currentReplicas()) {
            return;
        }
        List<DeletionCostPlanner.DeletionCost> plan;
        Map<String, Map<String, Object>> current = new LinkedHashMap<>();
        synchronized (this) {
            List<Map<String, Object>> workload = new ArrayList<>();
            for (Map<String, Object> p : pods.values()) {
                Map<String, Object> meta = (Map<String, Object>) p.getOrDefault("metadata", Map.of());
                Map<String, String> labels = new LinkedHashMap<>();
                if (meta.get("labels") instanceof Map<?, ?> l) {
                    l.forEach((k, v) -> labels.put(String.valueOf(k), String.valueOf(v)));
                }
                if (target.ref().namespace().equals(meta.get("namespace"))
                        && target.selector().matches(labels)) {
                    workload.add(p);
                    current.put(String.valueOf(meta.get("name")), meta);
                }
            }
            plan = DeletionCostPlanner.plan(workload, state);
        }
        for (DeletionCostPlanner.DeletionCost c : plan) {
            Object annotations =
                    current.get(c.pod()) == null ? null : current.get(c.pod()).get("annotations");
            if (annotations instanceof Map<?, ?> a
                    && String.valueOf(c.cost()).equals(a.get(DeletionCostPlanner.ANNOTATION))) {
                continue;
            }
            try {
                patcher.patch(c.namespace(), c.pod(), c.mergePatch());
                registry.counter("trimtab_autoscaler_deletion_costs_total", "result", "written")
                        .increment();
            } catch (KubernetesClientException e) {
                registry.counter("trimtab_autoscaler_deletion_costs_total", "result", "failed")
                        .increment();
                LOG.warnf("could not set the deletion cost of %s/%s: %s", c.namespace(), c.pod(), e.getMessage());
            }
        }
    }
}

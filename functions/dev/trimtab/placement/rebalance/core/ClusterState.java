package dev.trimtab.placement.rebalance.core;

import dev.trimtab.placement.core.NodeInfo;
import dev.trimtab.placement.core.PodInfo;
import dev.trimtab.placement.core.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the rebalancer decides on: a placement {@link Snapshot} plus the pod facts the snapshot does
 * not keep ({@link PodFacts}), node readiness as the Descheduler reads it, and the
 * PodDisruptionBudgets. The adapter feeds it the same Node, Pod and PodDisruptionBudget object maps
 * it gets from its watches. Not thread-safe: one writer; decisions run between events.
 */
public final class ClusterState {
    private final Snapshot snapshot;
    private final Map<String, PodFacts> facts = new HashMap<>();
    private final Set<String> notReady = new HashSet<>();
    private final Map<String, DisruptionBudget> budgets = new TreeMap<>();
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();

    public ClusterState() {
        this(new Snapshot());
    }

    /** Wraps a snapshot the caller keeps current for nodes; pods must still come through {@link #upsertPod}. */
    public ClusterState(Snapshot snapshot) {
        this.snapshot = snapshot;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    @SuppressWarnings("unchecked")
    public NodeInfo upsertNode(Map<String, Object> node) {
        NodeInfo parsed = snapshot.upsertNode(node);
        boolean ready = true;
        for (Object c : Maps.list(Maps.map(node, "status"), "conditions")) {
            Map<String, Object> cond = (Map<String, Object>) c;
            if ("Ready".equals(cond.get("type")) && !"True".equals(String.valueOf(cond.get("status")))) {
                ready = false;
            }
        }
        if (ready) {
            notReady.remove(parsed.name());
        } else {
            notReady.add(parsed.name());
        }
        return parsed;
    }

    public boolean deleteNode(String name) {
        notReady.remove(name);
        return snapshot.deleteNode(name);
    }

    /** Adds or replaces a pod; terminal pods (Succeeded/Failed) are dropped, as the snapshot does. */
    public PodInfo upsertPod(Map<String, Object> pod) {
        PodInfo info = snapshot.upsertPod(pod);
        PodFacts f = PodFacts.fromMap(pod);
        if ("Succeeded".equals(f.phase()) || "Failed".equals(f.phase())) {
            facts.remove(f.key());
        } else {
            facts.put(f.key(), f);
        }
        return info;
    }

    public boolean deletePod(String namespace, String name) {
        facts.remove(namespace + "/" + name);
        return snapshot.deletePod(namespace, name);
    }

    public DisruptionBudget upsertDisruptionBudget(Map<String, Object> pdb) {
        DisruptionBudget b = DisruptionBudget.fromMap(pdb);
        budgets.put(b.key(), b);
        return b;
    }

    public boolean deleteDisruptionBudget(String namespace, String name) {
        return budgets.remove(namespace + "/" + name) != null;
    }

    /** Namespace labels, for anti-affinity terms with a namespaceSelector. */
    public void upsertNamespace(String name, Map<String, String> labels) {
        snapshot.upsertNamespace(name, labels);
        namespaceLabels.put(name, Map.copyOf(labels));
    }

    public PodFacts facts(String namespace, String name) {
        return facts.get(namespace + "/" + name);
    }

    Map<String, String> namespaceLabels(String namespace) {
        return namespaceLabels.getOrDefault(namespace, Map.of());
    }

    /** Every pod known, bound or not (PDBs count pending pods as unhealthy members). */
    List<PodFacts> allFacts() {
        return new ArrayList<>(facts.values());
    }

    List<DisruptionBudget> budgets() {
        return List.copyOf(budgets.values());
    }

    /** Upstream {@code IsReady}: a node is ready unless its Ready condition says otherwise. */
    public boolean ready(NodeInfo node) {
        return !notReady.contains(node.name());
    }

    /** Ready nodes sorted by name: what the Descheduler hands every plugin. */
    public List<NodeInfo> readyNodes() {
        List<NodeInfo> out = new ArrayList<>();
        for (NodeInfo n : snapshot.nodes()) {
            if (ready(n)) {
                out.add(n);
            }
        }
        return out;
    }
}

package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster state placement decides on: nodes, the pods bound to them and namespace labels, kept
 * up to date from watch events ({@code upsert*}/{@code delete*}) and from our own decisions
 * ({@link #assume}). Like the scheduler's cache it holds only bound, non-terminal pods; a pod bound
 * to a node not seen yet waits and is counted when the node arrives. Equal label maps, taint lists
 * and pod spec facts are shared. Not thread-safe: one writer, decisions run between events.
 */
public final class Snapshot {
    private final Interner interner = new Interner();
    private final Map<String, NodeInfo> nodes = new HashMap<>();
    private final Map<String, PodInfo> pods = new HashMap<>();
    private final Map<String, List<PodInfo>> waiting = new HashMap<>();
    private final Map<String, Labels> namespaces = new HashMap<>();
    private final Map<String, Integer> imageNodes = new HashMap<>();
    private final Map<String, Map<String, int[]>> labelIndex = new HashMap<>();
    private final PodGroups<PodSpecFacts> affinitySpecs = new PodGroups<>();
    private final PodGroups<PodKey> podsByLabels = new PodGroups<>();
    private final WorkloadSelectors workloads = new WorkloadSelectors();
    private NodeInfo[] sorted = new NodeInfo[0];
    private boolean dirty;

    /** Adds or replaces a Node from its object map. Returns the parsed node. */
    public NodeInfo upsertNode(Map<String, Object> node) {
        NodeInfo parsed = NodeParser.parse(node, interner);
        NodeInfo old = nodes.get(parsed.name());
        if (old != null) {
            forgetImages(old);
            for (PodInfo p : old.pods) {
                ungroup(p, old);
                attach(parsed, p);
            }
        }
        List<PodInfo> pending = waiting.remove(parsed.name());
        if (pending != null) {
            pending.forEach(p -> attach(parsed, p));
        }
        for (String image : parsed.imageNames()) {
            imageNodes.merge(image, 1, Integer::sum);
        }
        nodes.put(parsed.name(), parsed);
        dirty = true;
        return parsed;
    }

    /** Removes a node; its pods wait for a node of that name to come back (as the scheduler cache does). */
    public boolean deleteNode(String name) {
        NodeInfo old = nodes.remove(name);
        if (old == null) {
            return false;
        }
        forgetImages(old);
        if (!old.pods.isEmpty()) {
            waiting.put(name, new ArrayList<>(old.pods));
            for (PodInfo p : old.pods) {
                ungroup(p, old);
            }
        }
        dirty = true;
        return true;
    }

    /**
     * Adds or replaces a Pod from its object map. Unbound and terminal (Succeeded/Failed) pods are
     * not kept (an update to terminal removes the pod). Returns the parsed pod.
     */
    public PodInfo upsertPod(Map<String, Object> pod) {
        PodInfo parsed = PodParser.parse(pod, interner);
        remove(parsed.key());
        if (!parsed.nodeName().isEmpty() && !parsed.terminal()) {
            place(parsed);
        }
        return parsed;
    }

    public boolean deletePod(String namespace, String name) {
        return remove(namespace + "/" + name);
    }

    /** Records a Namespace's labels for affinity terms with a {@code namespaceSelector}. */
    public void upsertNamespace(String name, Map<String, String> labels) {
        namespaces.put(name, interner.intern(Labels.of(labels)));
    }

    /** Whether placement keeps objects of this kind for the default spreading (Service, RC, ReplicaSet, StatefulSet). */
    public static boolean tracksWorkload(String kind) {
        return WorkloadSelectors.KINDS.contains(kind);
    }

    /**
     * Adds or replaces a Service, ReplicationController, ReplicaSet or StatefulSet (its selector, for
     * the default topology spreading). A malformed selector throws naming the object and field.
     */
    public void upsertWorkload(Map<String, Object> object) {
        workloads.upsert(object);
    }

    /** Forgets a Service, ReplicationController, ReplicaSet or StatefulSet; returns whether it was kept. */
    public boolean deleteWorkload(String kind, String namespace, String name) {
        return workloads.delete(kind, namespace, name);
    }

    /** How many Services, ReplicationControllers, ReplicaSets and StatefulSets with a selector are kept. */
    public int workloadCount() {
        return workloads.size();
    }

    /** Upstream {@code helper.DefaultSelector} for a pod, from the objects kept. */
    public DefaultSelector defaultSelector(PodInfo pod) {
        return workloads.selectorFor(pod);
    }

    /** Binds {@code pod} to {@code node} in the snapshot, as the scheduler assumes a pod before binding. */
    public PodInfo assume(PodInfo pod, String node) {
        if (!nodes.containsKey(node)) {
            throw new IllegalArgumentException("assume " + pod.key() + ": node " + node + " is not in the snapshot");
        }
        PodInfo bound = pod.boundTo(node)
                .withSpec(
                        interner.intern(pod.spec()), interner.intern(pod.labels()), interner.intern(pod.controller()));
        remove(bound.key());
        place(bound);
        return bound;
    }

    private void place(PodInfo pod) {
        pods.put(pod.key(), pod);
        NodeInfo n = nodes.get(pod.nodeName());
        if (n != null) {
            attach(n, pod);
        } else {
            waiting.computeIfAbsent(pod.nodeName(), k -> new ArrayList<>()).add(pod);
        }
    }

    private boolean remove(String key) {
        PodInfo old = pods.remove(key);
        if (old == null) {
            return false;
        }
        NodeInfo n = nodes.get(old.nodeName());
        if (n != null) {
            if (n.remove(old)) {
                ungroup(old, n);
            }
        } else {
            List<PodInfo> w = waiting.get(old.nodeName());
            if (w != null) {
                w.remove(old);
                if (w.isEmpty()) {
                    waiting.remove(old.nodeName());
                }
            }
        }
        return true;
    }

    private void attach(NodeInfo n, PodInfo p) {
        n.add(p);
        podsByLabels.add(PodKey.of(p), n);
        if (p.spec().hasAnyAffinity()) {
            affinitySpecs.add(p.spec(), n);
        }
    }

    private void ungroup(PodInfo p, NodeInfo n) {
        podsByLabels.remove(PodKey.of(p), n);
        if (p.spec().hasAnyAffinity()) {
            affinitySpecs.remove(p.spec(), n);
        }
    }

    /** Bound pods with any pod (anti-)affinity term, by their (shared) spec. */
    PodGroups<PodSpecFacts> affinitySpecs() {
        return affinitySpecs;
    }

    /** Bound pods by namespace, labels and terminating flag. */
    PodGroups<PodKey> podsByLabels() {
        return podsByLabels;
    }

    private void forgetImages(NodeInfo n) {
        for (String image : n.imageNames()) {
            imageNodes.merge(image, -1, (a, b) -> a + b == 0 ? null : a + b);
        }
    }

    /** Nodes sorted by name; the index of each is its position. */
    NodeInfo[] sortedNodes() {
        if (dirty) {
            sorted = nodes.values().toArray(new NodeInfo[0]);
            Arrays.sort(sorted, Comparator.comparing(NodeInfo::name));
            for (int i = 0; i < sorted.length; i++) {
                sorted[i].index = i;
            }
            labelIndex.clear();
            dirty = false;
        }
        return sorted;
    }

    /**
     * For a label key, the indexes (into {@link #sortedNodes}) of the nodes per value. Built on first
     * use per key and dropped when nodes change; lets topology scores visit a domain's nodes directly.
     */
    Map<String, int[]> nodesByLabel(String key) {
        NodeInfo[] nodes = sortedNodes();
        Map<String, int[]> index = labelIndex.get(key);
        if (index == null) {
            Map<String, List<Integer>> build = new HashMap<>();
            for (NodeInfo n : nodes) {
                String v = n.labels().get(key);
                if (v != null) {
                    build.computeIfAbsent(v, x -> new ArrayList<>()).add(n.index);
                }
            }
            index = new HashMap<>(build.size() * 2);
            for (Map.Entry<String, List<Integer>> e : build.entrySet()) {
                index.put(
                        e.getKey(),
                        e.getValue().stream().mapToInt(Integer::intValue).toArray());
            }
            labelIndex.put(key, index);
        }
        return index;
    }

    public List<NodeInfo> nodes() {
        return List.of(sortedNodes());
    }

    public NodeInfo node(String name) {
        return nodes.get(name);
    }

    public PodInfo pod(String namespace, String name) {
        return pods.get(namespace + "/" + name);
    }

    public int nodeCount() {
        return nodes.size();
    }

    public int podCount() {
        return pods.size();
    }

    /** How many nodes hold an image (for ImageLocality's spread factor). */
    int nodesWithImage(String normalizedImage) {
        Integer n = imageNodes.get(normalizedImage);
        return n == null ? 0 : n;
    }

    Map<String, String> namespaceLabels(String namespace) {
        Labels l = namespaces.get(namespace);
        return l == null ? Labels.EMPTY : l;
    }
}

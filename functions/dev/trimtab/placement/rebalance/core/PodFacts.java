package dev.trimtab.placement.rebalance.core;

import dev.trimtab.kube.Quantity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the Descheduler reads from a Pod that {@link dev.trimtab.placement.core.PodInfo} does not
 * carry: owner references, container images, volumes, priority, QoS class, readiness and the
 * annotations the default evictor looks at. Parsed from the same object map fed to the Snapshot.
 */
public record PodFacts(
        String namespace,
        String name,
        String nodeName,
        String phase,
        List<Owner> owners,
        List<String> images,
        Integer priority,
        String priorityClassName,
        Qos qos,
        boolean mirror,
        boolean staticPod,
        boolean localStorage,
        boolean pvc,
        boolean terminating,
        boolean ready,
        boolean evictAnnotation,
        boolean nodeSelectorOrAffinity,
        Set<String> requestedResources,
        Map<String, String> annotations,
        Map<String, String> labels) {

    /** An owner reference; only kind and name matter to the Descheduler. */
    public record Owner(String kind, String name) {}

    /** Pod QoS class ({@code v1.PodQOSClass}); order is eviction preference, best effort first. */
    public enum Qos {
        BestEffort,
        Burstable,
        Guaranteed
    }

    public static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
    public static final String SOURCE_ANNOTATION = "kubernetes.io/config.source";
    /** Upstream {@code evictPodAnnotationKey}: a pod carrying it passes every evictor check. */
    public static final String EVICT_ANNOTATION = "descheduler.alpha.kubernetes.io/evict";

    public String key() {
        return namespace + "/" + name;
    }

    public boolean hasOwnerKind(String kind) {
        for (Owner o : owners) {
            if (o.kind().equals(kind)) {
                return true;
            }
        }
        return false;
    }

    /** Parses a Pod object map (as Jackson gives it); problems name the field path. */
    @SuppressWarnings("unchecked")
    public static PodFacts fromMap(Map<String, Object> pod) {
        Map<String, Object> meta = Maps.map(pod, "metadata");
        Map<String, Object> spec = Maps.map(pod, "spec");
        Map<String, Object> status = Maps.map(pod, "status");
        String name = Maps.string(meta, "name", "");
        String ns = Maps.string(meta, "namespace", "default");
        List<Owner> owners = new ArrayList<>();
        for (Object o : Maps.list(meta, "ownerReferences")) {
            Map<String, Object> ref = (Map<String, Object>) o;
            owners.add(new Owner(Maps.string(ref, "kind", ""), Maps.string(ref, "name", "")));
        }
        Map<String, String> annotations = Maps.stringMap(meta, "annotations");
        List<String> images = new ArrayList<>();
        Set<String> requested = new LinkedHashSet<>();
        boolean anyRequestOrLimit = false;
        boolean guaranteed = true;
        Map<String, Long> req = new HashMap<>();
        Map<String, Long> lim = new HashMap<>();
        for (String list : List.of("containers", "initContainers")) {
            for (Object c : Maps.list(spec, list)) {
                Map<String, Object> container = (Map<String, Object>) c;
                if (list.equals("containers")) {
                    images.add(Maps.string(container, "image", ""));
                }
                Map<String, Object> resources = Maps.map(container, "resources");
                Map<String, Object> requests = Maps.map(resources, "requests");
                Map<String, Object> limits = Maps.map(resources, "limits");
                requested.addAll(requests.keySet());
                for (Map.Entry<String, Object> e : requests.entrySet()) {
                    if (qosResource(e.getKey()) && quantity(e.getValue()) > 0) {
                        anyRequestOrLimit = true;
                        req.merge(e.getKey(), quantity(e.getValue()), Long::sum);
                    }
                }
                boolean cpuLimit = false;
                boolean memLimit = false;
                for (Map.Entry<String, Object> e : limits.entrySet()) {
                    if (qosResource(e.getKey()) && quantity(e.getValue()) > 0) {
                        anyRequestOrLimit = true;
                        lim.merge(e.getKey(), quantity(e.getValue()), Long::sum);
                        cpuLimit |= e.getKey().equals("cpu");
                        memLimit |= e.getKey().equals("memory");
                    }
                }
                guaranteed &= cpuLimit && memLimit;
            }
        }
        Qos qos;
        String declared = Maps.string(status, "qosClass", "");
        if (!declared.isEmpty()) {
            qos = Qos.valueOf(declared);
        } else if (!anyRequestOrLimit) {
            qos = Qos.BestEffort;
        } else {
            if (guaranteed) {
                for (Map.Entry<String, Long> e : req.entrySet()) {
                    if (!e.getValue().equals(lim.get(e.getKey()))) {
                        guaranteed = false;
                    }
                }
                guaranteed &= lim.keySet().containsAll(List.of("cpu", "memory"));
            }
            qos = guaranteed ? Qos.Guaranteed : Qos.Burstable;
        }
        boolean local = false;
        boolean pvc = false;
        for (Object v : Maps.list(spec, "volumes")) {
            Map<String, Object> vol = (Map<String, Object>) v;
            local |= vol.containsKey("emptyDir") || vol.containsKey("hostPath");
            pvc |= vol.containsKey("persistentVolumeClaim");
        }
        Object priority = spec.get("priority");
        String source = annotations.get(SOURCE_ANNOTATION);
        Map<String, Object> affinity = Maps.map(spec, "affinity");
        boolean selectorOrAffinity = spec.get("nodeSelector") != null || affinity.get("nodeAffinity") != null;
        return new PodFacts(
                ns,
                name,
                Maps.string(spec, "nodeName", ""),
                Maps.string(status, "phase", ""),
                List.copyOf(owners),
                List.copyOf(images),
                priority instanceof Number n ? n.intValue() : null,
                Maps.string(spec, "priorityClassName", ""),
                qos,
                annotations.containsKey(MIRROR_ANNOTATION),
                source != null && !source.equals("api"),
                local,
                pvc,
                meta.get("deletionTimestamp") != null,
                ready(status),
                annotations.containsKey(EVICT_ANNOTATION),
                selectorOrAffinity,
                Set.copyOf(requested),
                annotations,
                Maps.stringMap(meta, "labels"));
    }

    private static boolean qosResource(String name) {
        return name.equals("cpu") || name.equals("memory");
    }

    private static long quantity(Object v) {
        try {
            return Quantity.parseMilli(v);
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }

    @SuppressWarnings("unchecked")
    private static boolean ready(Map<String, Object> status) {
        for (Object c : Maps.list(status, "conditions")) {
            Map<String, Object> cond = (Map<String, Object>) c;
            if ("Ready".equals(cond.get("type"))) {
                return "True".equals(String.valueOf(cond.get("status")));
            }
        }
        return false;
    }
}

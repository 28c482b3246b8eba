package dev.trimtab.placement.core;

import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builds {@link PodInfo} from a Pod object map, validating once at the edge (STYLE.md #4). */
final class PodParser {
    private PodParser() {}

    private record Container(ResourceList requests, boolean hasCpu, boolean hasMemory, boolean sidecar) {
        long nonZeroCpu() {
            return hasCpu ? requests.milliCpu : PodSpecFacts.DEFAULT_MILLI_CPU_REQUEST;
        }

        long nonZeroMemory() {
            return hasMemory ? requests.memory : PodSpecFacts.DEFAULT_MEMORY_REQUEST;
        }
    }

    static PodInfo parse(Map<String, Object> pod, Interner interner) {
        Fields f = new Fields(Fields.objectName("Pod", pod));
        Map<String, Object> md = f.map(pod, "metadata", "metadata");
        String name = f.requiredString(md, "name", "metadata.name");
        String ns = f.string(md, "namespace", "metadata.namespace");
        ns = ns == null || ns.isEmpty() ? "default" : ns;
        Labels labels = Labels.of(f.stringMap(md, "labels", "metadata.labels"));
        boolean terminating = md != null && md.get("deletionTimestamp") != null;
        Map<String, Object> spec = f.map(pod, "spec", "spec");
        String nodeName = f.string(spec, "nodeName", "spec.nodeName");
        String phase = f.string(f.map(pod, "status", "status"), "phase", "status.phase");
        PodSpecFacts facts = facts(f, spec, ns, labels);
        ControllerRef controller = controller(f, md);
        if (interner != null) {
            facts = interner.intern(facts);
            labels = interner.intern(labels);
            controller = interner.intern(controller);
        }
        return new PodInfo(
                ns.intern(),
                name,
                nodeName == null ? "" : nodeName.intern(),
                phase == null ? "" : phase,
                terminating,
                labels,
                facts,
                controller);
    }

    /** The first owner reference with {@code controller: true}, kept when it is an RC, RS or StatefulSet. */
    private static ControllerRef controller(Fields f, Map<String, Object> md) {
        List<Object> refs = f.list(md, "ownerReferences", "metadata.ownerReferences");
        for (int i = 0; i < refs.size(); i++) {
            String p = "metadata.ownerReferences[" + i + "]";
            Map<String, Object> ref = f.item(refs, i, p);
            if (f.bool(ref, "controller", p + ".controller")) {
                ControllerRef.Kind kind = ControllerRef.kindOf(
                        f.string(ref, "apiVersion", p + ".apiVersion"), f.string(ref, "kind", p + ".kind"));
                return kind == null ? null : new ControllerRef(kind, f.requiredString(ref, "name", p + ".name"));
            }
        }
        return null;
    }

    private static PodSpecFacts facts(Fields f, Map<String, Object> spec, String ns, Labels labels) {
        String schedulerName = f.string(spec, "schedulerName", "spec.schedulerName");
        List<HostPort> ports = new ArrayList<>();
        List<String> images = new ArrayList<>();
        List<Container> app = containers(f, spec, "containers", ports, images);
        List<Container> init = containers(f, spec, "initContainers", ports, images);
        ResourceList overhead = ResourceList.parse(f, spec, "overhead", "spec.overhead");

        ResourceList.Builder sum = new ResourceList.Builder();
        long nzCpu = 0;
        long nzMem = 0;
        for (Container c : app) {
            sum.add(c.requests);
            nzCpu += c.nonZeroCpu();
            nzMem += c.nonZeroMemory();
        }
        ResourceList.Builder restartable = new ResourceList.Builder();
        ResourceList.Builder initMax = new ResourceList.Builder();
        long rsCpu = 0;
        long rsMem = 0;
        long initCpu = 0;
        long initMem = 0;
        for (Container c : init) {
            if (c.sidecar) {
                sum.add(c.requests);
                restartable.add(c.requests);
                initMax.max(restartable.build());
                nzCpu += c.nonZeroCpu();
                nzMem += c.nonZeroMemory();
                rsCpu += c.nonZeroCpu();
                rsMem += c.nonZeroMemory();
                initCpu = Math.max(initCpu, rsCpu);
                initMem = Math.max(initMem, rsMem);
            } else {
                initMax.max(new ResourceList.Builder(c.requests)
                        .add(restartable.build())
                        .build());
                initCpu = Math.max(initCpu, c.nonZeroCpu() + rsCpu);
                initMem = Math.max(initMem, c.nonZeroMemory() + rsMem);
            }
        }
        sum.max(initMax.build()).add(overhead);
        sum.pods = 0;
        nzCpu = Math.max(nzCpu, initCpu) + overhead.milliCpu;
        nzMem = Math.max(nzMem, initMem) + overhead.memory;

        Map<String, Object> affinity = f.map(spec, "affinity", "spec.affinity");
        Map<String, Object> nodeAff = f.map(affinity, "nodeAffinity", "spec.affinity.nodeAffinity");
        Map<String, Object> podAff = f.map(affinity, "podAffinity", "spec.affinity.podAffinity");
        Map<String, Object> antiAff = f.map(affinity, "podAntiAffinity", "spec.affinity.podAntiAffinity");
        String pa = "spec.affinity.podAffinity";
        String paa = "spec.affinity.podAntiAffinity";
        return new PodSpecFacts(
                schedulerName == null || schedulerName.isEmpty() ? "default-scheduler" : schedulerName,
                sum.build(),
                nzCpu,
                nzMem,
                List.copyOf(ports),
                Labels.of(f.stringMap(spec, "nodeSelector", "spec.nodeSelector")),
                requiredNodeAffinity(f, nodeAff),
                preferredNodeAffinity(f, nodeAff),
                tolerations(f, spec),
                podTerms(f, podAff, pa, ns, labels, false),
                podTerms(f, antiAff, paa, ns, labels, false),
                podTerms(f, podAff, pa, ns, labels, true),
                podTerms(f, antiAff, paa, ns, labels, true),
                SpreadParser.parse(f, spec, labels),
                List.copyOf(images));
    }

    private static List<Container> containers(
            Fields f, Map<String, Object> spec, String key, List<HostPort> ports, List<String> images) {
        List<Object> list = f.list(spec, key, "spec." + key);
        List<Container> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = "spec." + key + "[" + i + "]";
            Map<String, Object> c = f.item(list, i, p);
            String image = f.string(c, "image", p + ".image");
            if (image != null && !image.isEmpty()) {
                images.add(normalizedImage(image));
            }
            Map<String, Object> resources = f.map(c, "resources", p + ".resources");
            Map<String, Object> requests = f.map(resources, "requests", p + ".resources.requests");
            ResourceList r = ResourceList.parse(f, resources, "requests", p + ".resources.requests");
            String restart = f.string(c, "restartPolicy", p + ".restartPolicy");
            boolean sidecar = "Always".equals(restart);
            out.add(new Container(
                    r,
                    requests != null && requests.containsKey("cpu"),
                    requests != null && requests.containsKey("memory"),
                    sidecar));
            // getContainerPorts: app containers and restartable (sidecar) init containers
            if (key.equals("containers") || sidecar) {
                List<Object> cp = f.list(c, "ports", p + ".ports");
                for (int j = 0; j < cp.size(); j++) {
                    String pp = p + ".ports[" + j + "]";
                    Map<String, Object> port = f.item(cp, j, pp);
                    long hostPort = f.integer(port, "hostPort", pp + ".hostPort", 0);
                    if (hostPort < 0 || hostPort > 65535) {
                        throw f.error(pp + ".hostPort", hostPort, "a port number between 1 and 65535");
                    }
                    if (hostPort > 0) {
                        ports.add(new HostPort(
                                f.string(port, "hostIP", pp + ".hostIP"),
                                f.string(port, "protocol", pp + ".protocol"),
                                (int) hostPort));
                    }
                }
            }
        }
        return out;
    }

    /** Upstream {@code normalizedImageName}: a name without a tag gets ":latest". */
    static String normalizedImage(String name) {
        if (name.lastIndexOf(':') <= name.lastIndexOf('/') && !name.contains("@")) {
            name = name + ":latest";
        }
        return name.intern();
    }

    private static NodeSelector requiredNodeAffinity(Fields f, Map<String, Object> nodeAff) {
        String p = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution";
        Map<String, Object> req = f.map(nodeAff, "requiredDuringSchedulingIgnoredDuringExecution", p);
        if (req == null) {
            return null;
        }
        List<Object> terms = f.list(req, "nodeSelectorTerms", p + ".nodeSelectorTerms");
        List<NodeSelector.Term> out = new ArrayList<>();
        for (int i = 0; i < terms.size(); i++) {
            String tp = p + ".nodeSelectorTerms[" + i + "]";
            out.add(NodeSelector.parseTerm(f, f.item(terms, i, tp), tp));
        }
        return new NodeSelector(List.copyOf(out));
    }

    private static List<NodeSelector.Preferred> preferredNodeAffinity(Fields f, Map<String, Object> nodeAff) {
        String p = "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution";
        List<Object> list = f.list(nodeAff, "preferredDuringSchedulingIgnoredDuringExecution", p);
        List<NodeSelector.Preferred> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String tp = p + "[" + i + "]";
            Map<String, Object> item = f.item(list, i, tp);
            long weight = f.integer(item, "weight", tp + ".weight", 0);
            Map<String, Object> pref = f.map(item, "preference", tp + ".preference");
            if (weight != 0) {
                out.add(new NodeSelector.Preferred(
                        (int) weight, NodeSelector.parseTerm(f, pref == null ? Map.of() : pref, tp + ".preference")));
            }
        }
        return List.copyOf(out);
    }

    private static List<Toleration> tolerations(Fields f, Map<String, Object> spec) {
        List<Object> list = f.list(spec, "tolerations", "spec.tolerations");
        List<Toleration> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = "spec.tolerations[" + i + "]";
            Map<String, Object> t = f.item(list, i, p);
            String op = f.string(t, "operator", p + ".operator");
            if (op != null && !op.isEmpty() && !op.equals("Exists") && !op.equals("Equal")) {
                throw f.error(p + ".operator", op, "Exists or Equal");
            }
            out.add(new Toleration(
                    f.string(t, "key", p + ".key"),
                    op,
                    f.string(t, "value", p + ".value"),
                    f.string(t, "effect", p + ".effect")));
        }
        return List.copyOf(out);
    }

    private static List<AffinityTerm> podTerms(
            Fields f, Map<String, Object> aff, String base, String ns, Labels podLabels, boolean preferred) {
        String key = preferred
                ? "preferredDuringSchedulingIgnoredDuringExecution"
                : "requiredDuringSchedulingIgnoredDuringExecution";
        List<Object> list = f.list(aff, key, base + "." + key);
        List<AffinityTerm> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String p = base + "." + key + "[" + i + "]";
            Map<String, Object> item = f.item(list, i, p);
            int weight = 0;
            if (preferred) {
                weight = (int) f.integer(item, "weight", p + ".weight", 0);
                p = p + ".podAffinityTerm";
                item = f.map(item, "podAffinityTerm", p);
                if (item == null) {
                    throw f.error(p, "required");
                }
            }
            out.add(term(f, item, p, ns, podLabels, weight));
        }
        return List.copyOf(out);
    }

    private static AffinityTerm term(
            Fields f, Map<String, Object> t, String p, String ns, Labels podLabels, int weight) {
        String topologyKey = f.requiredString(t, "topologyKey", p + ".topologyKey");
        LabelSelector selector = selector(f, t, "labelSelector", p);
        LabelSelector nsSelector = selector(f, t, "namespaceSelector", p);
        List<String> namespaces = f.stringList(t, "namespaces", p + ".namespaces");
        Set<String> nsSet = new HashSet<>(namespaces);
        if (namespaces.isEmpty() && nsSelector == null) {
            nsSet.add(ns);
        }
        if (selector != null) {
            selector = withLabelKeys(
                    selector,
                    f.stringList(t, "matchLabelKeys", p + ".matchLabelKeys"),
                    podLabels,
                    LabelSelector.Operator.In);
            selector = withLabelKeys(
                    selector,
                    f.stringList(t, "mismatchLabelKeys", p + ".mismatchLabelKeys"),
                    podLabels,
                    LabelSelector.Operator.NotIn);
        }
        return new AffinityTerm(Set.copyOf(nsSet), nsSelector, selector, topologyKey.intern(), weight);
    }

    static LabelSelector selector(Fields f, Map<String, Object> t, String key, String p) {
        try {
            return LabelSelector.fromMap(t == null ? null : t.get(key), p + "." + key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f.object() + ": " + e.getMessage(), e);
        }
    }

    /** Folds {@code matchLabelKeys} (In) or {@code mismatchLabelKeys} (NotIn) into a selector with the pod's values. */
    static LabelSelector withLabelKeys(
            LabelSelector s, List<String> keys, Map<String, String> podLabels, LabelSelector.Operator op) {
        if (keys.isEmpty()) {
            return s;
        }
        List<LabelSelector.Requirement> reqs = new ArrayList<>(s.matchExpressions());
        for (String k : keys) {
            String v = podLabels.get(k);
            if (v != null) {
                reqs.add(new LabelSelector.Requirement(k, op, Set.of(v)));
            }
        }
        return new LabelSelector(new LinkedHashMap<>(s.matchLabels()), reqs);
    }
}

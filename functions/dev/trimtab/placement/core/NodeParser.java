package dev.trimtab.placement.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds {@link NodeInfo} from a Node object map; errors name the node and the field path. */
final class NodeParser {
    private NodeParser() {}

    static NodeInfo parse(Map<String, Object> node, Interner interner) {
        Fields f = new Fields(Fields.objectName("Node", node));
        Map<String, Object> md = f.map(node, "metadata", "metadata");
        String name = f.requiredString(md, "name", "metadata.name");
        Labels labels = Labels.of(f.stringMap(md, "labels", "metadata.labels"));
        Map<String, Object> spec = f.map(node, "spec", "spec");
        boolean unschedulable = f.bool(spec, "unschedulable", "spec.unschedulable");
        List<Object> taintList = f.list(spec, "taints", "spec.taints");
        List<Taint> taints = new ArrayList<>(taintList.size());
        for (int i = 0; i < taintList.size(); i++) {
            String p = "spec.taints[" + i + "]";
            Map<String, Object> t = f.item(taintList, i, p);
            String effect = f.requiredString(t, "effect", p + ".effect");
            if (!effect.equals(Taint.NO_SCHEDULE)
                    && !effect.equals(Taint.PREFER_NO_SCHEDULE)
                    && !effect.equals(Taint.NO_EXECUTE)) {
                throw f.error(p + ".effect", effect, "NoSchedule, PreferNoSchedule or NoExecute");
            }
            taints.add(new Taint(f.requiredString(t, "key", p + ".key"), f.string(t, "value", p + ".value"), effect));
        }
        Map<String, Object> status = f.map(node, "status", "status");
        ResourceList allocatable = status != null && status.get("allocatable") != null
                ? ResourceList.parse(f, status, "allocatable", "status.allocatable")
                : ResourceList.parse(f, status, "capacity", "status.capacity");
        boolean ready = false;
        List<Object> conditions = f.list(status, "conditions", "status.conditions");
        for (int i = 0; i < conditions.size(); i++) {
            Map<String, Object> c = f.item(conditions, i, "status.conditions[" + i + "]");
            if ("Ready".equals(c.get("type"))) {
                ready = "True".equals(c.get("status"));
            }
        }
        TreeMap<String, Long> images = new TreeMap<>();
        List<Object> imageList = f.list(status, "images", "status.images");
        for (int i = 0; i < imageList.size(); i++) {
            String p = "status.images[" + i + "]";
            Map<String, Object> img = f.item(imageList, i, p);
            long size = f.integer(img, "sizeBytes", p + ".sizeBytes", 0);
            for (String n : f.stringList(img, "names", p + ".names")) {
                images.put(PodParser.normalizedImage(n), size);
            }
        }
        String[] names = images.keySet().toArray(ResourceList.NO_NAMES);
        long[] sizes = images.values().stream().mapToLong(Long::longValue).toArray();
        if (interner != null) {
            allocatable = interner.intern(allocatable);
            taints = interner.intern(List.copyOf(taints));
        }
        return new NodeInfo(name, labels, List.copyOf(taints), ready, unschedulable, allocatable, names, sizes);
    }
}

package dev.trimtab.network.core;

import dev.trimtab.kube.IpAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Namespace, Pod and NetworkPolicy map trees to model records; errors name the field path. */
final class ObjectParser {
    private ObjectParser() {}

    /** {@code ns/name} (or {@code name}) for error messages, tolerant of a broken metadata. */
    static String describe(Map<String, Object> o, boolean namespaced) {
        Object meta = o.get("metadata");
        if (!(meta instanceof Map<?, ?> m)) {
            return "(no metadata)";
        }
        String name = m.get("name") instanceof String s ? s : "(no name)";
        if (!namespaced) {
            return name;
        }
        String ns = m.get("namespace") instanceof String s && !s.isEmpty() ? s : "default";
        return ns + "/" + name;
    }

    static Namespace namespace(Map<String, Object> o) {
        Map<String, Object> meta = metadata(o);
        String name = Fields.requiredString(meta.get("name"), "metadata.name");
        return new Namespace(name, Fields.labels(meta.get("labels"), "metadata.labels"));
    }

    static Pod pod(Map<String, Object> o) {
        Map<String, Object> meta = metadata(o);
        String name = Fields.requiredString(meta.get("name"), "metadata.name");
        Map<String, Object> spec = Fields.mapOrEmpty(o.get("spec"), "spec");
        Map<String, Object> status = Fields.mapOrEmpty(o.get("status"), "status");
        return new Pod(
                namespaceOf(meta),
                name,
                Fields.labels(meta.get("labels"), "metadata.labels"),
                ips(status),
                containerPorts(spec));
    }

    static NetworkPolicy policy(Map<String, Object> o) {
        Map<String, Object> meta = metadata(o);
        String name = Fields.requiredString(meta.get("name"), "metadata.name");
        Map<String, Object> spec = Fields.map(o.get("spec"), "spec");
        if (spec == null) {
            throw new IllegalArgumentException("spec: required");
        }
        return PolicyParser.parse(namespaceOf(meta), name, spec);
    }

    private static Map<String, Object> metadata(Map<String, Object> o) {
        Map<String, Object> meta = Fields.map(o.get("metadata"), "metadata");
        if (meta == null) {
            throw new IllegalArgumentException("metadata: required");
        }
        return meta;
    }

    private static String namespaceOf(Map<String, Object> meta) {
        String ns = Fields.string(meta.get("namespace"), "metadata.namespace");
        return ns == null || ns.isEmpty() ? "default" : ns;
    }

    /** {@code status.podIP} first, then any other {@code status.podIPs[].ip}, without duplicates. */
    private static List<IpAddress> ips(Map<String, Object> status) {
        List<IpAddress> ips = new ArrayList<>();
        String podIp = Fields.string(status.get("podIP"), "status.podIP");
        if (podIp != null && !podIp.isEmpty()) {
            ips.add(ip(podIp, "status.podIP"));
        }
        List<?> list = Fields.listOrEmpty(status.get("podIPs"), "status.podIPs");
        for (int i = 0; i < list.size(); i++) {
            String p = "status.podIPs[" + i + "].ip";
            IpAddress ip = ip(
                    Fields.requiredString(
                            Fields.mapOrEmpty(list.get(i), "status.podIPs[" + i + "]")
                                    .get("ip"),
                            p),
                    p);
            if (!ips.contains(ip)) {
                ips.add(ip);
            }
        }
        return ips;
    }

    private static IpAddress ip(String text, String path) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage());
        }
    }

    private static List<Pod.ContainerPort> containerPorts(Map<String, Object> spec) {
        List<Pod.ContainerPort> out = new ArrayList<>();
        List<?> containers = Fields.listOrEmpty(spec.get("containers"), "spec.containers");
        for (int i = 0; i < containers.size(); i++) {
            String cp = "spec.containers[" + i + "]";
            List<?> ports =
                    Fields.listOrEmpty(Fields.mapOrEmpty(containers.get(i), cp).get("ports"), cp + ".ports");
            for (int j = 0; j < ports.size(); j++) {
                String pp = cp + ".ports[" + j + "]";
                Map<String, Object> port = Fields.mapOrEmpty(ports.get(j), pp);
                long n = Fields.integer(port.get("containerPort"), pp + ".containerPort", "a port number");
                if (n < 1 || n > 65535) {
                    throw new IllegalArgumentException(pp + ".containerPort: got " + n + ", want 1..65535");
                }
                out.add(new Pod.ContainerPort(
                        Fields.string(port.get("name"), pp + ".name"),
                        (int) n,
                        Protocol.parse(port.get("protocol"), pp + ".protocol")));
            }
        }
        return out;
    }
}

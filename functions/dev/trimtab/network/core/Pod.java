package dev.trimtab.network.core;

import dev.trimtab.kube.IpAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What NetworkPolicy evaluation needs of a pod: identity, labels, addresses ({@code status.podIP}
 * and {@code status.podIPs}, possibly none for a pod not yet running) and the container ports that
 * named ports resolve against.
 */
public record Pod(
        String namespace, String name, Map<String, String> labels, List<IpAddress> ips, List<ContainerPort> ports) {

    /** One {@code spec.containers[].ports[]} entry; {@code name} may be null. */
    public record ContainerPort(String name, int number, Protocol protocol) {}

    public Pod {
        labels = Map.copyOf(labels);
        ips = List.copyOf(ips);
        ports = List.copyOf(ports);
    }

    /**
     * Component by component, as a record compares, but identity and name first (the usual
     * difference). The generated {@code hashCode} stays: it agrees with this.
     */
    @Override
    public boolean equals(Object o) {
        return this == o
                || o instanceof Pod p
                        && Objects.equals(name, p.name)
                        && Objects.equals(namespace, p.namespace)
                        && Objects.equals(labels, p.labels)
                        && Objects.equals(ips, p.ips)
                        && Objects.equals(ports, p.ports);
    }

    /** {@code namespace/name}, the form used in answers and on the command line. */
    public String key() {
        return namespace + "/" + name;
    }

    /** Whether a container port named {@code portName} with {@code protocol} has {@code number}. */
    public boolean namedPortIs(String portName, Protocol protocol, int number) {
        for (int i = 0; i < ports.size(); i++) {
            ContainerPort p = ports.get(i);
            if (portName.equals(p.name()) && p.protocol() == protocol && p.number() == number) {
                return true;
            }
        }
        return false;
    }
}

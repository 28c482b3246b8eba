package dev.trimtab.network.core;

import dev.trimtab.kube.IpAddress;
import java.util.List;

/** One end of a connection: a pod of the cluster, or an address outside it. */
public sealed interface Endpoint {

    /** {@code ns/pod}, or the address. */
    String id();

    /** The addresses ipBlock peers are checked against. */
    List<IpAddress> ips();

    record PodEndpoint(Pod pod) implements Endpoint {
        @Override
        public String id() {
            return pod.key();
        }

        @Override
        public List<IpAddress> ips() {
            return pod.ips();
        }
    }

    /**
     * An address that is no pod of the model. It is subject to no policy of its own: only the
     * cluster side of the connection is evaluated.
     */
    record External(IpAddress ip) implements Endpoint {
        @Override
        public String id() {
            return ip.toString();
        }

        @Override
        public List<IpAddress> ips() {
            return List.of(ip);
        }
    }
}

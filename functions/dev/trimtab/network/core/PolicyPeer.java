package dev.trimtab.network.core;

import dev.trimtab.kube.Cidr;
import dev.trimtab.kube.IpAddress;
import dev.trimtab.kube.LabelSelector;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** One {@code from[]} or {@code to[]} entry of a rule: pods chosen by selectors, or an address block. */
public sealed interface PolicyPeer {

    /**
     * Whether {@code endpoint} is this peer, for a rule of a policy in {@code policyNamespace};
     * {@code namespaceLabels} gives the labels of any namespace by name.
     */
    boolean matches(Endpoint endpoint, String policyNamespace, Function<String, Map<String, String>> namespaceLabels);

    /**
     * Pods by selectors. A null {@code namespaceSelector} means the policy's own namespace; a null
     * {@code podSelector} means every pod of the chosen namespaces. An empty selector ({@code {}})
     * matches everything. At least one of the two is set (the API server rejects a peer with none).
     * Never matches an external address.
     */
    record PodPeer(LabelSelector podSelector, LabelSelector namespaceSelector) implements PolicyPeer {
        @Override
        public boolean matches(
                Endpoint endpoint, String policyNamespace, Function<String, Map<String, String>> namespaceLabels) {
            if (!(endpoint instanceof Endpoint.PodEndpoint pe)) {
                return false;
            }
            Pod pod = pe.pod();
            boolean nsOk = namespaceSelector == null
                    ? pod.namespace().equals(policyNamespace)
                    : namespaceSelector.matches(namespaceLabels.apply(pod.namespace()));
            return nsOk && (podSelector == null || podSelector.matches(pod.labels()));
        }

        @Override
        public String toString() {
            return "pods{" + (podSelector == null ? "*" : podSelector) + "} in namespaces{"
                    + (namespaceSelector == null ? "=" : namespaceSelector) + "}";
        }
    }

    /**
     * Addresses in {@code cidr} but in none of {@code except}. Matches an external address, and a
     * pod when one of its IPs qualifies: the upstream e2e suite expects an ipBlock naming a pod's IP
     * to allow traffic to that pod ("should allow egress access to server in CIDR block"). A pod
     * without a known IP is never matched.
     */
    record IpBlockPeer(Cidr cidr, List<Cidr> except) implements PolicyPeer {
        public IpBlockPeer {
            except = List.copyOf(except);
        }

        public boolean contains(IpAddress ip) {
            if (!cidr.contains(ip)) {
                return false;
            }
            for (int i = 0; i < except.size(); i++) {
                if (except.get(i).contains(ip)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public boolean matches(
                Endpoint endpoint, String policyNamespace, Function<String, Map<String, String>> namespaceLabels) {
            List<IpAddress> ips = endpoint.ips();
            for (int i = 0; i < ips.size(); i++) {
                if (contains(ips.get(i))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return "ipBlock{" + cidr + (except.isEmpty() ? "" : " except " + except) + "}";
        }
    }
}

package dev.trimtab.network.core;

import dev.trimtab.kube.Cidr;
import dev.trimtab.kube.LabelSelector;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A NetworkPolicy's map tree to a {@link NetworkPolicy}, validated as the API server validates
 * on create. The first problem is thrown with its field path, e.g.
 * {@code spec.ingress[0].ports[1].port: got "a b", want a port number or an IANA service name}.
 */
final class PolicyParser {
    /** IANA service name: 1-15 of [a-z0-9-], a letter somewhere, no leading, trailing or double hyphen. */
    private static final Pattern SERVICE_NAME = Pattern.compile("^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$");

    private PolicyParser() {}

    static NetworkPolicy parse(String namespace, String name, Map<String, Object> spec) {
        LabelSelector podSelector = LabelSelector.fromMap(spec.get("podSelector"), "spec.podSelector");
        if (podSelector == null) {
            throw new IllegalArgumentException("spec.podSelector: required (use {} to select every pod)");
        }
        List<?> ingress = Fields.list(spec.get("ingress"), "spec.ingress");
        List<?> egress = Fields.list(spec.get("egress"), "spec.egress");
        Set<Direction> types = types(spec.get("policyTypes"), egress != null && !egress.isEmpty());
        return new NetworkPolicy(
                namespace,
                name,
                podSelector,
                types,
                rules(ingress, "spec.ingress", "from"),
                rules(egress, "spec.egress", "to"));
    }

    /**
     * The API server's defaulting (SetDefaults_NetworkPolicySpec): an absent or empty
     * {@code policyTypes} becomes {@code [Ingress]}, plus {@code Egress} when the policy has at least
     * one egress rule ({@code egress: []} is no rule).
     */
    private static Set<Direction> types(Object value, boolean hasEgressRules) {
        List<?> written = Fields.list(value, "spec.policyTypes");
        if (written == null || written.isEmpty()) {
            return hasEgressRules ? EnumSet.allOf(Direction.class) : EnumSet.of(Direction.Ingress);
        }
        Set<Direction> types = EnumSet.noneOf(Direction.class);
        for (int i = 0; i < written.size(); i++) {
            Object t = written.get(i);
            if (!"Ingress".equals(t) && !"Egress".equals(t)) {
                throw new IllegalArgumentException(
                        "spec.policyTypes[" + i + "]: got " + Fields.quote(t) + ", want Ingress or Egress");
            }
            types.add(Direction.valueOf((String) t));
        }
        return types;
    }

    private static List<PolicyRule> rules(List<?> rules, String path, String peersField) {
        List<PolicyRule> out = new ArrayList<>();
        if (rules == null) {
            return out;
        }
        for (int i = 0; i < rules.size(); i++) {
            String p = path + "[" + i + "]";
            Map<String, Object> rule = Fields.mapOrEmpty(rules.get(i), p);
            List<PolicyPeer> peers = new ArrayList<>();
            List<?> peerList = Fields.listOrEmpty(rule.get(peersField), p + "." + peersField);
            for (int j = 0; j < peerList.size(); j++) {
                peers.add(peer(peerList.get(j), p + "." + peersField + "[" + j + "]"));
            }
            List<PolicyPort> ports = new ArrayList<>();
            List<?> portList = Fields.listOrEmpty(rule.get("ports"), p + ".ports");
            for (int j = 0; j < portList.size(); j++) {
                ports.add(port(portList.get(j), p + ".ports[" + j + "]"));
            }
            out.add(new PolicyRule(peers, ports));
        }
        return out;
    }

    static PolicyPeer peer(Object value, String path) {
        Map<String, Object> peer = Fields.map(value, path);
        if (peer == null) {
            throw new IllegalArgumentException(path + ": got null, want a peer object");
        }
        LabelSelector pods = LabelSelector.fromMap(peer.get("podSelector"), path + ".podSelector");
        LabelSelector namespaces = LabelSelector.fromMap(peer.get("namespaceSelector"), path + ".namespaceSelector");
        Map<String, Object> block = Fields.map(peer.get("ipBlock"), path + ".ipBlock");
        if (block != null) {
            if (pods != null || namespaces != null) {
                throw new IllegalArgumentException(
                        path + ": may not specify both ipBlock and podSelector or namespaceSelector");
            }
            return ipBlock(block, path + ".ipBlock");
        }
        if (pods == null && namespaces == null) {
            throw new IllegalArgumentException(
                    path + ": must specify a podSelector, a namespaceSelector or an ipBlock");
        }
        return new PolicyPeer.PodPeer(pods, namespaces);
    }

    private static PolicyPeer.IpBlockPeer ipBlock(Map<String, Object> block, String path) {
        Cidr cidr = cidr(Fields.requiredString(block.get("cidr"), path + ".cidr"), path + ".cidr");
        List<Cidr> except = new ArrayList<>();
        List<?> ex = Fields.listOrEmpty(block.get("except"), path + ".except");
        for (int i = 0; i < ex.size(); i++) {
            String p = path + ".except[" + i + "]";
            Cidr e = cidr(Fields.requiredString(ex.get(i), p), p);
            if (!cidr.covers(e) || e.prefix() == cidr.prefix()) {
                throw new IllegalArgumentException(
                        p + ": got \"" + ex.get(i) + "\", must be a strict subset of " + cidr);
            }
            except.add(e);
        }
        return new PolicyPeer.IpBlockPeer(cidr, except);
    }

    private static Cidr cidr(String text, String path) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage());
        }
    }

    static PolicyPort port(Object value, String path) {
        Map<String, Object> port = Fields.mapOrEmpty(value, path);
        Protocol protocol = Protocol.parse(port.get("protocol"), path + ".protocol");
        Object p = port.get("port");
        Object end = port.get("endPort");
        if (p == null) {
            if (end != null) {
                throw new IllegalArgumentException(path + ".endPort: may not be set without a numeric port");
            }
            return PolicyPort.any(protocol);
        }
        if (p instanceof String name) {
            if (!SERVICE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        path + ".port: got " + Fields.quote(name) + ", want a port number or an IANA service name");
            }
            if (end != null) {
                throw new IllegalArgumentException(
                        path + ".endPort: may not be set when port is a name (\"" + name + "\")");
            }
            return new PolicyPort(protocol, null, name, null);
        }
        int number = portNumber(p, path + ".port", "want a port number or an IANA service name");
        Integer endPort = null;
        if (end != null) {
            endPort = portNumber(end, path + ".endPort", "want a port number");
            if (endPort < number) {
                throw new IllegalArgumentException(
                        path + ".endPort: got " + endPort + ", must be greater than or equal to port (" + number + ")");
            }
        }
        return new PolicyPort(protocol, number, null, endPort);
    }

    private static int portNumber(Object value, String path, String want) {
        long n = Fields.integer(value, path, want);
        if (n < 1 || n > 65535) {
            throw new IllegalArgumentException(path + ": got " + n + ", want 1..65535");
        }
        return (int) n;
    }
}

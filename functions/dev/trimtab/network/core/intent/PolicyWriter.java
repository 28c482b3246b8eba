package dev.trimtab.network.core.intent;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.network.core.Direction;
import dev.trimtab.network.core.Port;
import dev.trimtab.network.core.Protocol;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The NetworkPolicy objects Trimtab generates, as map trees ready to apply: numbers as
 * {@code Long} (as manifests read them), Trimtab's labels, and the narrowest selectors the rule
 * allows. Names: {@code trimtab-<intent>-<rule>} and, for the source side of an onlyFrom rule,
 * {@code trimtab-<intent>-<rule>-from-<source>}.
 */
public final class PolicyWriter {
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "trimtab";
    static final String INTENT_LABEL = "trimtab.dev/intent";

    private PolicyWriter() {}

    static String name(NetworkIntent intent, int rule) {
        return "trimtab-" + intent.name() + "-" + rule;
    }

    /**
     * {@code value} when it has at most {@code max} characters, else its first characters and a
     * hash of the whole ({@code <prefix>-<8 hex>}, {@code max} long): a long intent name still
     * gives a valid policy name (253) and label value (63), distinct for distinct names.
     */
    static String fit(String value, int max) {
        if (value.length() <= max) {
            return value;
        }
        String prefix = value.substring(0, max - 9).replaceAll("[-._]+$", "");
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return prefix + "-" + HexFormat.of().formatHex(h, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** Whether Trimtab owns {@code policy}: both of its labels are on it. */
    public static boolean owned(Map<String, Object> policy) {
        if (!(policy.get("metadata") instanceof Map<?, ?> meta) || !(meta.get("labels") instanceof Map<?, ?> labels)) {
            return false;
        }
        return MANAGER.equals(labels.get(MANAGED_BY)) && labels.get(INTENT_LABEL) instanceof String;
    }

    /** Every pod of {@code namespace} isolated for the rule's directions; DNS egress kept when allowed. */
    static Map<String, Object> defaultDeny(
            NetworkIntent intent, int index, IntentRule.DefaultDeny rule, String namespace) {
        Map<String, Object> spec = spec(LabelSelector.EVERYTHING);
        List<String> types = new ArrayList<>();
        for (Direction d : Direction.values()) {
            if (rule.directions().contains(d)) {
                types.add(d.name());
            }
        }
        spec.put("policyTypes", types);
        if (rule.directions().contains(Direction.Egress)) {
            List<Object> egress = new ArrayList<>();
            if (rule.allowDNS()) {
                Map<String, Object> peer = new LinkedHashMap<>();
                peer.put(
                        "namespaceSelector",
                        Map.of(
                                "matchLabels",
                                Map.of("kubernetes.io/metadata.name", IntentRule.DefaultDeny.DNS_NAMESPACE)));
                peer.put(
                        "podSelector",
                        Map.of(
                                "matchLabels",
                                Map.of(
                                        IntentRule.DefaultDeny.DNS_POD_LABEL_KEY,
                                        IntentRule.DefaultDeny.DNS_POD_LABEL)));
                egress.add(rule(
                        List.of(peer),
                        List.of(port(new Port(53, Protocol.UDP)), port(new Port(53, Protocol.TCP))),
                        "to"));
            }
            spec.put("egress", egress);
        }
        if (rule.directions().contains(Direction.Ingress)) {
            spec.put("ingress", List.of());
        }
        return policy(intent, name(intent, index), namespace, spec);
    }

    /** The targets of {@code namespace} accept the rule's port from the listed sources only. */
    static Map<String, Object> onlyFromIngress(
            NetworkIntent intent, int index, IntentRule.OnlyFrom rule, String namespace) {
        Map<String, Object> spec = spec(rule.podSelector());
        spec.put("policyTypes", List.of("Ingress"));
        List<Object> peers = new ArrayList<>();
        for (IntentRule.Source s : rule.from()) {
            Map<String, Object> peer = new LinkedHashMap<>();
            if (s.namespaceSelector() != null) {
                peer.put("namespaceSelector", Selectors.toMap(s.namespaceSelector()));
            }
            if (s.podSelector() != null) {
                peer.put("podSelector", Selectors.toMap(s.podSelector()));
            }
            peers.add(peer);
        }
        spec.put("ingress", peers.isEmpty() ? List.of() : List.of(rule(peers, List.of(port(rule.port())), "from")));
        return policy(intent, name(intent, index), namespace, spec);
    }

    /**
     * The targets of {@code namespace} that only onlyFrom target-side policies isolate
     * ({@code podSelector}) accept everyone on every port of every protocol but {@code closed}, as
     * they did before: port ranges ({@code endPort}) around the closed ports, a protocol with none
     * closed as a whole. Named {@code trimtab-<intent>-<rule>-others}.
     */
    static Map<String, Object> onlyFromOthers(
            NetworkIntent intent, int index, String namespace, LabelSelector podSelector, Set<Port> closed) {
        Map<String, Object> spec = spec(podSelector);
        spec.put("policyTypes", List.of("Ingress"));
        List<Object> ports = new ArrayList<>();
        for (Protocol p : Protocol.values()) {
            List<Integer> shut = closed.stream()
                    .filter(c -> c.protocol() == p)
                    .map(Port::number)
                    .distinct()
                    .sorted()
                    .toList();
            if (shut.isEmpty()) {
                Map<String, Object> all = new LinkedHashMap<>();
                all.put("protocol", p.name());
                ports.add(all);
                continue;
            }
            int from = 1;
            for (int n : shut) {
                range(ports, p, from, n - 1);
                from = n + 1;
            }
            range(ports, p, from, 65535);
        }
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("ports", ports);
        spec.put("ingress", List.of(rule));
        return policy(intent, name(intent, index) + "-others", namespace, spec);
    }

    private static void range(List<Object> ports, Protocol protocol, int from, int to) {
        if (from > to) {
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", protocol.name());
        m.put("port", (long) from);
        if (to > from) {
            m.put("endPort", (long) to);
        }
        ports.add(m);
    }

    /**
     * Source {@code source}'s pods of {@code namespace} may open the rule's port to the targets:
     * written only where those pods are isolated for egress already, so it never isolates a pod.
     */
    static Map<String, Object> onlyFromEgress(
            NetworkIntent intent, int index, IntentRule.OnlyFrom rule, int source, String namespace) {
        IntentRule.Source s = rule.from().get(source);
        Map<String, Object> spec = spec(s.podSelector() == null ? LabelSelector.EVERYTHING : s.podSelector());
        spec.put("policyTypes", List.of("Egress"));
        Map<String, Object> peer = new LinkedHashMap<>();
        if (s.namespaceSelector() != null) {
            peer.put(
                    "namespaceSelector",
                    Selectors.toMap(
                            rule.namespaceSelector() == null ? LabelSelector.EVERYTHING : rule.namespaceSelector()));
        }
        peer.put("podSelector", Selectors.toMap(rule.podSelector()));
        spec.put("egress", List.of(rule(List.of(peer), List.of(port(rule.port())), "to")));
        return policy(intent, name(intent, index) + "-from-" + source, namespace, spec);
    }

    /**
     * The {@code podSelector} pods of {@code namespace} accept everything except pods of the
     * rule's from namespaces: every other namespace (the from selector negated, one peer per
     * requirement). No ipBlock peer: an ipBlock also matches pod IPs, so 0.0.0.0/0 would admit
     * the from pods again; addresses outside the cluster are therefore not admitted either.
     */
    static Map<String, Object> deny(
            NetworkIntent intent, int index, IntentRule.Deny rule, String namespace, LabelSelector podSelector) {
        Map<String, Object> spec = spec(podSelector);
        spec.put("policyTypes", List.of("Ingress"));
        List<Object> peers = new ArrayList<>();
        for (LabelSelector other : Selectors.complementAsUnion(rule.fromNamespaces())) {
            peers.add(Map.of("namespaceSelector", Selectors.toMap(other)));
        }
        spec.put("ingress", peers.isEmpty() ? List.of() : List.of(rule(peers, List.of(), "from")));
        return policy(intent, name(intent, index), namespace, spec);
    }

    private static Map<String, Object> spec(LabelSelector podSelector) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podSelector", Selectors.toMap(podSelector));
        return spec;
    }

    private static Map<String, Object> rule(List<Object> peers, List<Object> ports, String peersField) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put(peersField, peers);
        if (!ports.isEmpty()) {
            r.put("ports", ports);
        }
        return r;
    }

    private static Map<String, Object> port(Port p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("protocol", p.protocol().name());
        m.put("port", (long) p.number());
        return m;
    }

    private static Map<String, Object> policy(
            NetworkIntent intent, String name, String namespace, Map<String, Object> spec) {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, MANAGER);
        labels.put(INTENT_LABEL, fit(intent.name(), 63));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("name", fit(name, 253));
        meta.put("namespace", namespace);
        meta.put("labels", labels);
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("apiVersion", "networking.k8s.io/v1");
        p.put("kind", "NetworkPolicy");
        p.put("metadata", meta);
        p.put("spec", spec);
        return p;
    }
}

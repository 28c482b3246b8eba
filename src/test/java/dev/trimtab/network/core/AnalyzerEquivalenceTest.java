package dev.trimtab.network.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.Cidr;
import dev.trimtab.kube.IpAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The indexed {@link ReachabilityAnalyzer} (policy selection worked out once per model, the matrix
 * evaluating each rule once per pod and sharing side verdicts) gives exactly the verdicts of the
 * plain definition: every policy of the model checked for every question, rules matched as
 * written. {@link Reference} is that definition, kept here as the analyzer was before the index.
 * Random clusters (IPv4 and IPv6 pods, pods without an IP, ipBlocks with except, named ports on
 * several protocols, endPort ranges, all selector operators, implied namespaces, duplicates).
 */
class AnalyzerEquivalenceTest {
    static final String[] APPS = {"web", "api", "db", "dns"};
    static final String[] TEAMS = {"a", "b", "c"};
    static final Port[] PORTS = {
        new Port(80, Protocol.TCP),
        new Port(8080, Protocol.TCP),
        new Port(53, Protocol.UDP),
        new Port(53, Protocol.TCP),
        new Port(5432, Protocol.TCP),
        new Port(9000, Protocol.SCTP),
        new Port(8050, Protocol.TCP),
        new Port(65535, Protocol.UDP)
    };

    @Test
    void canReachMatrixReachableAndIsolatedAgreeWithTheDefinition() {
        for (int seed = 0; seed < 60; seed++) {
            Random rnd = new Random(seed);
            NetworkModel model = NetworkModel.fromObjects(cluster(rnd));
            assertThat(model.errors()).as("seed %d", seed).isEmpty();
            ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
            List<Endpoint> ends = new ArrayList<>();
            model.pods().forEach(p -> ends.add(new Endpoint.PodEndpoint(p)));
            // a pod the model does not hold (equal to none of its pods), and outside addresses
            Pod foreign = new Pod(
                    "ns-0",
                    "foreign",
                    Map.of("app", "web", "team", "a"),
                    List.of(IpAddress.parse("10.0.0.77")),
                    List.of(new Pod.ContainerPort("http", 8080, Protocol.TCP)));
            ends.add(new Endpoint.PodEndpoint(foreign));
            ends.add(new Endpoint.External(IpAddress.parse("10.0.0.5")));
            ends.add(new Endpoint.External(IpAddress.parse("192.168.1.1")));
            ends.add(new Endpoint.External(IpAddress.parse("fd00::5")));
            for (Port port : PORTS) {
                for (Endpoint from : ends) {
                    for (Endpoint to : ends) {
                        Verdict want = Reference.canReach(model, from, to, port);
                        assertThat(analyzer.canReach(from, to, port))
                                .as("seed %d %s -> %s %s", seed, from.id(), to.id(), port)
                                .isEqualTo(want);
                        assertThat(analyzer.reachable(from, to, port)).isEqualTo(want.reachable());
                    }
                }
                List<Pod> pods = new ArrayList<>(model.pods());
                pods.add(foreign);
                if (!pods.isEmpty()) {
                    pods.add(pods.get(0)); // a pod twice
                }
                List<Verdict> want = new ArrayList<>();
                for (Pod a : pods) {
                    for (Pod b : pods) {
                        want.add(Reference.canReach(
                                model, new Endpoint.PodEndpoint(a), new Endpoint.PodEndpoint(b), port));
                    }
                }
                assertThat(analyzer.matrix(pods, port))
                        .as("seed %d matrix %s", seed, port)
                        .isEqualTo(want);
            }
            for (Endpoint e : ends) {
                if (e instanceof Endpoint.PodEndpoint pe) {
                    for (Direction d : Direction.values()) {
                        assertThat(analyzer.isolated(pe.pod(), d))
                                .isEqualTo(model.policies().stream().anyMatch(np -> np.selects(pe.pod(), d)));
                    }
                }
            }
        }
    }

    @Test
    void aPodWithManyRulesUsesTheGeneralPathAndAgrees() {
        Random rnd = new Random(5);
        List<Map<String, Object>> objects = cluster(rnd);
        for (int i = 0; i < 90; i++) { // policies selecting every pod of ns-1, more than 62 rules each way
            Map<String, Object> np = policy("many-" + i, "ns-1", Map.of(), rnd);
            @SuppressWarnings("unchecked")
            Map<String, Object> spec = (Map<String, Object>) np.get("spec");
            spec.put("policyTypes", List.of("Ingress", "Egress"));
            spec.put("ingress", rules(rnd, "from"));
            spec.put("egress", rules(rnd, "to"));
            objects.add(np);
        }
        objects.add(obj("v1", "Pod", meta("crowded", "ns-1", Map.of()), Map.of(), Map.of("podIP", "10.0.1.200")));
        NetworkModel model = NetworkModel.fromObjects(objects);
        assertThat(model.errors()).isEmpty();
        Pod crowded = model.pod("ns-1", "crowded").orElseThrow();
        for (Direction d : Direction.values()) {
            assertThat(model.policies().stream()
                            .filter(np -> np.selects(crowded, d))
                            .mapToInt(np -> np.rules(d).size())
                            .sum())
                    .isGreaterThan(62);
        }
        ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
        for (Port port : PORTS) {
            List<Verdict> want = new ArrayList<>();
            for (Pod a : model.pods()) {
                for (Pod b : model.pods()) {
                    want.add(Reference.canReach(model, new Endpoint.PodEndpoint(a), new Endpoint.PodEndpoint(b), port));
                }
            }
            assertThat(analyzer.matrix(model.pods(), port)).isEqualTo(want);
        }
    }

    static List<Map<String, Object>> cluster(Random rnd) {
        List<Map<String, Object>> out = new ArrayList<>();
        int namespaces = 2 + rnd.nextInt(4);
        for (int ns = 0; ns < namespaces; ns++) {
            if (ns == namespaces - 1 && rnd.nextBoolean()) {
                continue; // implied by its pods and policies only
            }
            Map<String, Object> labels = new LinkedHashMap<>();
            labels.put("team", TEAMS[rnd.nextInt(TEAMS.length)]);
            if (rnd.nextBoolean()) {
                labels.put("env", rnd.nextBoolean() ? "prod" : "dev");
            }
            out.add(obj("v1", "Namespace", meta("ns-" + ns, null, labels), null, null));
        }
        int pods = 3 + rnd.nextInt(12);
        for (int i = 0; i < pods; i++) {
            int ns = rnd.nextInt(namespaces);
            Map<String, Object> labels = new LinkedHashMap<>();
            if (rnd.nextInt(8) != 0) {
                labels.put("app", APPS[rnd.nextInt(APPS.length)]);
            }
            if (rnd.nextBoolean()) {
                labels.put("tier", rnd.nextBoolean() ? "front" : "back");
            }
            List<Object> ports = new ArrayList<>();
            int n = rnd.nextInt(4);
            for (int k = 0; k < n; k++) {
                Map<String, Object> cp = new LinkedHashMap<>();
                if (rnd.nextInt(3) != 0) {
                    cp.put("name", new String[] {"http", "dns", "pg", "metrics"}[rnd.nextInt(4)]);
                }
                cp.put("containerPort", (long) new int[] {80, 8080, 53, 5432, 9000}[rnd.nextInt(5)]);
                if (rnd.nextBoolean()) {
                    cp.put("protocol", new String[] {"TCP", "UDP", "SCTP"}[rnd.nextInt(3)]);
                }
                ports.add(cp);
            }
            Map<String, Object> status = new LinkedHashMap<>();
            int ipKind = rnd.nextInt(6);
            if (ipKind < 4) {
                status.put("podIP", "10.0." + ns + "." + (1 + i));
            }
            if (ipKind == 3 || ipKind == 4) {
                status.put("podIPs", List.of(Map.of("ip", "fd00::" + (10 + i))));
            }
            String name = "pod-" + (rnd.nextInt(10) == 0 && i > 0 ? i - 1 : i); // now and then a later duplicate
            out.add(obj(
                    "v1",
                    "Pod",
                    meta(name, "ns-" + ns, labels),
                    Map.of("containers", List.of(Map.of("name", "c", "ports", ports))),
                    status));
        }
        int policies = rnd.nextInt(10);
        for (int i = 0; i < policies; i++) {
            out.add(policy(
                    "np-" + (rnd.nextInt(8) == 0 && i > 0 ? i - 1 : i),
                    "ns-" + rnd.nextInt(namespaces),
                    selector(rnd),
                    rnd));
        }
        return out;
    }

    static Map<String, Object> policy(String name, String namespace, Map<String, Object> podSelector, Random rnd) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("podSelector", podSelector);
        int types = rnd.nextInt(5);
        if (types == 1) {
            spec.put("policyTypes", List.of("Ingress"));
        } else if (types == 2) {
            spec.put("policyTypes", List.of("Egress"));
        } else if (types == 3) {
            spec.put("policyTypes", List.of("Ingress", "Egress"));
        }
        if (rnd.nextInt(4) != 0) {
            spec.put("ingress", rules(rnd, "from"));
        }
        if (rnd.nextInt(3) != 0) {
            spec.put("egress", rules(rnd, "to"));
        }
        return obj("networking.k8s.io/v1", "NetworkPolicy", meta(name, namespace, Map.of()), spec, null);
    }

    static List<Object> rules(Random rnd, String field) {
        List<Object> out = new ArrayList<>();
        int n = rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            Map<String, Object> rule = new LinkedHashMap<>();
            int peers = rnd.nextInt(3);
            if (peers > 0 || rnd.nextBoolean()) {
                List<Object> list = new ArrayList<>();
                for (int k = 0; k < peers; k++) {
                    list.add(peer(rnd));
                }
                rule.put(field, list);
            }
            int ports = rnd.nextInt(3);
            if (ports > 0 || rnd.nextBoolean()) {
                List<Object> list = new ArrayList<>();
                for (int k = 0; k < ports; k++) {
                    list.add(port(rnd));
                }
                rule.put("ports", list);
            }
            out.add(rule);
        }
        return out;
    }

    static Map<String, Object> peer(Random rnd) {
        int kind = rnd.nextInt(5);
        if (kind == 0) {
            return switch (rnd.nextInt(4)) {
                case 0 -> Map.of("ipBlock", Map.of("cidr", "10.0.0.0/16", "except", List.of("10.0.1.0/24")));
                case 1 -> Map.of("ipBlock", Map.of("cidr", "10.0." + rnd.nextInt(3) + ".0/" + (20 + rnd.nextInt(12))));
                case 2 -> Map.of("ipBlock", Map.of("cidr", "fd00::/" + (rnd.nextBoolean() ? 64 : 125)));
                default -> Map.of("ipBlock", Map.of("cidr", "0.0.0.0/0", "except", List.of("10.0.0.0/8")));
            };
        }
        Map<String, Object> p = new LinkedHashMap<>();
        if (kind != 1) {
            p.put("podSelector", selector(rnd));
        }
        if (kind != 2) {
            p.put(
                    "namespaceSelector",
                    rnd.nextBoolean()
                            ? selector(rnd)
                            : Map.of("matchLabels", Map.of("team", TEAMS[rnd.nextInt(TEAMS.length)])));
        }
        return p;
    }

    static Map<String, Object> selector(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> Map.of();
            case 1 -> Map.of("matchLabels", Map.of("app", APPS[rnd.nextInt(APPS.length)]));
            case 2 ->
                Map.of(
                        "matchExpressions",
                        List.of(Map.of(
                                "key",
                                "app",
                                "operator",
                                "In",
                                "values",
                                List.of(APPS[rnd.nextInt(APPS.length)], APPS[rnd.nextInt(APPS.length)]))));
            case 3 ->
                Map.of(
                        "matchExpressions",
                        List.of(Map.of("key", "tier", "operator", "NotIn", "values", List.of("front"))));
            case 4 -> Map.of("matchExpressions", List.of(Map.of("key", "tier", "operator", "Exists")));
            case 5 -> Map.of("matchExpressions", List.of(Map.of("key", "app", "operator", "DoesNotExist")));
            default -> Map.of("matchLabels", Map.of("kubernetes.io/metadata.name", "ns-" + rnd.nextInt(3)));
        };
    }

    static Map<String, Object> port(Random rnd) {
        Map<String, Object> p = new LinkedHashMap<>();
        switch (rnd.nextInt(4)) {
            case 0 -> p.put("port", new String[] {"http", "dns", "pg", "metrics"}[rnd.nextInt(4)]);
            case 1 -> p.put("port", (long) new int[] {80, 8080, 53, 5432, 9000}[rnd.nextInt(5)]);
            case 2 -> {
                p.put("port", 8000L);
                p.put("endPort", 8000L + rnd.nextInt(200));
            }
            default -> {} // every port of the protocol
        }
        if (rnd.nextBoolean()) {
            p.put("protocol", new String[] {"TCP", "UDP", "SCTP"}[rnd.nextInt(3)]);
        }
        return p;
    }

    static Map<String, Object> meta(String name, String namespace, Map<String, Object> labels) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        if (namespace != null) {
            m.put("namespace", namespace);
        }
        m.put("labels", labels);
        return m;
    }

    static Map<String, Object> obj(
            String apiVersion,
            String kind,
            Map<String, Object> meta,
            Map<String, Object> spec,
            Map<String, Object> status) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("apiVersion", apiVersion);
        o.put("kind", kind);
        o.put("metadata", meta);
        if (spec != null) {
            o.put("spec", spec);
        }
        if (status != null) {
            o.put("status", status);
        }
        return o;
    }

    /** The analyzer's definition, as it was written before the index: every policy, every rule, every time. */
    static final class Reference {
        static Verdict canReach(NetworkModel model, Endpoint from, Endpoint to, Port port) {
            return new Verdict(
                    from,
                    to,
                    port,
                    side(model, Direction.Egress, from, to, to, port),
                    side(model, Direction.Ingress, to, from, to, port));
        }

        static SideVerdict side(
                NetworkModel model,
                Direction direction,
                Endpoint self,
                Endpoint peer,
                Endpoint destination,
                Port port) {
            if (!(self instanceof Endpoint.PodEndpoint pe)) {
                return new SideVerdict(direction, SideVerdict.Reason.NotInCluster, List.of(), List.of());
            }
            List<String> isolatedBy = new ArrayList<>();
            List<SideVerdict.RuleRef> allowedBy = new ArrayList<>();
            for (NetworkPolicy policy : model.policies()) {
                if (!policy.selects(pe.pod(), direction)) {
                    continue;
                }
                isolatedBy.add(policy.key());
                List<PolicyRule> rules = policy.rules(direction);
                for (int i = 0; i < rules.size(); i++) {
                    if (allows(model, rules.get(i), peer, destination, port, policy.namespace())) {
                        allowedBy.add(new SideVerdict.RuleRef(policy.key(), direction, i));
                    }
                }
            }
            SideVerdict.Reason reason = isolatedBy.isEmpty()
                    ? SideVerdict.Reason.NotIsolated
                    : allowedBy.isEmpty() ? SideVerdict.Reason.NoRuleAllows : SideVerdict.Reason.AllowedByPolicy;
            return new SideVerdict(direction, reason, isolatedBy, allowedBy);
        }

        static boolean allows(
                NetworkModel model,
                PolicyRule rule,
                Endpoint peer,
                Endpoint destination,
                Port port,
                String policyNamespace) {
            boolean portOk =
                    rule.ports().isEmpty() || rule.ports().stream().anyMatch(p -> p.matches(port, destination));
            return portOk
                    && (rule.peers().isEmpty()
                            || rule.peers().stream()
                                    .anyMatch(p -> p instanceof PolicyPeer.IpBlockPeer b
                                            ? peer.ips().stream()
                                                    .anyMatch(ip -> contains(b.cidr(), ip)
                                                            && b.except().stream()
                                                                    .noneMatch(e -> contains(e, ip)))
                                            : p.matches(peer, policyNamespace, model::namespaceLabels)));
        }

        /** Bit by bit, as {@code Cidr.contains} was written. */
        static boolean contains(Cidr cidr, IpAddress ip) {
            byte[] a = cidr.base().bytes();
            byte[] b = ip.bytes();
            if (a.length != b.length) {
                return false;
            }
            for (int bit = 0; bit < cidr.prefix(); bit++) {
                if (((a[bit / 8] >> (7 - bit % 8)) & 1) != ((b[bit / 8] >> (7 - bit % 8)) & 1)) {
                    return false;
                }
            }
            return true;
        }
    }
}

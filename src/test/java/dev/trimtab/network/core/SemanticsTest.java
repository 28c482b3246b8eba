package dev.trimtab.network.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven NetworkPolicy semantics over {@link Cluster}: each case adds policies and asks
 * whether {@code from} reaches {@code to} on {@code port} (an address as {@code to} or
 * {@code from} is an external end unless a pod has it).
 */
class SemanticsTest {
    record Probe(String from, String to, String port, boolean want) {}

    record Case(String name, String policies, List<Probe> probes) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Probe p(String from, String to, String port, boolean want) {
        return new Probe(from, to, port, want);
    }

    static final String HEAD = """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            """;

    static Stream<Case> cases() {
        return Stream.of(
                new Case(
                        "no policy: everything reachable",
                        "",
                        List.of(p("other/client", "shop/web", "8080", true), p("shop/web", "8.8.8.8", "53/UDP", true))),
                new Case(
                        "named ingress port resolves on the destination pod",
                        HEAD + """
                        metadata: {name: web-http, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("other/client", "shop/web", "9090", false),
                                p("other/client", "shop/web", "8080/UDP", false))),
                new Case(
                        "named port needs the container port's protocol",
                        HEAD + """
                        metadata: {name: web-http-udp, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{ports: [{port: http, protocol: UDP}]},
                               {ports: [{port: dns, protocol: UDP}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", false),
                                p("other/client", "shop/web", "8080/UDP", false),
                                p("other/client", "shop/web", "53/UDP", true))),
                new Case(
                        "named egress port resolves on the destination, not the source",
                        HEAD + """
                        metadata: {name: client-to-pg, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], egress: [{ports: [{port: pg}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/db", "5432", true),
                                p("other/client", "shop/web", "5432", false),
                                p("other/client", "shop/web", "8080", false),
                                p("other/client", "10.200.0.1", "5432", false))),
                new Case(
                        "endPort is an inclusive range",
                        HEAD + """
                        metadata: {name: range, namespace: shop}
                        spec: {podSelector: {}, ingress: [{ports: [{port: 8000, endPort: 8080}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8000", true),
                                p("other/client", "shop/web", "8080", true),
                                p("other/client", "shop/web", "8081", false),
                                p("other/client", "shop/web", "7999", false),
                                p("other/client", "shop/web", "8050/UDP", false))),
                new Case(
                        "protocol without port: every port of that protocol",
                        HEAD + """
                        metadata: {name: sctp-only, namespace: shop}
                        spec: {podSelector: {}, ingress: [{ports: [{protocol: SCTP}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "9999/SCTP", true),
                                p("other/client", "shop/web", "9999", false))),
                new Case(
                        "ipBlock with except, pods and external addresses",
                        HEAD + """
                        metadata: {name: client-out, namespace: other}
                        spec:
                          podSelector: {matchLabels: {app: client}}
                          policyTypes: [Egress]
                          egress: [{to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.20/32, 10.0.7.0/24]}}]}]
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("other/client", "shop/db", "5432", false),
                                p("other/client", "10.0.0.20", "5432", false),
                                p("other/client", "10.0.5.5", "443", true),
                                p("other/client", "10.0.7.9", "443", false),
                                p("other/client", "10.2.0.1", "443", false))),
                new Case(
                        "IPv6 ipBlock: except, and IPv4 addresses never match",
                        HEAD + """
                        metadata: {name: v6, namespace: other}
                        spec:
                          podSelector: {matchLabels: {app: client}}
                          policyTypes: [Egress]
                          egress: [{to: [{ipBlock: {cidr: 'fd00::/8', except: ['fd00:9::/32']}}]}]
                        """,
                        List.of(
                                p("other/client", "fd00:2::1", "443", true),
                                p("other/client", "fd00:9::5", "443", false),
                                p("other/client", "shop/db", "5432", true),
                                p("other/client", "shop/web", "8080", false),
                                p("other/client", "10.0.5.5", "443", false))),
                new Case(
                        "ipBlock never matches a pod without an IP",
                        HEAD + """
                        metadata: {name: from-anywhere, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0}}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("other/pending", "shop/web", "8080", false),
                                p("203.0.113.9", "shop/web", "8080", true))),
                new Case(
                        "empty namespaceSelector: pods of every namespace",
                        HEAD + """
                        metadata: {name: all-ns, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {}}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("ghost/lonely", "shop/web", "8080", true),
                                p("203.0.113.9", "shop/web", "8080", false))),
                new Case(
                        "absent namespaceSelector: the policy's namespace only",
                        HEAD + """
                        metadata: {name: same-ns, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {}}]}]}
                        """,
                        List.of(p("other/client", "shop/web", "8080", false), p("shop/db", "shop/web", "8080", true))),
                new Case(
                        "namespaceSelector alone: every pod of matching namespaces",
                        HEAD + """
                        metadata: {name: team-b, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("other/pending", "shop/web", "8080", true),
                                p("shop/db", "shop/web", "8080", false))),
                new Case(
                        "both selectors in one peer: matching pods of matching namespaces",
                        HEAD + """
                        metadata: {name: and, namespace: shop}
                        spec:
                          podSelector: {matchLabels: {app: web}}
                          ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}, podSelector: {matchLabels: {app: client}}}]}]
                        """,
                        List.of(p("other/client", "shop/web", "8080", false), p("shop/db", "shop/web", "8080", false))),
                new Case(
                        "namespace without an object still has its name label",
                        HEAD + """
                        metadata: {name: from-ghost, namespace: shop}
                        spec:
                          podSelector: {matchLabels: {app: web}}
                          ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ghost}}}]}]
                        """,
                        List.of(
                                p("ghost/lonely", "shop/web", "8080", true),
                                p("other/client", "shop/web", "8080", false))),
                // the API server's defaulting (pkg/apis/networking/v1/defaults.go): an absent or empty
                // policyTypes is [Ingress], plus Egress only when there is at least one egress rule
                new Case(
                        "no policyTypes and an egress rule: Ingress and Egress implied",
                        HEAD + """
                        metadata: {name: implied, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}, egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24}}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", false),
                                p("other/client", "203.0.113.9", "443", true),
                                p("shop/web", "other/client", "8080", false))),
                new Case(
                        "no policyTypes and egress: [] (no rule): Ingress only",
                        HEAD + """
                        metadata: {name: empty-egress, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}, egress: []}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("shop/web", "other/client", "8080", false))),
                new Case(
                        "policyTypes: [] is defaulted to Ingress (plus Egress with egress rules)",
                        HEAD + """
                        metadata: {name: empty-types, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}, policyTypes: []}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("shop/web", "other/client", "8080", false))),
                new Case(
                        "policyTypes: [] with an egress rule: Ingress and Egress",
                        HEAD + """
                        metadata: {name: empty-types-egress, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}, policyTypes: [], egress: [{to: [{ipBlock: {cidr: 203.0.113.0/24}}]}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", false),
                                p("shop/web", "other/client", "8080", false))),
                new Case(
                        "no policyTypes and no egress section: Ingress only",
                        HEAD + """
                        metadata: {name: ingress-only, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("shop/web", "other/client", "8080", false))),
                new Case(
                        "policyTypes Egress only: written ingress rules are ignored",
                        HEAD + """
                        metadata: {name: egress-typed, namespace: other}
                        spec: {podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], ingress: [{}], egress: [{}]}
                        """,
                        List.of(
                                p("shop/web", "other/client", "8080", true),
                                p("other/client", "shop/web", "8080", true))),
                new Case(
                        "ingress [{}] allows every source, external ones too",
                        HEAD + """
                        metadata: {name: open, namespace: shop}
                        spec: {podSelector: {}, ingress: [{}]}
                        """,
                        List.of(
                                p("203.0.113.9", "shop/web", "1", true),
                                p("other/client", "shop/db", "5432/SCTP", true))),
                new Case(
                        "a policy only isolates pods of its own namespace",
                        HEAD + """
                        metadata: {name: deny-all, namespace: other}
                        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
                        """,
                        List.of(
                                p("shop/web", "shop/db", "5432", true),
                                p("shop/web", "other/client", "80", false),
                                p("other/client", "203.0.113.9", "443", false))),
                new Case(
                        "a later policy of the same name replaces the earlier one",
                        HEAD + """
                        metadata: {name: web, namespace: shop}
                        spec: {podSelector: {}, policyTypes: [Ingress]}
                        ---
                        """ + HEAD + """
                        metadata: {name: web, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{}]}
                        """,
                        List.of(
                                p("other/client", "shop/web", "8080", true),
                                p("other/client", "shop/db", "5432", true))),
                new Case(
                        "allows are a union over policies",
                        HEAD + """
                        metadata: {name: only-db, namespace: shop}
                        spec: {podSelector: {matchLabels: {app: web}}, ingress: [{from: [{podSelector: {matchLabels: {app: db}}}]}]}
                        ---
                        """ + HEAD + """
                        metadata: {name: only-team-b, namespace: shop}
                        spec: {podSelector: {}, ingress: [{from: [{namespaceSelector: {matchLabels: {team: b}}}]}]}
                        """,
                        List.of(
                                p("shop/db", "shop/web", "8080", true),
                                p("other/client", "shop/web", "8080", true),
                                p("ghost/lonely", "shop/web", "8080", false),
                                p("shop/web", "shop/db", "5432", false))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reachability(Case c) {
        NetworkModel model = Cluster.with(c.policies());
        ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);
        for (Probe probe : c.probes()) {
            Verdict v = analyzer.canReach(
                    Cluster.endpoint(model, probe.from()),
                    Cluster.endpoint(model, probe.to()),
                    Port.parse(probe.port()));
            assertThat(v.reachable())
                    .as("%s -> %s on %s: %s", probe.from(), probe.to(), probe.port(), v)
                    .isEqualTo(probe.want());
        }
    }
}

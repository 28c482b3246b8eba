package dev.trimtab.network.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each malformed object is reported once, naming kind, namespace/name, field path and value, and
 * left out; a well-formed policy read in the same batch is still there and still evaluated.
 * The endPort rules are those the upstream e2e API test checks
 * (network_policy_api.go, "should support creating NetworkPolicy API with endport field").
 */
class MalformedObjectsTest {
    record Case(String name, String object, String want) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Case policy(String name, String spec, String want) {
        return new Case(
                name, SemanticsTest.HEAD + "metadata: {name: bad, namespace: shop}\nspec: " + spec + "\n", want);
    }

    static Stream<Case> cases() {
        String p = "NetworkPolicy shop/bad: ";
        return Stream.of(
                policy(
                        "port with a space",
                        "{podSelector: {}, ingress: [{ports: [{port: 80}, {port: 'a b'}]}]}",
                        p + "spec.ingress[0].ports[1].port: got \"a b\", want a port number or an IANA service name"),
                policy(
                        "port name too long",
                        "{podSelector: {}, egress: [{ports: [{port: abcdefghijklmnop}]}]}",
                        p
                                + "spec.egress[0].ports[0].port: got \"abcdefghijklmnop\", want a port number or an IANA service name"),
                policy(
                        "port name of digits only",
                        "{podSelector: {}, ingress: [{ports: [{port: '80'}]}]}",
                        p + "spec.ingress[0].ports[0].port: got \"80\", want a port number or an IANA service name"),
                policy(
                        "port out of range",
                        "{podSelector: {}, ingress: [{ports: [{port: 70000}]}]}",
                        p + "spec.ingress[0].ports[0].port: got 70000, want 1..65535"),
                policy(
                        "endPort without port",
                        "{podSelector: {}, egress: [{ports: [{endPort: 20000}]}]}",
                        p + "spec.egress[0].ports[0].endPort: may not be set without a numeric port"),
                policy(
                        "endPort with a named port",
                        "{podSelector: {}, egress: [{ports: [{port: http, endPort: 20000}]}]}",
                        p + "spec.egress[0].ports[0].endPort: may not be set when port is a name (\"http\")"),
                policy(
                        "endPort below port",
                        "{podSelector: {}, egress: [{ports: [{port: 30000, endPort: 20000}]}]}",
                        p
                                + "spec.egress[0].ports[0].endPort: got 20000, must be greater than or equal to port (30000)"),
                policy(
                        "protocol in lower case",
                        "{podSelector: {}, ingress: [{ports: [{protocol: tcp}]}]}",
                        p + "spec.ingress[0].ports[0].protocol: got \"tcp\", want TCP, UDP or SCTP"),
                policy(
                        "unknown policy type",
                        "{podSelector: {}, policyTypes: [Ingress, Both]}",
                        p + "spec.policyTypes[1]: got \"Both\", want Ingress or Egress"),
                policy(
                        "missing podSelector",
                        "{ingress: [{}]}",
                        p + "spec.podSelector: required (use {} to select every pod)"),
                policy(
                        "ingress not a list",
                        "{podSelector: {}, ingress: {from: []}}",
                        p + "spec.ingress: got {from=[]}, want a list"),
                policy(
                        "empty peer",
                        "{podSelector: {}, ingress: [{from: [{}]}]}",
                        p + "spec.ingress[0].from[0]: must specify a podSelector, a namespaceSelector or an ipBlock"),
                policy(
                        "ipBlock with a selector",
                        "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]}",
                        p + "spec.egress[0].to[0]: may not specify both ipBlock and podSelector or namespaceSelector"),
                policy(
                        "bad CIDR",
                        "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/33}}]}]}",
                        p + "spec.egress[0].to[0].ipBlock.cidr: got \"10.0.0.0/33\", prefix length must be at most 32"),
                policy(
                        "CIDR that is not one",
                        "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: banana}}]}]}",
                        p
                                + "spec.egress[0].to[0].ipBlock.cidr: got \"banana\", want a CIDR such as 10.0.0.0/8 or fd00::/64"),
                policy(
                        "except outside the CIDR",
                        "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16]}}]}]}",
                        p
                                + "spec.egress[0].to[0].ipBlock.except[0]: got \"11.0.0.0/16\", must be a strict subset of 10.0.0.0/8"),
                policy(
                        "except of another family",
                        "{podSelector: {}, egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: ['fd00::/64']}}]}]}",
                        p
                                + "spec.egress[0].to[0].ipBlock.except[0]: got \"fd00::/64\", must be a strict subset of 10.0.0.0/8"),
                policy(
                        "bad selector operator",
                        "{podSelector: {matchExpressions: [{key: app, operator: Is, values: [a]}]}}",
                        p
                                + "spec.podSelector.matchExpressions[0].operator: got \"Is\", want In, NotIn, Exists or DoesNotExist"),
                new Case(
                        "pod with a bad IP",
                        """
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: broken, namespace: shop}
                        status: {podIP: 10.0.0.999}
                        """,
                        "Pod shop/broken: status.podIP: got \"10.0.0.999\", want an IPv4 or IPv6 address"),
                new Case(
                        "pod with a container port as text",
                        """
                        apiVersion: v1
                        kind: Pod
                        metadata: {name: broken, namespace: shop}
                        spec: {containers: [{name: a}, {name: b, ports: [{containerPort: '80'}]}]}
                        """,
                        "Pod shop/broken: spec.containers[1].ports[0].containerPort: got \"80\", want a port number"),
                new Case(
                        "namespace with a label that is a number",
                        """
                        apiVersion: v1
                        kind: Namespace
                        metadata: {name: numbered, labels: {tier: 1}}
                        """,
                        "Namespace numbered: metadata.labels.tier: got 1, want a string"),
                new Case(
                        "policy without a name",
                        SemanticsTest.HEAD + "metadata: {namespace: shop}\nspec: {podSelector: {}}\n",
                        "NetworkPolicy shop/(no name): metadata.name: required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void reportedAndLeftOut(Case c) {
        String good = SemanticsTest.HEAD + """
                metadata: {name: good, namespace: shop}
                spec: {podSelector: {}, policyTypes: [Ingress]}
                """;
        NetworkModel model =
                NetworkModel.fromObjects(Cluster.objects(Cluster.BASE + "---\n" + c.object() + "---\n" + good));

        assertThat(model.errors()).containsExactly(c.want());
        assertThat(model.policies()).extracting(NetworkPolicy::key).containsExactly("shop/good");
        Verdict v = new ReachabilityAnalyzer(model)
                .canReach(
                        model.pod("other", "client").orElseThrow(),
                        model.pod("shop", "web").orElseThrow(),
                        Port.parse("8080"));
        assertThat(v.reachable()).isFalse();
    }
}

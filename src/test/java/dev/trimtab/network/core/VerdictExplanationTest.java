package dev.trimtab.network.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reasons a verdict carries: which policies isolate each side and which rules allow. */
class VerdictExplanationTest {
    private static final String POLICIES =
            SemanticsTest.HEAD + """
            metadata: {name: deny-all, namespace: shop}
            spec: {podSelector: {}}
            ---
            """ + SemanticsTest.HEAD + """
            metadata: {name: web, namespace: shop}
            spec:
              podSelector: {matchLabels: {app: web}}
              ingress:
              - ports: [{port: 9090}]
              - from: [{namespaceSelector: {matchLabels: {team: b}}}]
                ports: [{port: http}]
              - from: [{ipBlock: {cidr: 10.1.0.0/16}}]
            ---
            """ + SemanticsTest.HEAD + """
            metadata: {name: client-egress, namespace: other}
            spec: {podSelector: {matchLabels: {app: client}}, policyTypes: [Egress], egress: [{ports: [{port: 5432}]}]}
            """;

    private final NetworkModel model = Cluster.with(POLICIES);
    private final ReachabilityAnalyzer analyzer = new ReachabilityAnalyzer(model);

    private Verdict ask(String from, String to, String port) {
        return analyzer.canReach(Cluster.endpoint(model, from), Cluster.endpoint(model, to), Port.parse(port));
    }

    @Test
    void egressDeniedNamesTheIsolatingPolicyAndIngressListsEveryAllowingRule() {
        Verdict v = ask("other/client", "shop/web", "8080");

        assertThat(v.reachable()).isFalse();
        assertThat(v.egress().reason()).isEqualTo(SideVerdict.Reason.NoRuleAllows);
        assertThat(v.egress().isolatedBy()).containsExactly("other/client-egress");
        assertThat(v.egress().allowedBy()).isEmpty();
        assertThat(v.ingress().reason()).isEqualTo(SideVerdict.Reason.AllowedByPolicy);
        assertThat(v.ingress().isolatedBy()).containsExactly("shop/deny-all", "shop/web");
        assertThat(v.ingress().allowedBy())
                .containsExactly(
                        new SideVerdict.RuleRef("shop/web", Direction.Ingress, 1),
                        new SideVerdict.RuleRef("shop/web", Direction.Ingress, 2));
    }

    @Test
    void notIsolatedSidesSayNothingElse() {
        Verdict v = ask("shop/web", "other/client", "80");

        assertThat(v.reachable()).isTrue();
        assertThat(v.egress())
                .isEqualTo(new SideVerdict(Direction.Egress, SideVerdict.Reason.NotIsolated, List.of(), List.of()));
        assertThat(v.ingress().reason()).isEqualTo(SideVerdict.Reason.NotIsolated);
    }

    @Test
    void ingressDeniedNamesEveryIsolatingPolicy() {
        Verdict v = ask("shop/db", "shop/web", "8080");

        assertThat(v.reachable()).isFalse();
        assertThat(v.ingress().reason()).isEqualTo(SideVerdict.Reason.NoRuleAllows);
        assertThat(v.ingress().isolatedBy()).containsExactly("shop/deny-all", "shop/web");
    }

    @Test
    void anExternalDestinationIsDecidedByEgressAlone() {
        Verdict v = ask("other/client", "192.0.2.7", "5432");

        assertThat(v.reachable()).isTrue();
        assertThat(v.to()).isEqualTo(new Endpoint.External(IpAddress.parse("192.0.2.7")));
        assertThat(v.egress().allowedBy())
                .containsExactly(new SideVerdict.RuleRef("other/client-egress", Direction.Egress, 0));
        assertThat(v.ingress().reason()).isEqualTo(SideVerdict.Reason.NotInCluster);
    }

    @Test
    void aPodsAddressIsThatPod() {
        assertThat(ask("other/client", "10.0.0.10", "5432").to().id()).isEqualTo("shop/web");
        assertThat(ask("other/client", "fd00:1:0::20", "5432").to().id()).isEqualTo("shop/db");
    }

    @Test
    void theMatrixCoversEveryOrderedPairIncludingSelf() {
        List<Pod> pods = List.of(
                model.pod("shop", "web").orElseThrow(), model.pod("shop", "db").orElseThrow());
        List<Verdict> m = analyzer.matrix(pods, Port.parse("9090"));

        assertThat(m)
                .extracting(v -> v.from().id() + ">" + v.to().id() + "=" + v.reachable())
                .containsExactly(
                        "shop/web>shop/web=true",
                        "shop/web>shop/db=false",
                        "shop/db>shop/web=true",
                        "shop/db>shop/db=false");
    }
}

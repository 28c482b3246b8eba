package dev.trimtab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.kube.ApiResources.ApiResource;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Resource arguments resolved as {@code kubectl auth can-i} resolves them, against a 1.31 cluster. */
class ApiResourcesTest {
    /** {@code want} is {@code group/version/resource} ({@code /v1/pods} for core), or null for no match. */
    record Case(String arg, String want) {
        @Override
        public String toString() {
            return arg + " -> " + want;
        }
    }

    static Stream<Case> resolutions() {
        return Stream.of(
                new Case("deployments", "apps/v1/deployments"),
                new Case("deploy", "apps/v1/deployments"),
                new Case("deployment", "apps/v1/deployments"),
                new Case("Deployment", "apps/v1/deployments"),
                new Case("DEPLOYMENTS", "apps/v1/deployments"),
                new Case("deployments.apps", "apps/v1/deployments"),
                new Case("deployments.v1.apps", "apps/v1/deployments"),
                new Case("deploy.apps", "apps/v1/deployments"),
                // A short name drops the version, as kubectl's shortcut expander does.
                new Case("deploy.v2.apps", "apps/v1/deployments"),
                new Case("hpa", "autoscaling/v2/horizontalpodautoscalers"),
                new Case("hpa.autoscaling", "autoscaling/v2/horizontalpodautoscalers"),
                new Case("horizontalpodautoscalers.v1.autoscaling", "autoscaling/v1/horizontalpodautoscalers"),
                new Case("hpa.v1.autoscaling", "autoscaling/v2/horizontalpodautoscalers"),
                new Case("po", "/v1/pods"),
                new Case("pods", "/v1/pods"),
                new Case("pod", "/v1/pods"),
                new Case("pods.metrics.k8s.io", "metrics.k8s.io/v1beta1/pods"),
                new Case("nodes.v1beta1.metrics.k8s.io", "metrics.k8s.io/v1beta1/nodes"),
                new Case("nodemetrics", "metrics.k8s.io/v1beta1/nodes"),
                new Case("svc", "/v1/services"),
                new Case("ep", "/v1/endpoints"),
                new Case("endpoints", "/v1/endpoints"),
                new Case("Endpoints", "/v1/endpoints"),
                new Case("netpol", "networking.k8s.io/v1/networkpolicies"),
                new Case("networkpolicies.networking.k8s.io", "networking.k8s.io/v1/networkpolicies"),
                new Case("networkpolicies.v1.networking.k8s.io", "networking.k8s.io/v1/networkpolicies"),
                new Case("crd", "apiextensions.k8s.io/v1/customresourcedefinitions"),
                new Case("crds", "apiextensions.k8s.io/v1/customresourcedefinitions"),
                new Case("pvc", "/v1/persistentvolumeclaims"),
                new Case("pv", "/v1/persistentvolumes"),
                new Case("sa", "/v1/serviceaccounts"),
                new Case("cm", "/v1/configmaps"),
                new Case("ns", "/v1/namespaces"),
                new Case("no", "/v1/nodes"),
                new Case("cs", "/v1/componentstatuses"),
                new Case("cj", "batch/v1/cronjobs"),
                new Case("jobs", "batch/v1/jobs"),
                new Case("ds", "apps/v1/daemonsets"),
                new Case("rs", "apps/v1/replicasets"),
                new Case("sts", "apps/v1/statefulsets"),
                new Case("ing", "networking.k8s.io/v1/ingresses"),
                new Case("pdb", "policy/v1/poddisruptionbudgets"),
                new Case("pc", "scheduling.k8s.io/v1/priorityclasses"),
                new Case("sc", "storage.k8s.io/v1/storageclasses"),
                new Case("csr", "certificates.k8s.io/v1/certificatesigningrequests"),
                new Case("ev", "/v1/events"),
                new Case("events", "/v1/events"),
                new Case("events.events.k8s.io", "events.k8s.io/v1/events"),
                new Case("ev.events.k8s.io", "events.k8s.io/v1/events"),
                new Case("limits", "/v1/limitranges"),
                new Case("quota", "/v1/resourcequotas"),
                new Case("rc", "/v1/replicationcontrollers"),
                new Case("roles.rbac.authorization.k8s.io", "rbac.authorization.k8s.io/v1/roles"),
                new Case("clusterroles", "rbac.authorization.k8s.io/v1/clusterroles"),
                new Case(
                        "flowschemas.v1beta3.flowcontrol.apiserver.k8s.io",
                        "flowcontrol.apiserver.k8s.io/v1beta3/flowschemas"),
                new Case("flowschemas", "flowcontrol.apiserver.k8s.io/v1/flowschemas"),
                new Case("apiservices", "apiregistration.k8s.io/v1/apiservices"),
                new Case("widgets", null),
                new Case("deployments.example.com", null),
                // A plural with a version the group does not serve: kubectl's mapper finds nothing.
                new Case("deployments.v2.apps", null),
                new Case("svc.apps", null),
                new Case("deploy.autoscal", null),
                new Case("", null),
                new Case("*", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resolutions")
    void resolvesAsKubectl(Case c) {
        var got = ApiResources.standard().resolve(c.arg()).map(ApiResourcesTest::gvr);
        if (c.want() == null) {
            assertThat(got).isEmpty();
        } else {
            assertThat(got).contains(c.want());
        }
    }

    record Scope(String arg, boolean namespaced) {
        @Override
        public String toString() {
            return arg + (namespaced ? " namespaced" : " cluster-scoped");
        }
    }

    static Stream<Scope> scopes() {
        return Stream.of(
                new Scope("pods", true),
                new Scope("nodes", false),
                new Scope("ns", false),
                new Scope("deploy", true),
                new Scope("pv", false),
                new Scope("pvc", true),
                new Scope("roles", true),
                new Scope("clusterroles", false),
                new Scope("crd", false),
                new Scope("localsubjectaccessreviews", true),
                new Scope("subjectaccessreviews", false),
                new Scope("csistoragecapacities", true),
                new Scope("pods.metrics.k8s.io", true),
                new Scope("nodes.metrics.k8s.io", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scopes")
    void namespacedAsTheServerSays(Scope s) {
        assertThat(ApiResources.standard().resolve(s.arg()))
                .get()
                .extracting(ApiResource::namespaced)
                .isEqualTo(s.namespaced());
    }

    record KindCase(String group, String kind, String want) {
        @Override
        public String toString() {
            return (group.isEmpty() ? "core" : group) + " " + kind + " -> " + want;
        }
    }

    static Stream<KindCase> kinds() {
        return Stream.of(
                new KindCase("apps", "Deployment", "apps/v1/deployments"),
                new KindCase("", "Endpoints", "/v1/endpoints"),
                new KindCase("autoscaling", "HorizontalPodAutoscaler", "autoscaling/v2/horizontalpodautoscalers"),
                new KindCase("events.k8s.io", "Event", "events.k8s.io/v1/events"),
                new KindCase("", "Deployment", null),
                new KindCase("apps", "deployment", null),
                new KindCase("apps", "Widget", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void forKindIsExact(KindCase c) {
        var got = ApiResources.standard().forKind(c.group(), c.kind()).map(ApiResourcesTest::gvr);
        if (c.want() == null) {
            assertThat(got).isEmpty();
        } else {
            assertThat(got).contains(c.want());
        }
    }

    record Plural(String kind, String want) {
        @Override
        public String toString() {
            return kind + " -> " + want;
        }
    }

    static Stream<Plural> plurals() {
        return Stream.of(
                new Plural("Endpoints", "endpoints"),
                new Plural("Deployment", "deployments"),
                new Plural("NetworkPolicy", "networkpolicies"),
                new Plural("Ingress", "ingresses"),
                new Plural("Gateway", "gateways"),
                new Plural("Policy", "policies"),
                new Plural("NodeMetrics", "nodes"),
                new Plural("ScalingPolicy", "scalingpolicies"),
                new Plural("ServiceEndpoints", "serviceendpoints"),
                new Plural("Box", "boxes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plurals")
    void pluralsOfKinds(Plural p) {
        assertThat(Kinds.plural(p.kind())).isEqualTo(p.want());
    }

    @Test
    void addedResourcesRankAfterTheStandardOnesAndLeaveTheSharedInstanceAlone() {
        var widget = new ApiResource("example.com", "v1", "widgets", "", "Widget", true, List.of("wd"));
        var clash = new ApiResource(
                "example.com", "v1", "deployments", "deployment", "Deployment", true, List.of("deploy"));
        var more = ApiResources.standard().withAll(List.of(widget, clash));

        assertThat(more.resolve("wd")).contains(widget);
        assertThat(more.resolve("Widget")).contains(widget);
        assertThat(more.resolve("widget.example.com")).contains(widget);
        assertThat(more.resolve("widgets.v1.example.com")).contains(widget);
        assertThat(more.resolve("deploy").map(ApiResource::group)).contains("apps");
        assertThat(more.resolve("deployments.example.com")).contains(clash);
        assertThat(more.forKind("example.com", "Widget")).contains(widget);
        assertThat(ApiResources.standard().resolve("widgets")).isEmpty();
    }

    @Test
    void aBlankSingularIsTheKindLowerCasedAndApiVersionJoinsGroupAndVersion() {
        var r = new ApiResource("example.com", "v1", "widgets", null, "Widget", true, null);
        assertThat(r.singular()).isEqualTo("widget");
        assertThat(r.shortNames()).isEmpty();
        assertThat(r.apiVersion()).isEqualTo("example.com/v1");
        assertThat(ApiResources.standard().resolve("pods").map(ApiResource::apiVersion))
                .contains("v1");
    }

    private static String gvr(ApiResource r) {
        return r.group() + "/" + r.version() + "/" + r.resource();
    }

    @Test
    void customResourceDefinitionsAmongTheManifestsAreResolvedLikeDiscoveredOnes() {
        Map<String, Object> crd = Map.of(
                "apiVersion",
                "apiextensions.k8s.io/v1",
                "kind",
                "CustomResourceDefinition",
                "metadata",
                Map.of("name", "proxies.example.com"),
                "spec",
                Map.of(
                        "group",
                        "example.com",
                        "scope",
                        "Cluster",
                        "names",
                        Map.of("plural", "proxies", "singular", "proxy", "kind", "Proxy", "shortNames", List.of("px")),
                        "versions",
                        List.of(
                                Map.of("name", "v1beta1", "served", true, "storage", false),
                                Map.of("name", "v1", "served", true, "storage", true),
                                Map.of("name", "v1alpha1", "served", false, "storage", false))));
        ApiResources resources = ApiResources.standard().withCustomResources(List.of(crd, Map.of("kind", "Pod")));
        assertThat(resources.resolve("px"))
                .get()
                .extracting(ApiResource::resource, ApiResource::version, ApiResource::namespaced)
                .containsExactly("proxies", "v1", false);
        assertThat(resources.resolve("proxy.example.com"))
                .get()
                .extracting(ApiResource::group)
                .isEqualTo("example.com");
        assertThat(resources.resolve("proxies.v1beta1.example.com")).isPresent();
        assertThat(resources.resolve("proxies.v1alpha1.example.com")).isEmpty();
        assertThat(resources.forKind("example.com", "Proxy"))
                .get()
                .extracting(ApiResource::resource)
                .isEqualTo("proxies");
        assertThat(ApiResources.standard().withCustomResources(List.of())).isSameAs(ApiResources.standard());
    }
}

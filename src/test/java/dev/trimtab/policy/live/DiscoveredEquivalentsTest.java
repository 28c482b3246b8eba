package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.policy.core.AdmissionRequest.Gvk;
import dev.trimtab.policy.core.AdmissionRequest.Gvr;
import dev.trimtab.policy.core.EquivalentResources;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Equivalent resources read from discovery over HTTP, as the API server serves it (storageVersionHash
 * per resource, subresources with their own kind), with the CRDs' conversion strategies from the API.
 */
class DiscoveredEquivalentsTest {
    private static final String EVENTS_HASH = "r2yiGXH7wu8=";

    /** Discovery documents by path; the CRUD store for the rest (the CRDs). */
    static final class Discovery extends KubernetesCrudDispatcher {
        final Map<String, String> documents;

        Discovery(Map<String, String> documents) {
            this.documents = documents;
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String body = documents.get(request.getPath());
            return body != null ? new MockResponse().setResponseCode(200).setBody(body) : super.dispatch(request);
        }
    }

    static String resources(String groupVersion, String resources) {
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[" + resources + "]}";
    }

    static String resource(String name, String kind, String hash) {
        return "{\"name\":\"" + name + "\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"" + kind
                + "\",\"verbs\":[\"get\",\"list\"]" + (hash == null ? "" : ",\"storageVersionHash\":\"" + hash + "\"")
                + "}";
    }

    static final Map<String, String> CLUSTER = Map.of(
            "/api/v1",
                    resources(
                            "v1",
                            String.join(
                                    ",",
                                    resource("events", "Event", EVENTS_HASH),
                                    resource("pods", "Pod", "xPOwRZ+Yhw8="),
                                    resource("pods/status", "Pod", null))),
            "/apis", """
                    {"kind":"APIGroupList","apiVersion":"v1","groups":[
                     {"name":"events.k8s.io","versions":[{"groupVersion":"events.k8s.io/v1","version":"v1"}],
                      "preferredVersion":{"groupVersion":"events.k8s.io/v1","version":"v1"}},
                     {"name":"stable.example.com","versions":[{"groupVersion":"stable.example.com/v2","version":"v2"},
                      {"groupVersion":"stable.example.com/v1","version":"v1"}],
                      "preferredVersion":{"groupVersion":"stable.example.com/v2","version":"v2"}}]}""",
            "/apis/events.k8s.io/v1", resources("events.k8s.io/v1", resource("events", "Event", EVENTS_HASH)),
            "/apis/stable.example.com/v2",
                    resources(
                            "stable.example.com/v2",
                            String.join(
                                    ",",
                                    resource("crontabs", "CronTab", "Qk3NVw0Y5RU="),
                                    "{\"name\":\"crontabs/scale\",\"singularName\":\"\",\"namespaced\":true,\"group\":\"autoscaling\","
                                            + "\"version\":\"v1\",\"kind\":\"Scale\",\"verbs\":[\"get\",\"patch\",\"update\"]}")),
            "/apis/stable.example.com/v1",
                    resources("stable.example.com/v1", resource("crontabs", "CronTab", "Qk3NVw0Y5RU=")));

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: crontabs.stable.example.com}
            spec:
              group: stable.example.com
              names: {plural: crontabs, singular: crontab, kind: CronTab, listKind: CronTabList}
              scope: Namespaced
              conversion: {strategy: None}
              versions:
              - {name: v2, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}, subresources: {scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}}}
              - {name: v1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}
            """;

    static KubernetesMockServer server(Map<String, String> documents) {
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new Discovery(documents), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    @Test
    void resourcesWithOneStorageAreEquivalentInDiscoverysOrder() {
        KubernetesMockServer server = server(CLUSTER);
        try (KubernetesClient api = server.createClient()) {
            api.apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .resource(Serialization.unmarshal(CRD, CustomResourceDefinition.class))
                    .create();
            EquivalentResources e = DiscoveredEquivalents.read(api);

            assertThat(e.equivalents(new Gvr("events.k8s.io", "v1", "events"), ""))
                    .containsExactly(new Gvr("", "v1", "events"), new Gvr("events.k8s.io", "v1", "events"));
            assertThat(e.equivalents(new Gvr("", "v1", "pods"), "")).containsExactly(new Gvr("", "v1", "pods"));
            assertThat(e.equivalents(new Gvr("", "v1", "pods"), "status")).containsExactly(new Gvr("", "v1", "pods"));
            assertThat(e.equivalents(new Gvr("stable.example.com", "v1", "crontabs"), ""))
                    .containsExactly(
                            new Gvr("stable.example.com", "v2", "crontabs"),
                            new Gvr("stable.example.com", "v1", "crontabs"));
            assertThat(e.kindFor(new Gvr("stable.example.com", "v2", "crontabs"), "scale"))
                    .isEqualTo(new Gvk("autoscaling", "v1", "Scale"));
            assertThat(e.kindFor(new Gvr("stable.example.com", "v1", "crontabs"), ""))
                    .isEqualTo(new Gvk("stable.example.com", "v1", "CronTab"));
            // the CRD says conversion None: apiVersion only
            assertThat(e.convert(
                            Map.of("apiVersion", "stable.example.com/v1", "kind", "CronTab"),
                            new Gvr("stable.example.com", "v1", "crontabs"),
                            new Gvk("stable.example.com", "v1", "CronTab"),
                            new Gvr("stable.example.com", "v2", "crontabs"),
                            new Gvk("stable.example.com", "v2", "CronTab")))
                    .containsEntry("apiVersion", "stable.example.com/v2");
            // Events are stored together but converted by the API server, not here
            assertThatThrownBy(() -> e.convert(
                            Map.of("apiVersion", "v1", "kind", "Event"),
                            new Gvr("", "v1", "events"),
                            new Gvk("", "v1", "Event"),
                            new Gvr("events.k8s.io", "v1", "events"),
                            new Gvk("events.k8s.io", "v1", "Event")))
                    .isInstanceOf(EquivalentResources.ConversionException.class);
        } finally {
            server.destroy();
        }
    }

    @Test
    void withoutTheCrdsTheVersionsAreEquivalentButNotConvertedHere() {
        KubernetesMockServer server = server(CLUSTER);
        try (KubernetesClient api = server.createClient()) {
            EquivalentResources e = DiscoveredEquivalents.read(api);
            assertThat(e.equivalents(new Gvr("stable.example.com", "v1", "crontabs"), ""))
                    .hasSize(2);
            assertThatThrownBy(() -> e.convert(
                            Map.of("apiVersion", "stable.example.com/v1", "kind", "CronTab"),
                            new Gvr("stable.example.com", "v1", "crontabs"),
                            new Gvk("stable.example.com", "v1", "CronTab"),
                            new Gvr("stable.example.com", "v2", "crontabs"),
                            new Gvk("stable.example.com", "v2", "CronTab")))
                    .isInstanceOf(EquivalentResources.ConversionException.class);
        } finally {
            server.destroy();
        }
    }

    @Test
    void emptyDiscoveryIsAFailureNotAnEmptyRegistry() {
        KubernetesMockServer server = server(Map.of(
                "/api/v1",
                resources("v1", ""),
                "/apis",
                "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}"));
        try (KubernetesClient api = server.createClient()) {
            assertThatThrownBy(() -> DiscoveredEquivalents.read(api)).hasMessage("discovery listed no resources");
        } finally {
            server.destroy();
        }
    }

    @Test
    void theSameHashUnderAnotherNameIsNotTheSameStorage() {
        EquivalentResources e = DiscoveredEquivalents.of(
                List.of(
                        new DiscoveredEquivalents.GroupVersion(
                                "a.example/v1",
                                List.of(new APIResourceBuilder()
                                        .withName("things")
                                        .withKind("Thing")
                                        .withStorageVersionHash("h")
                                        .build())),
                        new DiscoveredEquivalents.GroupVersion(
                                "b.example/v1",
                                List.of(new APIResourceBuilder()
                                        .withName("others")
                                        .withKind("Other")
                                        .withStorageVersionHash("h")
                                        .build()))),
                List.of());
        assertThat(e.equivalents(new Gvr("a.example", "v1", "things"), ""))
                .containsExactly(new Gvr("a.example", "v1", "things"));
    }
}

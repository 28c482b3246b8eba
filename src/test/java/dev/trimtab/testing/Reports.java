package dev.trimtab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trimtab.policy.core.ReportApi;
import dev.trimtab.policy.core.ReportBook;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;

/** The per-resource reports in the (mock) API, found by book and scope as a consumer would. */
public final class Reports {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {}

    public static ResourceDefinitionContext context(ReportApi api, boolean namespaced) {
        return new ResourceDefinitionContext.Builder()
                .withGroup(api.group)
                .withVersion(api.version)
                .withKind(namespaced ? api.kind : api.clusterKind)
                .withPlural(namespaced ? api.plural : api.clusterPlural)
                .withNamespaced(namespaced)
                .build();
    }

    /** Every report of the book in the namespace ("" for the cluster-scoped kind). */
    public static List<GenericKubernetesResource> all(
            KubernetesClient client, ReportApi api, String book, String namespace) {
        var ops = client.genericKubernetesResources(context(api, !namespace.isEmpty()));
        return (namespace.isEmpty() ? ops : ops.inNamespace(namespace))
                .withLabel(ReportBook.BOOK_LABEL, book)
                .list()
                .getItems();
    }

    /** The book's openreports.io report on the resource, or null. */
    public static JsonNode of(KubernetesClient client, String book, String kind, String namespace, String name) {
        return of(client, ReportApi.openreports, book, kind, namespace, name);
    }

    /** The book's report on the resource (its {@code scope}), or null. */
    public static JsonNode of(
            KubernetesClient client, ReportApi api, String book, String kind, String namespace, String name) {
        for (GenericKubernetesResource r : all(client, api, book, namespace)) {
            JsonNode report = JSON.valueToTree(r);
            if (report.at("/scope/kind").asText().equals(kind)
                    && report.at("/scope/name").asText().equals(name)) {
                return report;
            }
        }
        return null;
    }
}

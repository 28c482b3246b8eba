package dev.trimtab.policy.live;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ValidatingPolicy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Namespaces and parameter objects from the Kubernetes API, as the API server's admission plugin
 * reads them: from an informer's cache (started for a kind the first time a policy needs it),
 * falling back to a direct read when the cache does not have the object yet. A read that fails is
 * an error of the policy's configuration, which its failurePolicy then decides.
 */
final class KubernetesCluster implements PolicyEngine.Cluster {
    private final KubernetesClient client;
    private volatile io.fabric8.kubernetes.client.informers.SharedIndexInformer<io.fabric8.kubernetes.api.model.Namespace>
            namespaces;
    private final Map<String, io.fabric8.kubernetes.client.informers.SharedIndexInformer<GenericKubernetesResource>>
            params = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<ValidatingPolicy.ParamKind, Boolean> scopes = new java.util.concurrent.ConcurrentHashMap<>();

    KubernetesCluster(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Map<String, Object> namespace(String name) {
        try {
            if (namespaces == null) {
                synchronized (this) {
                    if (namespaces == null) {
                        namespaces = client.namespaces().inform();
                    }
                }
            }
            var cached = namespaces.getStore().getByKey(name);
            return map(cached != null ? cached : client.namespaces().withName(name).get());
        } catch (KubernetesClientException e) {
            throw new IllegalArgumentException("cannot read namespace " + name + ": " + e.getMessage());
        }
    }

    @Override
    public boolean namespaced(ValidatingPolicy.ParamKind kind) {
        // asked on every review with a paramRef: discovery once per kind
        return scopes.computeIfAbsent(kind, this::discoverNamespaced);
    }

    private boolean discoverNamespaced(ValidatingPolicy.ParamKind kind) {
        try {
            var resource = client.getApiResources(kind.apiVersion());
            if (resource != null) {
                for (var r : resource.getResources()) {
                    if (r.getKind().equals(kind.kind()) && !r.getName().contains("/")) {
                        return Boolean.TRUE.equals(r.getNamespaced());
                    }
                }
            }
        } catch (KubernetesClientException e) {
            // fall through: most parameter kinds (ConfigMaps, custom resources) are namespaced
        }
        return !kind.kind().equals("Namespace");
    }

    @Override
    public List<Map<String, Object>> params(ValidatingPolicy.ParamKind kind, String namespace, String name,
                                            LabelSelector selector) {
        try {
            var informer = params.computeIfAbsent(kind.apiVersion() + "/" + kind.kind(), k -> {
                var all = client.genericKubernetesResources(kind.apiVersion(), kind.kind());
                return (namespaced(kind) ? all.inAnyNamespace() : all).inform();
            });
            List<Map<String, Object>> out = new ArrayList<>();
            if (name != null) {
                GenericKubernetesResource r = informer.getStore().getByKey(namespace.isEmpty() ? name
                        : namespace + "/" + name);
                if (r == null) {
                    var resources = client.genericKubernetesResources(kind.apiVersion(), kind.kind());
                    r = (namespace.isEmpty() ? resources : resources.inNamespace(namespace)).withName(name).get();
                }
                if (r != null) {
                    out.add(map(r));
                }
            } else {
                for (GenericKubernetesResource r : informer.getStore().list()) {
                    Map<String, String> labels = r.getMetadata().getLabels();
                    String ns = r.getMetadata().getNamespace() == null ? "" : r.getMetadata().getNamespace();
                    if (ns.equals(namespace) && selector.matches(labels == null ? Map.of() : labels)) {
                        out.add(map(r));
                    }
                }
            }
            return out;
        } catch (KubernetesClientException e) {
            throw new IllegalArgumentException("cannot read " + kind.kind() + " params: " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(HasMetadata o) {
        return o == null ? null : Serialization.jsonMapper().convertValue(o, Map.class);
    }
}

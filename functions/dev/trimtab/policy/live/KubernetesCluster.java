package dev.trimtab.policy.live;

import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ValidatingPolicy;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Namespaces and parameter objects from the Kubernetes API, as the API server's admission plugin
 * reads them: from an informer's cache (started for a kind the first time a policy needs it),
 * falling back to a direct read when the cache does not have the object yet. Where RBAC grants
 * {@code get} on named parameter objects only (the shipped manifests: the ConfigMap
 * {@code replica-ceiling}, not every ConfigMap), the kind cannot be listed: it is then read by name
 * on each review, and a policy that selects its parameters by label gets an error naming the
 * missing permission. A read that fails is an error of the policy's configuration, which its
 * failurePolicy then decides.
 */
final class KubernetesCluster implements PolicyEngine.Cluster {
    private static final Logger LOG = Logger.getLogger(KubernetesCluster.class);
    private final KubernetesClient client;
    private volatile SharedIndexInformer<Namespace> namespaces;
    /** A parameter kind's informer; empty when listing the kind is forbidden (read by name only). */
    private final Map<String, Optional<SharedIndexInformer<GenericKubernetesResource>>> params =
            new ConcurrentHashMap<>();

    private final Map<ValidatingPolicy.ParamKind, Boolean> scopes = new ConcurrentHashMap<>();

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
            return map(
                    cached != null ? cached : client.namespaces().withName(name).get());
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
    public List<Map<String, Object>> params(
            ValidatingPolicy.ParamKind kind, String namespace, String name, LabelSelector selector) {
        try {
            var informer = params.computeIfAbsent(kind.apiVersion() + "/" + kind.kind(), k -> informer(kind));
            List<Map<String, Object>> out = new ArrayList<>();
            if (name != null) {
                GenericKubernetesResource r = informer.map(
                                i -> i.getStore().getByKey(namespace.isEmpty() ? name : namespace + "/" + name))
                        .orElse(null);
                // the API server answers from its informer cache alone; so do we once ours is synced
                // (a GET for every review of a missing parameter cost a round trip per decision)
                if (r == null && !informer.map(i -> i.hasSynced()).orElse(false)) {
                    var resources = client.genericKubernetesResources(kind.apiVersion(), kind.kind());
                    r = (namespace.isEmpty() ? resources : resources.inNamespace(namespace))
                            .withName(name)
                            .get();
                }
                if (r != null) {
                    out.add(map(r));
                }
            } else {
                if (informer.isEmpty()) {
                    throw new IllegalArgumentException(
                            "cannot select " + kind.kind() + " params by label: this service " + "account may not list "
                                    + kind.kind() + " objects (grant list and watch on them)");
                }
                for (GenericKubernetesResource r : informer.get().getStore().list()) {
                    Map<String, String> labels = r.getMetadata().getLabels();
                    String ns = r.getMetadata().getNamespace() == null
                            ? ""
                            : r.getMetadata().getNamespace();
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

    /** Watches every object of a parameter kind; empty when RBAC forbids listing them (403). */
    private Optional<SharedIndexInformer<GenericKubernetesResource>> informer(ValidatingPolicy.ParamKind kind) {
        var all = client.genericKubernetesResources(kind.apiVersion(), kind.kind());
        try {
            return Optional.of((namespaced(kind) ? all.inAnyNamespace() : all).inform());
        } catch (KubernetesClientException e) {
            if (!forbidden(e)) {
                throw e;
            }
            LOG.infof(
                    "%s %s params are read by name on each review: listing them is forbidden (%s)",
                    kind.apiVersion(), kind.kind(), e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean forbidden(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof KubernetesClientException k && k.getCode() == 403) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(HasMetadata o) {
        return o == null ? null : Serialization.jsonMapper().convertValue(o, Map.class);
    }
}

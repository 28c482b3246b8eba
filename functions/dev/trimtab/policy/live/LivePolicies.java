package dev.trimtab.policy.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.InvalidPolicyException;
import dev.trimtab.policy.core.PolicyBinding;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ValidatingPolicy;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.policy.load.PolicyParser;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The policies in force in this process, from two sources: the directory
 * {@code trimtab.policy.directory} (a mounted ConfigMap in a cluster, {@code policies/} locally),
 * read at start, and, with {@code trimtab.policy.watch-cluster} (default true), the cluster's own
 * ValidatingAdmissionPolicies and bindings, watched. A cluster object overrides a file object of
 * the same name. A policy or binding that does not load is logged with its field path and CEL
 * position and counted ({@code trimtab_policy_rejected_total}); the others are enforced, and if an
 * earlier version of it loaded, that last good version stays in force. Parameter objects and
 * namespaces come from the directory's other objects, else from the Kubernetes API.
 */
@ApplicationScoped
public class LivePolicies {
    private static final Logger LOG = Logger.getLogger(LivePolicies.class);
    private final PolicyEngine.Cluster cluster;
    private final MeterRegistry registry;
    private final KubernetesClient client;
    private final boolean watchCluster;
    private final Map<String, CompiledPolicy> filePolicies = new LinkedHashMap<>();
    private final Map<String, PolicyBinding> fileBindings = new LinkedHashMap<>();
    private final Map<String, CompiledPolicy> clusterPolicies = new LinkedHashMap<>();
    private final Map<String, PolicyBinding> clusterBindings = new LinkedHashMap<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private volatile PolicyEngine engine = new PolicyEngine(List.of(), List.of());
    private volatile int policies;
    private volatile int bindings;

    @Inject
    public LivePolicies(@ConfigProperty(name = "trimtab.policy.directory", defaultValue = "policies") String directory,
                        @ConfigProperty(name = "trimtab.policy.watch-cluster", defaultValue = "true") boolean watchCluster,
                        KubernetesClient client, MeterRegistry registry) {
        this.registry = registry;
        this.client = client;
        this.watchCluster = watchCluster && client != null;
        Path dir = Path.of(directory);
        PolicyDirectory.Contents contents = PolicyDirectory.Contents.empty();
        if (Files.isDirectory(dir)) {
            try {
                contents = PolicyDirectory.read(dir);
            } catch (IOException e) {
                LOG.errorf("cannot read policies from %s: %s", dir, e.getMessage());
            }
        } else {
            LOG.infof("no policy directory %s", dir);
        }
        contents.errors().forEach(e -> rejected("file", e));
        contents.policies().forEach(p -> filePolicies.put(p.name(), p));
        contents.bindings().forEach(b -> fileBindings.put(b.name(), b));
        rebuild();
        ObjectCluster files = contents.cluster();
        KubernetesCluster api = new KubernetesCluster(client);
        this.cluster = new PolicyEngine.Cluster() {
            public Map<String, Object> namespace(String name) {
                Map<String, Object> ns = files.namespace(name);
                return ns != null ? ns : api.namespace(name);
            }

            public boolean namespaced(ValidatingPolicy.ParamKind kind) {
                return api.namespaced(kind);
            }

            public List<Map<String, Object>> params(ValidatingPolicy.ParamKind kind, String namespace, String name,
                                                    LabelSelector selector) {
                List<Map<String, Object>> out = new ArrayList<>(files.params(kind, namespace, name, selector));
                return !out.isEmpty() ? out : api.params(kind, namespace, name, selector);
            }
        };
        LOG.infof("%d ValidatingAdmissionPolicies from %s", filePolicies.size(), dir);
    }

    /** Testing and tools: the policies of a directory only, no cluster. */
    public LivePolicies(String directory, KubernetesClient client, MeterRegistry registry) {
        this(directory, false, client, registry);
    }

    void watch(@Observes StartupEvent ignored) {
        if (!watchCluster) {
            return;
        }
        informers.add(client.genericKubernetesResources(PolicyParser.API_VERSION, "ValidatingAdmissionPolicy")
                .inform(handler(true)));
        informers.add(client.genericKubernetesResources(PolicyParser.API_VERSION, "ValidatingAdmissionPolicyBinding")
                .inform(handler(false)));
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }

    private ResourceEventHandler<GenericKubernetesResource> handler(boolean policy) {
        return new ResourceEventHandler<>() {
            public void onAdd(GenericKubernetesResource obj) {
                put(obj, policy);
            }

            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                put(obj, policy);
            }

            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                synchronized (LivePolicies.this) {
                    (policy ? clusterPolicies : clusterBindings).remove(obj.getMetadata().getName());
                    rebuild();
                }
            }
        };
    }

    private void put(GenericKubernetesResource obj, boolean policy) {
        JsonNode doc = AdmissionReviews.JSON.valueToTree(obj);
        try {
            if (policy) {
                CompiledPolicy p = CompiledPolicy.compile(PolicyParser.policy(doc));
                synchronized (this) {
                    clusterPolicies.put(p.name(), p);
                    rebuild();
                }
            } else {
                PolicyBinding b = PolicyParser.binding(doc);
                synchronized (this) {
                    clusterBindings.put(b.name(), b);
                    rebuild();
                }
            }
        } catch (InvalidPolicyException e) {
            boolean kept = (policy ? clusterPolicies : clusterBindings).containsKey(obj.getMetadata().getName());
            rejected("cluster", e.getMessage() + (kept ? " (the last good version stays in force)" : ""));
        }
    }

    private void rejected(String source, String message) {
        registry.counter("trimtab_policy_rejected_total", "source", source).increment();
        LOG.errorf("policy not loaded: %s", message);
    }

    private synchronized void rebuild() {
        Map<String, CompiledPolicy> ps = new LinkedHashMap<>(filePolicies);
        ps.putAll(clusterPolicies);
        Map<String, PolicyBinding> bs = new LinkedHashMap<>(fileBindings);
        bs.putAll(clusterBindings);
        engine = new PolicyEngine(new ArrayList<>(ps.values()), new ArrayList<>(bs.values()));
        policies = ps.size();
        this.bindings = bs.size();
    }

    /** The verdict on a request, counted by result. */
    public PolicyEngine.Verdict review(AdmissionRequest request) {
        PolicyEngine.Verdict v = engine.review(request, cluster);
        registry.counter("trimtab_policy_reviews_total", "allowed", Boolean.toString(v.allowed())).increment();
        return v;
    }

    /** How many policies are in force. */
    public int size() {
        return policies;
    }

    /** How many bindings are in force. */
    public int bindings() {
        return bindings;
    }
}

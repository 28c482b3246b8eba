package dev.trimtab.policy.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AccessChecker;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.CompiledMutatingPolicy;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.InvalidPolicyException;
import dev.trimtab.policy.core.MutatingBinding;
import dev.trimtab.policy.core.MutationEngine;
import dev.trimtab.policy.core.PolicyBinding;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.core.ValidatingPolicy;
import dev.trimtab.policy.load.ObjectCluster;
import dev.trimtab.policy.load.PolicyDirectory;
import dev.trimtab.policy.load.PolicyParser;
import dev.trimtab.policy.load.RbacAccess;
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
 * Validating and MutatingAdmissionPolicies and their bindings, watched. A cluster object overrides a file object of
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
    private final Store<CompiledPolicy> validating = new Store<>();
    private final Store<PolicyBinding> validatingBindings = new Store<>();
    private final Store<CompiledMutatingPolicy> mutating = new Store<>();
    private final Store<MutatingBinding> mutatingBindings = new Store<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private volatile PolicyEngine engine = new PolicyEngine(List.of(), List.of());
    private volatile MutationEngine mutations = new MutationEngine(List.of(), List.of());
    private volatile int policies;
    private volatile int bindings;
    private volatile int mutatingCount;
    private final List<Map<String, Object>> fileObjects;

    /** One kind's objects by name: from files, and from the cluster, which override them. */
    private static final class Store<T> {
        final Map<String, T> files = new LinkedHashMap<>();
        final Map<String, T> cluster = new LinkedHashMap<>();

        List<T> inForce() {
            Map<String, T> all = new LinkedHashMap<>(files);
            all.putAll(cluster);
            return new ArrayList<>(all.values());
        }
    }

    /** How a watched kind is read into its store. */
    private interface Reader<T> {
        T read(JsonNode doc) throws InvalidPolicyException;
    }

    @Inject
    public LivePolicies(@ConfigProperty(name = "trimtab.policy.directory", defaultValue = "policies") String directory,
                        @ConfigProperty(name = "trimtab.policy.watch-cluster", defaultValue = "true") boolean watchCluster,
                        KubernetesClient client, MeterRegistry registry, dev.trimtab.rbac.live.LiveRbac rbac) {
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
        this.fileObjects = List.copyOf(contents.objects());
        contents.policies().forEach(p -> validating.files.put(p.name(), p));
        contents.bindings().forEach(b -> validatingBindings.files.put(b.name(), b));
        contents.mutatingPolicies().forEach(p -> mutating.files.put(p.name(), p));
        contents.mutatingBindings().forEach(b -> mutatingBindings.files.put(b.name(), b));
        rebuild();
        ObjectCluster files = contents.cluster();
        KubernetesCluster api = new KubernetesCluster(client);
        // the authorizer: the cluster's RBAC when watched, else the RBAC objects among the files
        AccessChecker access = rbac != null && rbac.enabled() ? new RbacAccess(rbac::authorizer) : files.access();
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

            public AccessChecker access() {
                return access;
            }
        };
        LOG.infof("%d ValidatingAdmissionPolicies and %d MutatingAdmissionPolicies from %s", validating.files.size(),
                mutating.files.size(), dir);
    }

    /** Testing and tools: the policies of a directory only, no cluster. */
    public LivePolicies(String directory, KubernetesClient client, MeterRegistry registry) {
        this(directory, false, client, registry, null);
    }

    void watch(@Observes StartupEvent ignored) {
        if (!watchCluster) {
            return;
        }
        watch(PolicyParser.API_VERSION, "ValidatingAdmissionPolicy", validating,
                doc -> CompiledPolicy.compile(PolicyParser.policy(doc)));
        watch(PolicyParser.API_VERSION, "ValidatingAdmissionPolicyBinding", validatingBindings, PolicyParser::binding);
        watch(PolicyParser.MUTATING_WATCH_VERSION, "MutatingAdmissionPolicy", mutating,
                doc -> CompiledMutatingPolicy.compile(PolicyParser.mutatingPolicy(doc)));
        watch(PolicyParser.MUTATING_WATCH_VERSION, "MutatingAdmissionPolicyBinding", mutatingBindings,
                PolicyParser::mutatingBinding);
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }

    /** Watches one kind; a cluster without it (MutatingAdmissionPolicy is beta) only loses that kind. */
    private <T> void watch(String apiVersion, String kind, Store<T> store, Reader<T> reader) {
        try {
            informers.add(client.genericKubernetesResources(apiVersion, kind).inform(new ResourceEventHandler<>() {
                public void onAdd(GenericKubernetesResource obj) {
                    put(obj, store, reader);
                }

                public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                    put(obj, store, reader);
                }

                public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                    synchronized (LivePolicies.this) {
                        store.cluster.remove(obj.getMetadata().getName());
                        rebuild();
                    }
                }
            }));
        } catch (RuntimeException e) {
            LOG.errorf("cannot watch %s %s, only files provide them: %s", apiVersion, kind, e.getMessage());
        }
    }

    private <T> void put(GenericKubernetesResource obj, Store<T> store, Reader<T> reader) {
        JsonNode doc = AdmissionReviews.JSON.valueToTree(obj);
        try {
            T value = reader.read(doc);
            synchronized (this) {
                store.cluster.put(obj.getMetadata().getName(), value);
                rebuild();
            }
        } catch (InvalidPolicyException e) {
            boolean kept = store.cluster.containsKey(obj.getMetadata().getName());
            rejected("cluster", e.getMessage() + (kept ? " (the last good version stays in force)" : ""));
        }
    }

    private void rejected(String source, String message) {
        registry.counter("trimtab_policy_rejected_total", "source", source).increment();
        LOG.errorf("policy not loaded: %s", message);
    }

    private synchronized void rebuild() {
        List<CompiledPolicy> ps = validating.inForce();
        List<PolicyBinding> bs = validatingBindings.inForce();
        engine = new PolicyEngine(ps, bs);
        List<CompiledMutatingPolicy> ms = mutating.inForce();
        List<MutatingBinding> mbs = mutatingBindings.inForce();
        mutations = new MutationEngine(ms, mbs);
        mutatingCount = ms.size() + mbs.size();
        policies = ps.size();
        bindings = bs.size();
    }

    /** The verdict on a request, counted by result. */
    public PolicyEngine.Verdict review(AdmissionRequest request) {
        PolicyEngine.Verdict v = engine.review(request, cluster);
        registry.counter("trimtab_policy_reviews_total", "allowed", Boolean.toString(v.allowed())).increment();
        return v;
    }

    /** The mutating webhook's work: the request's object mutated, counted by whether it changed. */
    public MutationEngine.Outcome mutate(AdmissionRequest request) {
        MutationEngine.Outcome m = mutations.mutate(request, cluster, false);
        registry.counter("trimtab_policy_mutations_total", "allowed", Boolean.toString(m.allowed()),
                "changed", Boolean.toString(m.changed())).increment();
        return m;
    }

    /** A live object's remediation: only the mutating bindings that ask for it ({@code trimtab.dev/remediate}). */
    public MutationEngine.Outcome remediate(AdmissionRequest request) {
        return mutations.mutate(request, cluster, true);
    }

    /** The cluster view policies read (namespaces, parameters). */
    public PolicyEngine.Cluster cluster() {
        return cluster;
    }

    /** How many policies are in force. */
    public int size() {
        return policies;
    }

    /** How many MutatingAdmissionPolicies and their bindings are in force. */
    public int mutating() {
        return mutatingCount;
    }

    /** How many bindings are in force. */
    public int bindings() {
        return bindings;
    }

    /**
     * The policy directory's other objects, read at start: params, Namespaces and RBAC for offline
     * answers, and the intents ({@code RbacIntent}, {@code NetworkIntent}) that their functions read.
     */
    public List<Map<String, Object>> fileObjects() {
        return fileObjects;
    }
}

package dev.trimtab.policy.live;

import com.fasterxml.jackson.databind.JsonNode;
import dev.trimtab.kube.LabelSelector;
import dev.trimtab.kube.Watches;
import dev.trimtab.policy.admission.AdmissionReviews;
import dev.trimtab.policy.core.AccessChecker;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.CompiledMutatingPolicy;
import dev.trimtab.policy.core.CompiledPolicy;
import dev.trimtab.policy.core.EquivalentResources;
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
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * the same name. A policy or binding with problems is logged with its field path and CEL
 * position and counted ({@code trimtab_policy_rejected_total}); the others are enforced. As in the
 * API server, a ValidatingAdmissionPolicy whose expressions do not compile stays in force and fails
 * the requests it matches under its failurePolicy, and so does a policy or binding that cannot be
 * read but whose scope is known ({@link PolicyDirectory#policy}); only an object whose scope is
 * unknown is left out, its last good version, if any, staying in force (docs/decisions/0017).
 * The cluster's kinds are watched in the background ({@link Watches}, retried with backoff:
 * {@code trimtab.policy.watch-backoff.initial}, {@code .max}); {@link #inForce} says when they
 * all are. Parameter objects and namespaces come from the directory's other objects, else from
 * the Kubernetes API.
 */
@ApplicationScoped
public class LivePolicies {
    private static final Logger LOG = Logger.getLogger(LivePolicies.class);
    /**
     * Why a write Trimtab would make is held: not every watched policy kind has been listed yet
     * ({@link #inForce}), so a policy not yet read could deny it. The guards of the autoscaler,
     * placement and the audit hold their writes then, and retry once in force.
     */
    public static final String NOT_IN_FORCE = "policies not yet in force";

    private final PolicyEngine.Cluster cluster;
    private final MeterRegistry registry;
    private final KubernetesClient client;
    private final boolean watchCluster;
    private final Store<CompiledPolicy> validating = new Store<>();
    private final Store<PolicyBinding> validatingBindings = new Store<>();
    private final Store<CompiledMutatingPolicy> mutating = new Store<>();
    private final Store<MutatingBinding> mutatingBindings = new Store<>();
    private final Duration backoffInitial;
    private final Duration backoffMax;
    private volatile Watches watches;
    private volatile PolicyEngine engine = new PolicyEngine(List.of(), List.of());
    private volatile MutationEngine mutations = new MutationEngine(List.of(), List.of());
    private volatile int policies;
    private volatile int bindings;
    private volatile int mutatingCount;
    private final List<Map<String, Object>> fileObjects;
    /** Equivalent resources: the built-in ones and the CRDs among the files, then discovery's ({@link #discover}). */
    private volatile EquivalentResources equivalents;

    private volatile java.util.concurrent.ScheduledExecutorService discovery;

    /** One kind's objects by name: from files, and from the cluster, which override them. */
    private static final class Store<T> {
        final Map<String, T> files = new LinkedHashMap<>();
        final Map<String, T> cluster = new LinkedHashMap<>();
        /** The resourceVersion last read of each cluster object: the first list and the watch both hand it over. */
        final Map<String, String> versions = new java.util.HashMap<>();

        List<T> inForce() {
            Map<String, T> all = new LinkedHashMap<>(files);
            all.putAll(cluster);
            return new ArrayList<>(all.values());
        }
    }

    /** How a watched kind is read into its store: the object in force (if any) and its problem (if any). */
    private interface Reader<T> {
        PolicyDirectory.Loaded<T> read(JsonNode doc);
    }

    @Inject
    public LivePolicies(
            @ConfigProperty(name = "trimtab.policy.directory", defaultValue = "policies") String directory,
            @ConfigProperty(name = "trimtab.policy.watch-cluster", defaultValue = "true") boolean watchCluster,
            @ConfigProperty(name = "trimtab.policy.watch-backoff.initial", defaultValue = "800ms")
                    Duration backoffInitial,
            @ConfigProperty(name = "trimtab.policy.watch-backoff.max", defaultValue = "30s") Duration backoffMax,
            KubernetesClient client,
            MeterRegistry registry,
            dev.trimtab.rbac.live.LiveRbac rbac) {
        this.registry = registry;
        this.backoffInitial = backoffInitial;
        this.backoffMax = backoffMax;
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
        this.equivalents = files.equivalents();
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

            public List<Map<String, Object>> params(
                    ValidatingPolicy.ParamKind kind, String namespace, String name, LabelSelector selector) {
                List<Map<String, Object>> out = new ArrayList<>(files.params(kind, namespace, name, selector));
                return !out.isEmpty() ? out : api.params(kind, namespace, name, selector);
            }

            public AccessChecker access() {
                return access;
            }

            public EquivalentResources equivalents() {
                return equivalents;
            }
        };
        LOG.infof(
                "%d ValidatingAdmissionPolicies and %d MutatingAdmissionPolicies from %s",
                validating.files.size(), mutating.files.size(), dir);
    }

    /** Testing and tools: the policies of a directory only, no cluster. */
    public LivePolicies(String directory, KubernetesClient client, MeterRegistry registry) {
        this(directory, false, Duration.ofMillis(800), Duration.ofSeconds(30), client, registry, null);
    }

    /** Starts watching the cluster's policies in the background; admission answers 503 until they are in force. */
    void watch(@Observes StartupEvent ignored) {
        if (!watchCluster) {
            return;
        }
        watches = new Watches(client, backoffInitial, backoffMax, "trimtab-policy-watches");
        discover(org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("trimtab.policy.discovery-interval", Duration.class)
                .orElse(Duration.ofMinutes(5)));
        watch(
                PolicyParser.API_VERSION,
                "ValidatingAdmissionPolicy",
                "validatingadmissionpolicies",
                validating,
                PolicyDirectory::policy);
        watch(
                PolicyParser.API_VERSION,
                "ValidatingAdmissionPolicyBinding",
                "validatingadmissionpolicybindings",
                validatingBindings,
                PolicyDirectory::binding);
        watch(
                PolicyParser.MUTATING_WATCH_VERSION,
                "MutatingAdmissionPolicy",
                "mutatingadmissionpolicies",
                mutating,
                PolicyDirectory::mutatingPolicy);
        watch(
                PolicyParser.MUTATING_WATCH_VERSION,
                "MutatingAdmissionPolicyBinding",
                "mutatingadmissionpolicybindings",
                mutatingBindings,
                strict(PolicyParser::mutatingBinding));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (watches != null) {
            watches.close();
        }
        if (discovery != null) {
            discovery.shutdownNow();
        }
    }

    /**
     * Reads the cluster's equivalent resources from discovery now and every
     * {@code trimtab.policy.discovery-interval} (default 5m; CRDs come and go). When discovery
     * cannot be read, the last registry read stays (at first: the built-in one and the files' CRDs).
     */
    private void discover(Duration every) {
        discovery = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "trimtab-policy-discovery");
            t.setDaemon(true);
            return t;
        });
        boolean[] failing = {false};
        discovery.scheduleWithFixedDelay(
                () -> {
                    try {
                        equivalents = DiscoveredEquivalents.read(client);
                        if (failing[0]) {
                            LOG.info("discovery read again: equivalent resources are the cluster's");
                        }
                        failing[0] = false;
                    } catch (RuntimeException e) {
                        if (!failing[0]) {
                            LOG.warnf(
                                    "cannot read discovery (equivalent resources stay as they were): %s",
                                    e.getMessage());
                        }
                        failing[0] = true;
                    }
                },
                0,
                every.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** A reader that keeps nothing of an invalid object (MutatingAdmissionPolicyBindings: their last good version stays). */
    private static <T> Reader<T> strict(Strict<T> read) {
        return doc -> {
            try {
                return new PolicyDirectory.Loaded<>(read.read(doc), null);
            } catch (InvalidPolicyException e) {
                return new PolicyDirectory.Loaded<>(null, e);
            }
        };
    }

    private interface Strict<T> {
        T read(JsonNode doc) throws InvalidPolicyException;
    }

    private <T> void watch(String apiVersion, String kind, String plural, Store<T> store, Reader<T> reader) {
        watches.watch(
                apiVersion,
                kind,
                plural,
                new ResourceEventHandler<>() {
                    public void onAdd(GenericKubernetesResource obj) {
                        put(List.of(obj), store, reader);
                    }

                    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                        put(List.of(obj), store, reader);
                    }

                    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                        synchronized (LivePolicies.this) {
                            store.versions.remove(obj.getMetadata().getName());
                            store.cluster.remove(obj.getMetadata().getName());
                            rebuild();
                        }
                    }
                },
                all -> put(all, store, reader));
    }

    private <T> void put(List<GenericKubernetesResource> objects, Store<T> store, Reader<T> reader) {
        synchronized (this) {
            for (GenericKubernetesResource obj : objects) {
                String name = obj.getMetadata().getName();
                String version = obj.getMetadata().getResourceVersion();
                if (version != null && version.equals(store.versions.get(name))) {
                    continue; // already read
                }
                PolicyDirectory.Loaded<T> loaded;
                try {
                    loaded = reader.read(AdmissionReviews.JSON.valueToTree(obj));
                } catch (RuntimeException e) {
                    // a reader bug must not cost the other objects, nor mark this version as read
                    rejected("cluster", name + ": cannot be read: " + e);
                    continue;
                }
                if (version != null) {
                    store.versions.put(name, version);
                }
                if (loaded.value() != null) {
                    store.cluster.put(name, loaded.value());
                }
                if (loaded.problem() != null) {
                    rejected(
                            "cluster",
                            loaded.problem().getMessage()
                                    + (loaded.value() != null
                                            ? " (in force: the requests it matches get its failurePolicy)"
                                            : store.cluster.containsKey(name)
                                                    ? " (the last good version stays in force)"
                                                    : ""));
                }
            }
            rebuild();
        }
    }

    private void rejected(String source, String message) {
        registry.counter("trimtab_policy_rejected_total", "source", source).increment();
        LOG.errorf("policy problem: %s", message);
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

    /**
     * Whether the cluster's policies are all in force: true without {@code watch-cluster}, else
     * once every watched kind has been listed. Until then the admission webhook does not answer
     * (docs/decisions/0017).
     */
    public boolean inForce() {
        Watches w = watches;
        return !watchCluster || (w != null && w.inForce());
    }

    /** Each watched kind's state (empty without {@code watch-cluster}), for the readiness check. */
    List<Watches.Status> watchStatus() {
        Watches w = watches;
        return w == null ? List.of() : w.statuses();
    }

    /** Whether cluster policies are watched at all. */
    boolean watchesCluster() {
        return watchCluster;
    }

    /** The verdict on a request, counted by result. */
    public PolicyEngine.Verdict review(AdmissionRequest request) {
        PolicyEngine.Verdict v = engine.review(request, cluster);
        registry.counter("trimtab_policy_reviews_total", "allowed", Boolean.toString(v.allowed()))
                .increment();
        return v;
    }

    /** The mutating webhook's work: the request's object mutated, counted by whether it changed. */
    public MutationEngine.Outcome mutate(AdmissionRequest request) {
        MutationEngine.Outcome m = mutations.mutate(request, cluster, false);
        registry.counter(
                        "trimtab_policy_mutations_total",
                        "allowed",
                        Boolean.toString(m.allowed()),
                        "changed",
                        Boolean.toString(m.changed()))
                .increment();
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

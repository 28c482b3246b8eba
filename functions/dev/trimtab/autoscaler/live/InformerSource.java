package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.events.EventFolder;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import dev.trimtab.kube.ScalerKinds;
import dev.trimtab.kube.Watches;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * With {@code trimtab.autoscaler.cluster-state=informers} (the default), the cluster state comes
 * straight from the Kubernetes API: fabric8 informers on pods, Deployments, StatefulSets, HPAs, KEDA
 * ScaledObjects (when the CRD is served) and ScalingPolicies, and Nodes when
 * {@code deletion-cost} is on. Each starts with a full list, so an instance that (re)starts sees
 * every object however long ago it last changed (docs/decisions/0021).
 * Each change becomes the same ApiServerSource-shaped event the cluster-event topic carries, so
 * one folding path serves both sources. Until every kind has been listed, and every listed object
 * folded, the readiness check
 * {@code cluster-view} is DOWN ({@link ClusterViewHealth}).
 */
@ApplicationScoped
public class InformerSource {
    private static final Logger LOG = Logger.getLogger(InformerSource.class);

    private final KubernetesClient client;
    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final DurableApply durable;
    private final LiveSettings settings;
    private static final ResourceDefinitionContext DEPLOYMENTS = new ResourceDefinitionContext.Builder()
            .withGroup("apps")
            .withVersion("v1")
            .withKind("Deployment")
            .withPlural("deployments")
            .withNamespaced(true)
            .build();
    private static final ResourceDefinitionContext STATEFULSETS = new ResourceDefinitionContext.Builder()
            .withGroup("apps")
            .withVersion("v1")
            .withKind("StatefulSet")
            .withPlural("statefulsets")
            .withNamespaced(true)
            .build();
    private static final ResourceDefinitionContext PODS = new ResourceDefinitionContext.Builder()
            .withGroup("")
            .withVersion("v1")
            .withKind("Pod")
            .withPlural("pods")
            .withNamespaced(true)
            .build();
    private static final ResourceDefinitionContext NODES = new ResourceDefinitionContext.Builder()
            .withGroup("")
            .withVersion("v1")
            .withKind("Node")
            .withPlural("nodes")
            .withNamespaced(false)
            .build();
    /** What the informers list and watch (the autoscaler's ClusterRole must allow it: DeployManifestsTest). */
    public static final List<ResourceDefinitionContext> WATCHED = List.of(
            DEPLOYMENTS,
            STATEFULSETS,
            PODS,
            ScalerKinds.HPAS,
            ScalerKinds.SCALED_OBJECTS,
            ScalerKinds.SCALING_POLICIES);
    /** Watched in addition with {@code trimtab.autoscaler.deletion-cost=true} (the zones and nodes of pods). */
    public static final ResourceDefinitionContext WATCHED_FOR_DELETION_COST = NODES;

    private final DeletionCosts deletionCosts;
    private final boolean clusterEventsChannel;
    private final GroupJoin groupJoin;
    private Watches before;
    private Watches policies;

    @Inject
    public InformerSource(
            KubernetesClient client,
            AutoscalerEngine engine,
            ScaleApplier applier,
            LiveSettings settings,
            DeletionCosts deletionCosts,
            @ConfigProperty(name = "mp.messaging.incoming.cluster-events.enabled", defaultValue = "true")
                    boolean clusterEventsChannel,
            DurableApply durable,
            GroupJoin groupJoin) {
        this.client = client;
        this.groupJoin = groupJoin;
        this.engine = engine;
        this.applier = applier;
        this.durable = durable;
        this.settings = settings;
        this.deletionCosts = deletionCosts;
        this.clusterEventsChannel = clusterEventsChannel;
    }

    /** Whether the view comes from these informers (the default). */
    public boolean active() {
        return settings.clusterState() == LiveSettings.ClusterStateSource.informers;
    }

    void start(@Observes StartupEvent ignored) {
        if (!active()) {
            return;
        }
        if (clusterEventsChannel) {
            // an old record replayed from the topic could overwrite a newer listed object
            LOG.warn("cluster-state=informers, yet the cluster-events channel is on: its records, replayed from the "
                    + "start of trimtab.cluster-events, can bring back older versions of listed objects; set "
                    + "mp.messaging.incoming.cluster-events.enabled=false");
        }
        // in the background, each list retried with backoff: nothing waits for the API server. Scale
        // targets, pods and who else scales what first, so that a policy finds its target when it
        // arrives and one on a target an HPA already scales is refused from its first decision.
        // A ScaledObject kind that is not served (no KEDA) counts as listed, with KEDA's HPAs seen.
        Watches first = new Watches(client, Watches.DEFAULT_INITIAL, Watches.DEFAULT_MAX, "trimtab-autoscaler-watches");
        before = first;
        List<ResourceDefinitionContext> kinds = new ArrayList<>(WATCHED.subList(0, WATCHED.size() - 1));
        if (settings.deletionCost()) {
            kinds.add(NODES);
        }
        for (ResourceDefinitionContext kind : kinds) {
            // once folded, not just listed: the informer hands the listed objects to fold() later
            first.watch(kind, handler(kind), listed -> {}, () -> startPolicies(kind.getKind(), kinds.size()));
        }
    }

    private final Set<String> listed = new HashSet<>();

    /** Once every kind before them is folded (or known not to be served): called after each one's first list is folded. */
    private synchronized void startPolicies(String kind, int kinds) {
        listed.add(kind);
        if (policies != null || listed.size() < kinds) {
            return;
        }
        policies = new Watches(client, Watches.DEFAULT_INITIAL, Watches.DEFAULT_MAX, "trimtab-autoscaler-policies");
        policies.watch(
                ScalerKinds.SCALING_POLICIES,
                handler(ScalerKinds.SCALING_POLICIES),
                listed -> LOG.infof(
                        "cluster state from the API: pods, deployments, statefulsets, horizontalpodautoscalers, "
                                + "scaledobjects%s and %d scalingpolicies",
                        settings.deletionCost() ? ", nodes" : "", listed.size()),
                // every other kind was folded before the policies were watched: the view is complete
                () -> groupJoin.join("the cluster view is listed and folded"));
    }

    /**
     * Whether every kind has been listed (or is known not to be served) and every listed object has
     * been folded into the engine: the view is complete. Listed alone is not enough: the informer
     * hands each listed object to {@link #fold} later, on its own thread, and a fold waits for the
     * engine's lock; a metric batch let through in between is folded without its policy (issue 13).
     */
    public synchronized boolean synced() {
        return policies != null && before.folded() && policies.folded();
    }

    /** How many listed objects are still to be folded (readiness data). */
    public synchronized int pending() {
        return (before == null ? 0 : before.pending()) + (policies == null ? 0 : policies.pending());
    }

    /** Each watched kind's state (listed, or how many attempts failed and why). */
    public synchronized List<Watches.Status> statuses() {
        List<Watches.Status> out = new ArrayList<>();
        for (Watches w : new Watches[] {before, policies}) {
            if (w != null) {
                out.addAll(w.statuses());
            }
        }
        return out;
    }

    synchronized void stop(@Observes ShutdownEvent ignored) {
        for (Watches w : new Watches[] {before, policies}) {
            if (w != null) {
                w.close();
            }
        }
    }

    /** Folds each change of {@code kind}; list items may lack apiVersion and kind, which the folder routes by. */
    private ResourceEventHandler<GenericKubernetesResource> handler(ResourceDefinitionContext kind) {
        String apiVersion = kind.getGroup() == null || kind.getGroup().isEmpty()
                ? kind.getVersion()
                : kind.getGroup() + "/" + kind.getVersion();
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource obj) {
                fold(EventFolder.ADD, typed(obj));
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                fold(EventFolder.UPDATE, typed(newObj));
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                fold(EventFolder.DELETE, typed(obj));
            }

            private GenericKubernetesResource typed(GenericKubernetesResource obj) {
                obj.setApiVersion(apiVersion);
                obj.setKind(kind.getKind());
                return obj;
            }
        };
    }

    private void fold(String type, HasMetadata obj) {
        CloudEvent event = new CloudEvent(
                obj.getMetadata().getUid() + "/" + obj.getMetadata().getResourceVersion(),
                "/trimtab/autoscaler/informers",
                type,
                null,
                Instant.now(),
                "application/json",
                CloudEventCodec.JSON.valueToTree(obj),
                Map.of());
        try {
            deletionCosts.observe(event);
            if (obj.getKind().equals(NODES.getKind())) {
                return;
            }
            List<AutoscalerEngine.Triggered> due = engine.work(() -> {
                List<AutoscalerEngine.Triggered> out = new ArrayList<>();
                for (AutoscalerEngine.Evaluation ev : engine.accept(event)) {
                    out.add(new AutoscalerEngine.Triggered(ev, event));
                }
                applier.foreignWrites(engine.drainForeignWrites());
                return out;
            });
            try {
                durable.apply(due, false);
            } catch (Delivery.NotDelivered e) {
                // folded all the same; its policies are decided again at their next event or resync
                LOG.warnf(
                        "decisions after %s %s/%s not carried out: %s",
                        obj.getKind(),
                        obj.getMetadata().getNamespace(),
                        obj.getMetadata().getName(),
                        e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.warnf(
                    "ignored %s %s/%s from the API: %s",
                    obj.getKind(),
                    obj.getMetadata().getNamespace(),
                    obj.getMetadata().getName(),
                    e.getMessage());
        }
    }
}

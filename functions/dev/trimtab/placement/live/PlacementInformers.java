package dev.trimtab.placement.live;

import dev.trimtab.kube.InformerEvents;
import dev.trimtab.kube.Watches;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The placement function's view from the Kubernetes API: with {@code trimtab.placement.informers=true}
 * (k8s-manifests/placement sets it), informers on Namespaces, Nodes, the Services,
 * ReplicationControllers, ReplicaSets and StatefulSets whose selectors the default topology spreading
 * counts with, and then Pods feed
 * {@link PlacementFunction} the same object events the cluster-event topic carries. Each starts with a
 * full list (and PodDisruptionBudgets last, with {@code trimtab.placement.rebalance=true}), so a
 * restarted placement function knows every node and pod whatever the topic's
 * retention (docs/decisions/0021). Readiness ({@code placement-view}) is DOWN until all of them have
 * been listed and every listed object handed over ({@code pending} says how many are not yet); Nodes
 * and workloads before Pods (the Pods listed once the others are handed over), so a pending pod listed
 * at start is placed on the known nodes with its default spreading.
 */
@Readiness
@ApplicationScoped
public class PlacementInformers implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(PlacementInformers.class);
    /** In the order they are listed (the placement ClusterRole must allow list and watch on each). */
    public static final List<String> KINDS = List.of(
            "v1/Namespace",
            "v1/Node",
            "v1/Service",
            "v1/ReplicationController",
            "apps/v1/ReplicaSet",
            "apps/v1/StatefulSet",
            "v1/Pod");
    /** Also listed with {@code trimtab.placement.rebalance=true}: the budgets recommendations respect. */
    public static final String BUDGETS = "policy/v1/PodDisruptionBudget";

    private final KubernetesClient client;
    private final PlacementFunction placement;
    private final boolean enabled;
    private final boolean rebalance;
    private volatile InformerEvents informers;

    @Inject
    public PlacementInformers(
            KubernetesClient client,
            PlacementFunction placement,
            @ConfigProperty(name = "trimtab.placement.informers", defaultValue = "false") boolean enabled,
            @ConfigProperty(name = "trimtab.placement.rebalance", defaultValue = "false") boolean rebalance) {
        this.client = client;
        this.placement = placement;
        this.enabled = enabled;
        this.rebalance = rebalance;
    }

    void start(@Observes StartupEvent ignored) {
        if (enabled) {
            List<String> kinds = rebalance
                    ? Stream.concat(KINDS.stream(), Stream.of(BUDGETS)).toList()
                    : KINDS;
            informers = InformerEvents.start(
                    client, kinds, "/trimtab/placement/informers", placement::accept, "trimtab-placement-informers");
            LOG.infof("placing from informers on %s", kinds);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        InformerEvents i = informers;
        if (i != null) {
            i.close();
        }
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("placement-view");
        InformerEvents i = informers;
        if (i == null) {
            return b.withData("source", enabled ? "informers (starting)" : "events or off")
                    .status(!enabled)
                    .build();
        }
        for (Watches.Status s : i.statuses()) {
            b.withData(s.kind(), s.detail());
        }
        return b.withData("source", "informers")
                .withData("pending", i.pending())
                .status(i.synced())
                .build();
    }
}

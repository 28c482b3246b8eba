package dev.trimtab.placement.live;

import dev.trimtab.kube.InformerEvents;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The placement function's other source: with {@code trimtab.placement.informers=true}, informers
 * on Nodes, Namespaces and Pods feed {@link PlacementFunction} the same object events the
 * cluster-event topic carries, for clusters without an ApiServerSource.
 */
@ApplicationScoped
public class PlacementInformers {
    private static final Logger LOG = Logger.getLogger(PlacementInformers.class);
    private static final List<String> KINDS = List.of("v1/Namespace", "v1/Node", "v1/Pod");
    private final KubernetesClient client;
    private final PlacementFunction placement;
    private final boolean enabled;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    @Inject
    public PlacementInformers(KubernetesClient client, PlacementFunction placement,
                              @ConfigProperty(name = "trimtab.placement.informers", defaultValue = "false") boolean enabled) {
        this.client = client;
        this.placement = placement;
        this.enabled = enabled;
    }

    void start(@Observes StartupEvent ignored) {
        if (enabled) {
            informers.addAll(InformerEvents.start(client, KINDS, "/trimtab/placement/informers", placement::accept));
            LOG.infof("placing from informers on %s", KINDS);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }
}

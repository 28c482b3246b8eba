package dev.trimtab.network.live;

import dev.trimtab.kube.LiveObjects;
import dev.trimtab.network.core.NetworkModel;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The cluster's Namespaces, Pods and NetworkPolicies as a {@link NetworkModel}, watched when
 * {@code trimtab.network.watch-cluster} is true (the policy function; default false).
 */
@ApplicationScoped
public class LiveNetwork {
    private static final Logger LOG = Logger.getLogger(LiveNetwork.class);
    private static final List<LiveObjects.Kind> KINDS = List.of(
            new LiveObjects.Kind("", "v1", "Namespace", "namespaces", false),
            new LiveObjects.Kind("", "v1", "Pod", "pods", true),
            new LiveObjects.Kind("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true));

    private final KubernetesClient client;
    private final boolean enabled;
    private final LiveObjects<NetworkModel> objects = new LiveObjects<>(list -> {
        NetworkModel model = NetworkModel.fromObjects(list);
        model.errors().forEach(e -> LOG.warnf("network object not understood: %s", e));
        return model;
    });

    @Inject
    public LiveNetwork(KubernetesClient client,
                       @ConfigProperty(name = "trimtab.network.watch-cluster", defaultValue = "false") boolean enabled) {
        this.client = client;
        this.enabled = enabled && client != null;
    }

    public boolean enabled() {
        return enabled;
    }

    void start(@Observes StartupEvent ignored) {
        if (enabled) {
            objects.start(client, KINDS);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        objects.stop();
    }

    public NetworkModel model() {
        return objects.view();
    }
}

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
import java.util.Map;
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
    /** The objects and their model, built together: the same instance until something changes. */
    public record View(List<Map<String, Object>> objects, NetworkModel model) {}

    private final LiveObjects<View> objects = new LiveObjects<>(list -> {
        NetworkModel model = NetworkModel.fromObjects(list);
        model.errors().forEach(e -> LOG.warnf("network object not understood: %s", e));
        return new View(list, model);
    });

    @Inject
    public LiveNetwork(
            KubernetesClient client,
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
        return objects.view().model();
    }

    public View view() {
        return objects.view();
    }

    /** True once Namespaces, Pods and NetworkPolicies have all been listed. */
    public boolean synced() {
        return objects.synced();
    }

    /** {@code listener} runs on the informer's thread after each change: keep it short. */
    public void onChange(Runnable listener) {
        objects.onChange(listener);
    }
}

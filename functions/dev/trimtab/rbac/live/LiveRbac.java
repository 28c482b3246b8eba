package dev.trimtab.rbac.live;

import dev.trimtab.kube.LiveObjects;
import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.NamespaceLabels;
import dev.trimtab.rbac.core.RbacModel;
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
 * The cluster's RBAC as the RBAC authorizer sees it: Roles, ClusterRoles and their bindings (and
 * Namespaces, for the labels RBAC intents select on),
 * watched when {@code trimtab.rbac.watch-cluster} is true (the policy function; default false,
 * so other functions need no RBAC read access).
 */
@ApplicationScoped
public class LiveRbac {
    private static final Logger LOG = Logger.getLogger(LiveRbac.class);
    private static final String GROUP = "rbac.authorization.k8s.io";
    private static final List<LiveObjects.Kind> KINDS = List.of(
            new LiveObjects.Kind(GROUP, "v1", "ClusterRole", "clusterroles", false),
            new LiveObjects.Kind(GROUP, "v1", "ClusterRoleBinding", "clusterrolebindings", false),
            new LiveObjects.Kind(GROUP, "v1", "Role", "roles", true),
            new LiveObjects.Kind(GROUP, "v1", "RoleBinding", "rolebindings", true),
            new LiveObjects.Kind("", "v1", "Namespace", "namespaces", false));

    /** The objects, their model, its authorizer and the namespaces' labels, built together. */
    public record View(
            List<Map<String, Object>> objects, RbacModel model, Authorizer authorizer, NamespaceLabels namespaces) {}

    private final KubernetesClient client;
    private final boolean enabled;
    private final LiveObjects<View> objects = new LiveObjects<>(list -> {
        RbacModel model = RbacModel.fromObjects(list);
        model.errors().forEach(e -> LOG.warnf("RBAC object not understood: %s", e));
        return new View(list, model, new Authorizer(model), NamespaceLabels.fromObjects(list));
    });

    @Inject
    public LiveRbac(
            KubernetesClient client,
            @ConfigProperty(name = "trimtab.rbac.watch-cluster", defaultValue = "false") boolean enabled) {
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

    /** Everything seen so far, consistent: the same instance until something changes. */
    public View view() {
        return objects.view();
    }

    /** The model of the RBAC objects seen so far. */
    public RbacModel model() {
        return objects.view().model();
    }

    public Authorizer authorizer() {
        return objects.view().authorizer();
    }

    /** True once every watched kind has been listed. */
    public boolean synced() {
        return objects.synced();
    }

    /** {@code listener} runs on the informer's thread after each change: keep it short. */
    public void onChange(Runnable listener) {
        objects.onChange(listener);
    }
}

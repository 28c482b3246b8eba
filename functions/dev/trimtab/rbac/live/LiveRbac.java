package dev.trimtab.rbac.live;

import dev.trimtab.rbac.core.Authorizer;
import dev.trimtab.rbac.core.RbacModel;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The cluster's RBAC as the RBAC authorizer sees it: Roles, ClusterRoles and their bindings,
 * watched when {@code trimtab.rbac.watch-cluster} is true (the policy function; default false,
 * so other functions need no RBAC read access). The model is rebuilt on first read after a change,
 * so an informer's initial listing costs one rebuild, not one per object.
 */
@ApplicationScoped
public class LiveRbac {
    private static final Logger LOG = Logger.getLogger(LiveRbac.class);
    static final String API_VERSION = "rbac.authorization.k8s.io/v1";
    private static final List<String> KINDS = List.of("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding");

    private final KubernetesClient client;
    private final boolean enabled;
    private final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();
    private boolean dirty = true;
    private RbacModel model;
    private Authorizer authorizer;

    @Inject
    public LiveRbac(KubernetesClient client,
                    @ConfigProperty(name = "trimtab.rbac.watch-cluster", defaultValue = "false") boolean enabled) {
        this.client = client;
        this.enabled = enabled && client != null;
    }

    public boolean enabled() {
        return enabled;
    }

    void start(@Observes StartupEvent ignored) {
        if (!enabled) {
            return;
        }
        for (String kind : KINDS) {
            var context = new io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext.Builder()
                    .withGroup("rbac.authorization.k8s.io").withVersion("v1").withKind(kind)
                    .withPlural(kind.toLowerCase(java.util.Locale.ROOT) + "s").withNamespaced(kind.startsWith("Role")).build();
            informers.add(client.genericKubernetesResources(context).inAnyNamespace().inform(new ResourceEventHandler<>() {
                public void onAdd(GenericKubernetesResource obj) {
                    put(kind, obj);
                }

                public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                    put(kind, obj);
                }

                public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                    synchronized (LiveRbac.this) {
                        objects.remove(kind + "/" + obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName());
                        dirty = true;
                    }
                }
            }));
        }
        LOG.infof("watching RBAC: %d objects", objects.size());
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }

    /** Informers' list items may come without apiVersion and kind: the informer's own are set. */
    @SuppressWarnings("unchecked")
    private synchronized void put(String kind, GenericKubernetesResource obj) {
        Map<String, Object> o = dev.trimtab.policy.admission.AdmissionReviews.JSON.convertValue(obj, Map.class);
        o.put("apiVersion", API_VERSION);
        o.put("kind", kind);
        objects.put(kind + "/" + obj.getMetadata().getNamespace() + "/" + obj.getMetadata().getName(), o);
        dirty = true;
    }

    /** The model of the RBAC objects seen so far. */
    public synchronized RbacModel model() {
        if (dirty) {
            model = RbacModel.fromObjects(new ArrayList<>(objects.values()));
            authorizer = new Authorizer(model);
            dirty = false;
            model.errors().forEach(e -> LOG.warnf("RBAC object not understood: %s", e));
        }
        return model;
    }

    public synchronized Authorizer authorizer() {
        model();
        return authorizer;
    }
}

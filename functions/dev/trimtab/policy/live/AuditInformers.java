package dev.trimtab.policy.live;

import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The continuous audit's other source: with {@code trimtab.policy.audit-informers} listing kinds
 * ({@code apiVersion/Kind}, e.g. {@code v1/Pod,apps/v1/Deployment}), informers on the Kubernetes
 * API feed {@link PolicyAudit} the same ApiServerSource-shaped events the cluster-event topic
 * carries, for clusters without an ApiServerSource.
 */
@ApplicationScoped
public class AuditInformers {
    private static final Logger LOG = Logger.getLogger(AuditInformers.class);
    private final KubernetesClient client;
    private final PolicyAudit audit;
    private final List<String> kinds;
    private final List<SharedIndexInformer<GenericKubernetesResource>> informers = new ArrayList<>();

    @Inject
    public AuditInformers(KubernetesClient client, PolicyAudit audit,
                          @ConfigProperty(name = "trimtab.policy.audit-informers") Optional<List<String>> kinds) {
        this.client = client;
        this.audit = audit;
        this.kinds = kinds.orElse(List.of());
    }

    void start(@Observes StartupEvent ignored) {
        for (String k : kinds) {
            int slash = k.lastIndexOf('/');
            if (slash <= 0) {
                LOG.errorf("trimtab.policy.audit-informers: got \"%s\", expected apiVersion/Kind (v1/Pod, apps/v1/Deployment)", k);
                continue;
            }
            informers.add(client.genericKubernetesResources(k.substring(0, slash), k.substring(slash + 1))
                    .inAnyNamespace().inform(handler()));
        }
        if (!informers.isEmpty()) {
            LOG.infof("auditing %s from informers", kinds);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }

    private ResourceEventHandler<GenericKubernetesResource> handler() {
        return new ResourceEventHandler<>() {
            public void onAdd(GenericKubernetesResource obj) {
                audit("dev.knative.apiserver.resource.add", obj);
            }

            public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource obj) {
                audit("dev.knative.apiserver.resource.update", obj);
            }

            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                audit("dev.knative.apiserver.resource.delete", obj);
            }
        };
    }

    private void audit(String type, GenericKubernetesResource obj) {
        try {
            audit.audit(new CloudEvent(obj.getMetadata().getUid() + "/" + obj.getMetadata().getResourceVersion(),
                    "/trimtab/policy/informers", type, null, Instant.now(), "application/json",
                    CloudEventCodec.JSON.valueToTree(obj), Map.of()));
        } catch (RuntimeException e) {
            LOG.warnf("could not audit %s %s/%s: %s", obj.getKind(), obj.getMetadata().getNamespace(),
                    obj.getMetadata().getName(), e.getMessage());
        }
    }
}

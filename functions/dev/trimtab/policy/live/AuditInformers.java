package dev.trimtab.policy.live;

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
        informers.addAll(InformerEvents.start(client, kinds, "/trimtab/policy/informers", e -> audit.audit(e)));
        if (!informers.isEmpty()) {
            LOG.infof("auditing %s from informers", kinds);
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        informers.forEach(SharedIndexInformer::close);
    }
}

package dev.trimtab.policy.live;

import dev.trimtab.kube.InformerEvents;
import dev.trimtab.kube.Watches;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * The continuous audit's view from the Kubernetes API: with {@code trimtab.policy.audit-informers}
 * listing kinds ({@code apiVersion/Kind}, e.g. {@code v1/Pod,apps/v1/Deployment}; k8s-manifests/policy
 * sets it), informers feed {@link PolicyAudit} the same ApiServerSource-shaped events the
 * cluster-event topic carries. Each starts with a full list, so a restarted policy function audits
 * every object whatever the topic's retention (docs/decisions/0021). Started in the background:
 * admission never waits for them. The readiness check {@code audit-view} (not in the admission
 * group) is DOWN until every kind has been listed.
 */
@Readiness
@ApplicationScoped
public class AuditInformers implements HealthCheck {
    private static final Logger LOG = Logger.getLogger(AuditInformers.class);
    private final KubernetesClient client;
    private final PolicyAudit audit;
    private final List<String> kinds;
    private volatile InformerEvents informers;

    @Inject
    public AuditInformers(
            KubernetesClient client,
            PolicyAudit audit,
            @ConfigProperty(name = "trimtab.policy.audit-informers") Optional<List<String>> kinds) {
        this.client = client;
        this.audit = audit;
        this.kinds = kinds.orElse(List.of());
    }

    void start(@Observes StartupEvent ignored) {
        if (!kinds.isEmpty()) {
            informers = InformerEvents.start(
                    client, kinds, "/trimtab/policy/informers", e -> audit.audit(e), "trimtab-audit-informers");
            LOG.infof("auditing %s from informers", kinds);
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
        HealthCheckResponseBuilder b = HealthCheckResponse.named("audit-view");
        InformerEvents i = informers;
        if (i == null) {
            return b.withData("source", kinds.isEmpty() ? "events or off" : "informers (starting)")
                    .status(kinds.isEmpty())
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

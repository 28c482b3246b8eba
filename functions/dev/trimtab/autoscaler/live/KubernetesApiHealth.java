package dev.trimtab.autoscaler.live;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the Kubernetes API answers: without it no decision can be applied. */
@Readiness
@ApplicationScoped
public class KubernetesApiHealth implements HealthCheck {
    private final KubernetesClient client;

    @Inject
    public KubernetesApiHealth(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            var version = client.getKubernetesVersion();
            return HealthCheckResponse.named("kubernetes-api")
                    .up()
                    .withData("server", client.getMasterUrl().toString())
                    .withData("version", version == null ? "unknown" : version.getGitVersion())
                    .build();
        } catch (RuntimeException e) {
            return HealthCheckResponse.named("kubernetes-api")
                    .down()
                    .withData("server", client.getMasterUrl().toString())
                    .withData("error", String.valueOf(e.getMessage()))
                    .build();
        }
    }
}

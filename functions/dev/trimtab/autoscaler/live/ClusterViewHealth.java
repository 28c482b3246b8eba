package dev.trimtab.autoscaler.live;

import dev.trimtab.kafka.RetentionCheck;
import dev.trimtab.kube.Watches;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the autoscaler's view of the cluster. Informers (the default): DOWN until every
 * watched kind has been listed and every listed object folded into the engine ({@code pending} says
 * how many are not yet), so a pod that has just started (or woken from zero in push mode)
 * gets no traffic before it knows every ScalingPolicy and target. Events: UP, with what the topic's
 * retention means for a restart ({@link RetentionCheck}); an expiring topic is a WARN and a gauge,
 * not a reason to take every instance out of service at once (docs/decisions/0021).
 */
@Readiness
@ApplicationScoped
public class ClusterViewHealth implements HealthCheck {
    private final LiveSettings settings;
    private final InformerSource informers;
    private final RetentionCheck retention;

    @Inject
    public ClusterViewHealth(LiveSettings settings, InformerSource informers, RetentionCheck retention) {
        this.settings = settings;
        this.informers = informers;
        this.retention = retention;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("cluster-view")
                .withData("source", settings.clusterState().name());
        return switch (settings.clusterState()) {
            case none -> b.up().build();
            case events -> {
                RetentionCheck.Result r = retention.results().get("cluster-events");
                yield b.withData("retention", r == null ? "not checked" : r.describe())
                        .up()
                        .build();
            }
            case informers -> {
                for (Watches.Status s : informers.statuses()) {
                    b.withData(s.kind(), s.detail());
                }
                // listed objects the informers have not yet handed to the engine: why it is still DOWN
                yield b.withData("pending", informers.pending())
                        .status(informers.synced())
                        .build();
            }
        };
    }
}

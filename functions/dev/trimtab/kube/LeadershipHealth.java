package dev.trimtab.kube;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Leadership in {@code /q/health/live}: whether this replica leads, who holds the lease, when it
 * last changed. Being a follower is healthy; a replica that has stopped contending (which only a
 * shutdown does) is not. With leader election off the replica always leads.
 */
@Liveness
@ApplicationScoped
public class LeadershipHealth implements HealthCheck {
    private final Leadership leadership;

    @Inject
    public LeadershipHealth(Leadership leadership) {
        this.leadership = leadership;
    }

    @Override
    public HealthCheckResponse call() {
        Leadership.Status s = leadership.status();
        boolean up = s.contending() || s.lease().isEmpty();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("leadership")
                .status(up)
                .withData("leader", s.leader())
                .withData("lease", s.lease().isEmpty() ? "none (leader election off: always the leader)" : s.lease())
                .withData("identity", s.identity())
                .withData("holder", s.holder() == null ? "unknown" : s.holder())
                .withData("transitions", s.transitions());
        if (s.lastTransition() != null) {
            b.withData("lastTransition", s.lastTransition().toString());
        }
        return b.build();
    }
}

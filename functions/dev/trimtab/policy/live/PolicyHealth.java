package dev.trimtab.policy.live;

import dev.trimtab.kube.Watches;
import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while the cluster's admission policies are all in force: a webhook pod that has not
 * listed them yet stays out of the Service (the API server then applies the webhook's own
 * failurePolicy), as the API server's policy plugin does not admit before its policies synced.
 * In the {@code admission} group, the webhook pods' readiness probe, which does not depend on
 * Kafka. Data: each watched kind's state ({@code synced}, {@code not synced, N failed attempts},
 * {@code not served by the API server}), the last error of each kind that has one, and how many
 * policies and bindings are in force.
 */
@Readiness
@HealthGroup(AdmissionHealth.GROUP)
@ApplicationScoped
public class PolicyHealth implements HealthCheck {
    static final String NAME = "admission-policies";
    private final LivePolicies policies;

    @Inject
    public PolicyHealth(LivePolicies policies) {
        this.policies = policies;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .status(policies.inForce())
                .withData("policies", policies.size())
                .withData("bindings", policies.bindings());
        if (!policies.watchesCluster()) {
            b.withData("cluster", "not watched (trimtab.policy.watch-cluster=false)");
        }
        for (Watches.Status s : policies.watchStatus()) {
            b.withData(s.kind(), s.describe());
            if (s.lastError() != null) {
                b.withData(s.kind() + ".lastError", s.lastError());
            }
        }
        return b.build();
    }
}

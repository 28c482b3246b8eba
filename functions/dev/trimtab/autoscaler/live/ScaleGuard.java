package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.core.ObjectRef;
import dev.trimtab.autoscaler.core.ScaleDecision;
import dev.trimtab.kube.Kinds;
import dev.trimtab.policy.core.AdmissionRequest;
import dev.trimtab.policy.core.PolicyEngine;
import dev.trimtab.policy.live.LivePolicies;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The policy engine's guardrail on the autoscaler: before a {@code /scale} write, the write is
 * reviewed as the API server would review it ({@code UPDATE} of the target's {@code scale}
 * subresource, an {@code autoscaling/v1 Scale} with the new and the current replicas, by the
 * autoscaler's service account), so a policy such as a replica ceiling stops a decision before it
 * reaches the API, and the decision log names the policy. While the cluster's policies are not yet
 * all listed ({@link LivePolicies#inForce}) no write is made at all ({@link #held}): the decision
 * is logged as held and the next evaluation (an event or the resync) tries again.
 */
@ApplicationScoped
public class ScaleGuard {
    private final LivePolicies policies;
    private final MeterRegistry registry;
    private final String username;

    @Inject
    public ScaleGuard(
            LivePolicies policies,
            MeterRegistry registry,
            @ConfigProperty(
                            name = "trimtab.autoscaler.username",
                            defaultValue = "system:serviceaccount:trimtab:trimtab-autoscaler")
                    String username) {
        this.policies = policies;
        this.registry = registry;
        this.username = username;
    }

    /**
     * Null when the cluster's policies are in force; else why no write may be made yet
     * ({@link LivePolicies#NOT_IN_FORCE}), counted in {@code trimtab_autoscaler_guardrail_held_total}.
     */
    public String held() {
        if (policies.inForce()) {
            return null;
        }
        registry.counter("trimtab_autoscaler_guardrail_held_total").increment();
        return LivePolicies.NOT_IN_FORCE;
    }

    /** Null when the write may go ahead; else the denial, as the API server would word it. */
    public String denial(ScaleDecision d) {
        if (policies.size() == 0) {
            return null;
        }
        PolicyEngine.Verdict v = policies.review(request(d, username));
        if (v.allowed()) {
            return null;
        }
        registry.counter("trimtab_autoscaler_guardrail_denials_total").increment();
        return v.message();
    }

    static AdmissionRequest request(ScaleDecision d, String username) {
        ObjectRef t = d.target();
        String version = t.apiVersion().contains("/")
                ? t.apiVersion().substring(t.apiVersion().indexOf('/') + 1)
                : t.apiVersion();
        return new AdmissionRequest(
                UUID.randomUUID().toString(),
                new AdmissionRequest.Gvk("autoscaling", "v1", "Scale"),
                new AdmissionRequest.Gvr(t.group(), version, Kinds.plural(t.kind())),
                "scale",
                null,
                null,
                null,
                t.name(),
                t.namespace(),
                "UPDATE",
                AdmissionRequest.UserInfo.serviceAccount(username),
                false,
                null,
                scale(t, d.desiredReplicas(), d.currentReplicas()),
                scale(t, d.currentReplicas(), d.currentReplicas()));
    }

    private static Map<String, Object> scale(ObjectRef t, int spec, int status) {
        return Map.of(
                "apiVersion",
                "autoscaling/v1",
                "kind",
                "Scale",
                "metadata",
                Map.of("name", t.name(), "namespace", t.namespace()),
                "spec",
                Map.of("replicas", (long) spec),
                "status",
                Map.of("replicas", (long) status));
    }
}

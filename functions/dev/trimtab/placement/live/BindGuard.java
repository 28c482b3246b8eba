package dev.trimtab.placement.live;

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
 * The policy engine's guardrail on placement: before a bind, the bind is reviewed as the API
 * server reviews it ({@code CREATE} of the pod's {@code binding} subresource, a {@code v1 Binding}
 * whose target is the node, by the placement function's service account), so a policy such as
 * "no tenant pods on the GPU nodes" stops a decision before it reaches the API, and the decision
 * names the policy. While the cluster's policies are not yet all listed ({@link LivePolicies#inForce})
 * no bind or eviction is made at all ({@link #held}); the caller holds it and tries again once in force.
 */
@ApplicationScoped
public class BindGuard {
    private final LivePolicies policies;
    private final MeterRegistry registry;
    private final String username;

    @Inject
    public BindGuard(
            LivePolicies policies,
            MeterRegistry registry,
            @ConfigProperty(
                            name = "trimtab.placement.username",
                            defaultValue = "system:serviceaccount:trimtab:trimtab-placement")
                    String username) {
        this.policies = policies;
        this.registry = registry;
        this.username = username;
    }

    /** Whether the cluster's policies are all in force (nothing counted). */
    public boolean inForce() {
        return policies.inForce();
    }

    /**
     * Null when the cluster's policies are in force; else why the {@code action} (bind, evict) may
     * not be made yet ({@link LivePolicies#NOT_IN_FORCE}), counted in
     * {@code trimtab_placement_guardrail_held_total{action}}.
     */
    public String held(String action) {
        if (policies.inForce()) {
            return null;
        }
        registry.counter("trimtab_placement_guardrail_held_total", "action", action)
                .increment();
        return LivePolicies.NOT_IN_FORCE;
    }

    /** Null when the bind may go ahead; else the denial, as the API server would word it. */
    public String denial(String namespace, String pod, String node) {
        if (policies.size() == 0) {
            return null;
        }
        PolicyEngine.Verdict v = policies.review(request(namespace, pod, node, username));
        if (v.allowed()) {
            return null;
        }
        registry.counter("trimtab_placement_guardrail_denials_total").increment();
        return v.message();
    }

    static AdmissionRequest request(String namespace, String pod, String node, String username) {
        Map<String, Object> binding = Map.of(
                "apiVersion",
                "v1",
                "kind",
                "Binding",
                "metadata",
                Map.of("name", pod, "namespace", namespace),
                "target",
                Map.of("apiVersion", "v1", "kind", "Node", "name", node));
        return new AdmissionRequest(
                UUID.randomUUID().toString(),
                new AdmissionRequest.Gvk("", "v1", "Binding"),
                new AdmissionRequest.Gvr("", "v1", "pods"),
                "binding",
                null,
                null,
                null,
                pod,
                namespace,
                "CREATE",
                AdmissionRequest.UserInfo.serviceAccount(username),
                false,
                null,
                binding,
                null);
    }
}

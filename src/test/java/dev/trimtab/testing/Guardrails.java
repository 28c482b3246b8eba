package dev.trimtab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Policies on Trimtab's own work, one app start for their tests: the guardrail directory (a
 * ValidatingAdmissionPolicy caps {@code /scale} at 3 in namespace shop) and ScalingPolicies refused
 * at admission when another autoscaler owns their target.
 */
public class Guardrails implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "trimtab.policy.directory",
                "src/test/resources/guardrail",
                "trimtab.policy.scaling-policy-owners",
                "true");
    }
}

package dev.trimtab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * The policy function with RBAC and the network watched and both kinds of intents enforced, read
 * from {@code src/test/resources/intents-live} and from the (mock) cluster (one profile, one
 * application start for the intent tests).
 */
public class EnforcedIntents implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "trimtab.rbac.watch-cluster",
                "true",
                "trimtab.rbac.remediation",
                "enforce",
                "trimtab.network.watch-cluster",
                "true",
                "trimtab.network.remediation",
                "enforce",
                "trimtab.rbac.recheck-delay",
                "50ms",
                "trimtab.network.recheck-delay",
                "50ms",
                "trimtab.policy.directory",
                "src/test/resources/intents-live",
                "trimtab.policy.watch-cluster",
                "true");
    }
}

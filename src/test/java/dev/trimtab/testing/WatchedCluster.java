package dev.trimtab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/** The policy function's cluster views on: RBAC and the network watched (one profile, one app start). */
public class WatchedCluster implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("trimtab.rbac.watch-cluster", "true", "trimtab.network.watch-cluster", "true");
    }
}

package dev.trimtab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Authentication and authorization on, as in production (the test default switches them off),
 * with RBAC and the network watched for the query endpoints and small limits that a test can
 * reach (one profile, one application start for the access tests).
 */
public class AuthOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "trimtab.auth.enabled",
                "true",
                "trimtab.auth.admission.allow-plain-http",
                "false",
                "trimtab.rbac.watch-cluster",
                "true",
                "trimtab.network.watch-cluster",
                "true",
                "trimtab.limits.network.matrix-max-pairs",
                "4",
                "trimtab.limits.query.max-body-size",
                "1K",
                "trimtab.limits.push.max-body-size",
                "64K");
    }
}

package dev.trimtab.auth.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How requests are let in (trimtab.auth.*; docs/security.md).
 *
 * @param enabled          false lets every request through (tests, the local run); admission's TLS rule still holds
 * @param pushAudience     the audience a push token must be bound to (TokenReview {@code spec.audiences})
 * @param pushSubjects     the usernames allowed to push ({@code system:serviceaccount:NS:NAME})
 * @param metricsProtected {@code /q/metrics} needs {@code get /metrics}; false leaves it open
 * @param plainHttpAdmission admission reviews accepted over plain HTTP (tests and the local run only)
 * @param cache            how long review answers are kept
 */
public record AuthPolicy(
        boolean enabled,
        String pushAudience,
        Set<String> pushSubjects,
        boolean metricsProtected,
        boolean plainHttpAdmission,
        CacheTtls cache) {
    /**
     * How long answers are reused: a valid token, a rejected one, an allowed and a denied review;
     * at most {@code maxEntries} of each kind. Errors are never kept.
     */
    public record CacheTtls(
            Duration authenticated, Duration unauthenticated, Duration allowed, Duration denied, int maxEntries) {}

    public AuthPolicy {
        pushSubjects = Set.copyOf(pushSubjects);
    }

    /** Every setting that cannot work, each naming its property and value; empty when all can. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (enabled && (pushAudience == null || pushAudience.isBlank())) {
            out.add(
                    "trimtab.auth.push.audience: required when trimtab.auth.enabled=true "
                            + "(the audience the KafkaSource's tokens are bound to, e.g. serving.knative.dev/service/trimtab/trimtab-autoscaler-push)");
        }
        if (enabled && pushSubjects.isEmpty()) {
            out.add("trimtab.auth.push.allowed-subjects: required when trimtab.auth.enabled=true "
                    + "(e.g. system:serviceaccount:trimtab:trimtab-autoscaler-oidc-sources.knative.dev-kafkasource)");
        }
        for (String s : pushSubjects) {
            if (s.isBlank()) {
                out.add("trimtab.auth.push.allowed-subjects: \"" + s + "\" is blank");
            }
        }
        check(out, "trimtab.auth.cache.authenticated-ttl", cache.authenticated());
        check(out, "trimtab.auth.cache.unauthenticated-ttl", cache.unauthenticated());
        check(out, "trimtab.auth.cache.allowed-ttl", cache.allowed());
        check(out, "trimtab.auth.cache.denied-ttl", cache.denied());
        if (cache.maxEntries() < 0) {
            out.add("trimtab.auth.cache.max-entries: " + cache.maxEntries() + ", must be at least 0");
        }
        return out;
    }

    private static void check(List<String> out, String name, Duration ttl) {
        if (ttl.isNegative() || ttl.compareTo(Duration.ofMinutes(5)) > 0) {
            out.add(name + ": " + ttl + ", must be in [0s; 5m] (0s: not cached)");
        }
    }
}

package dev.trimtab.auth.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Decides whether a request may go on, the way a Kubernetes component delegates to its API
 * server (metrics-server, kube-rbac-proxy): the bearer token through a TokenReview, the permission
 * through SubjectAccessReviews. Review answers are cached briefly ({@link AuthPolicy.CacheTtls}),
 * tokens only as their SHA-256; a review that cannot be made refuses the request (503), never
 * allows it. The clock is the caller's ({@code now}).
 */
public final class AccessGate {
    private record TokenKey(String tokenHash, List<String> audiences) {}

    private record AccessKey(UserInfo user, Permission permission) {}

    private final AuthPolicy policy;
    private final TokenReviewer tokens;
    private final AccessReviewer access;
    private final ReviewCache<TokenKey, Authentication> tokenCache;
    private final ReviewCache<AccessKey, Authorization> accessCache;

    public AccessGate(AuthPolicy policy, TokenReviewer tokens, AccessReviewer access) {
        this.policy = policy;
        this.tokens = tokens;
        this.access = access;
        this.tokenCache = new ReviewCache<>(policy.cache().maxEntries());
        this.accessCache = new ReviewCache<>(policy.cache().maxEntries());
    }

    /** {@link #decide(Route, String, boolean, UserInfo, Instant)} without a client certificate. */
    public Decision decide(Route route, String authorization, boolean tls, Instant now) {
        return decide(route, authorization, tls, null, now);
    }

    /**
     * @param authorization   the {@code Authorization} header, null when absent
     * @param tls             whether the request came over TLS
     * @param certificateUser the user of a client certificate the TLS layer verified against the
     *                        client CA (CN the username, O the groups, as the API server's x509
     *                        authenticator reads them), null when there is none or they are not
     *                        accepted. It authenticates before a token, as in the API server, on
     *                        every surface but push (which wants its audience-bound token).
     */
    public Decision decide(Route route, String authorization, boolean tls, UserInfo certificateUser, Instant now) {
        if (route.surface() == Surface.Admission) {
            return tls || policy.plainHttpAdmission()
                    ? Decision.open()
                    : Decision.tlsRequired(
                            "admission reviews are accepted over TLS only (the API server calls webhooks over https); "
                                    + "this request came over plain HTTP. Only tests and the local run may allow it "
                                    + "(trimtab.auth.admission.allow-plain-http=true)");
        }
        if (route.surface() == Surface.Health) {
            return Decision.open();
        }
        if (!policy.enabled()) {
            return Decision.authDisabled();
        }
        boolean push = route.surface() == Surface.Push;
        if (certificateUser != null && !push) {
            return authorized(route, certificateUser, now);
        }
        String token = bearer(authorization);
        if (token == null) {
            return Decision.noToken(
                    authorization == null
                            ? "no bearer token: send \"Authorization: Bearer <token>\" (" + tokenHint(push) + ")"
                            : "the Authorization header is not \"Bearer <token>\" (" + tokenHint(push) + ")");
        }
        List<String> audiences = push ? List.of(policy.pushAudience()) : List.of();
        Authentication who;
        try {
            who = authenticate(token, audiences, now);
        } catch (ReviewUnavailable e) {
            return Decision.unavailable("cannot check the bearer token (TokenReview): " + e.getMessage()
                    + "; the request is refused, retry later");
        }
        if (!who.authenticated()) {
            return Decision.invalidToken("the Kubernetes API did not accept the bearer token"
                    + (push ? " for audience \"" + policy.pushAudience() + "\"" : "")
                    + (who.error().isEmpty() ? "" : ": " + who.error()));
        }
        if (push && !who.audiences().contains(policy.pushAudience())) {
            return Decision.invalidToken("the bearer token is not bound to audience \"" + policy.pushAudience()
                    + "\" (it is valid for " + who.audiences() + ")");
        }
        UserInfo user = who.user();
        if (push) {
            return policy.pushSubjects().contains(user.username())
                    ? Decision.allowed(user)
                    : Decision.forbidden(
                            user,
                            "user " + user.describe() + " may not push events to the autoscaler: only "
                                    + String.join(", ", new TreeSet<>(policy.pushSubjects()))
                                    + " may (trimtab.auth.push.allowed-subjects)");
        }
        return authorized(route, user, now);
    }

    private Decision authorized(Route route, UserInfo user, Instant now) {
        for (Permission p : route.permissions()) {
            Authorization a;
            try {
                a = authorize(user, p, now);
            } catch (ReviewUnavailable e) {
                return Decision.unavailable("cannot check whether " + user.describe() + " may " + p.describe()
                        + " (SubjectAccessReview): " + e.getMessage() + "; the request is refused, retry later");
            }
            if (!a.allowed()) {
                return Decision.forbidden(
                        user,
                        "user " + user.describe() + " may not " + p.describe()
                                + (a.reason().isEmpty() ? "" : ": " + a.reason())
                                + (a.evaluationError().isEmpty()
                                        ? ""
                                        : " (evaluation error: " + a.evaluationError() + ")")
                                + (route.role().isEmpty() ? "" : "; ClusterRole " + route.role() + " grants it")
                                + " (check: " + p.kubectlCanI(user.username()) + ")");
            }
        }
        return Decision.allowed(user);
    }

    private Authentication authenticate(String token, List<String> audiences, Instant now) throws ReviewUnavailable {
        TokenKey key = new TokenKey(sha256(token), audiences);
        Authentication cached = tokenCache.get(key, now);
        if (cached != null) {
            return cached;
        }
        Authentication fresh = tokens.review(token, audiences);
        tokenCache.put(
                key,
                fresh,
                now,
                now.plus(
                        fresh.authenticated()
                                ? policy.cache().authenticated()
                                : policy.cache().unauthenticated()));
        return fresh;
    }

    private Authorization authorize(UserInfo user, Permission p, Instant now) throws ReviewUnavailable {
        AccessKey key = new AccessKey(user, p);
        Authorization cached = accessCache.get(key, now);
        if (cached != null) {
            return cached;
        }
        Authorization fresh = access.review(user, p);
        accessCache.put(
                key,
                fresh,
                now,
                now.plus(
                        fresh.allowed()
                                ? policy.cache().allowed()
                                : policy.cache().denied()));
        return fresh;
    }

    private String tokenHint(boolean push) {
        return push
                ? "a token bound to audience \"" + policy.pushAudience()
                        + "\", as Knative Eventing's OIDC sender identity sends"
                : "a Kubernetes ServiceAccount token, e.g. from kubectl create token NAME";
    }

    /** The token of {@code Bearer <token>} (scheme case-insensitive, RFC 6750's b64token), or null. */
    static String bearer(String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        if (h.length() < 8 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        String token = h.substring(7).strip();
        if (token.isEmpty() || !token.matches("[A-Za-z0-9\\-._~+/]+=*")) {
            return null;
        }
        return token;
    }

    static String sha256(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}

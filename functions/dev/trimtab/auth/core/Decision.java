package dev.trimtab.auth.core;

/**
 * Whether a request goes on, and if not the HTTP answer: a status, a message for the caller
 * naming what is missing, and whether to challenge with {@code WWW-Authenticate: Bearer}. Built
 * by the named factories; {@link #reason} is a stable code for logs and metrics.
 */
public record Decision(Reason reason, UserInfo user, String message) {
    public enum Reason {
        /** Allowed after TokenReview (and SubjectAccessReview where the route needs one). */
        Allowed(200),
        /** A surface without credentials (health, TLS-served admission). */
        Open(200),
        /** trimtab.auth.enabled=false: everything passes (a loud warning at start). */
        AuthDisabled(200),
        /** No {@code Authorization: Bearer} header. */
        NoToken(401),
        /** The API server does not accept the token (for the audience asked). */
        InvalidToken(401),
        /** Authenticated, but not as an identity allowed here, or the SubjectAccessReview said no. */
        Forbidden(403),
        /** Admission over plain HTTP. */
        TlsRequired(403),
        /** The review could not be made: refused, never allowed (fail closed). */
        ReviewUnavailable(503);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    public static Decision allowed(UserInfo user) {
        return new Decision(Reason.Allowed, user, "");
    }

    public static Decision open() {
        return new Decision(Reason.Open, null, "");
    }

    public static Decision authDisabled() {
        return new Decision(Reason.AuthDisabled, null, "");
    }

    public static Decision noToken(String message) {
        return new Decision(Reason.NoToken, null, message);
    }

    public static Decision invalidToken(String message) {
        return new Decision(Reason.InvalidToken, null, message);
    }

    public static Decision forbidden(UserInfo user, String message) {
        return new Decision(Reason.Forbidden, user, message);
    }

    public static Decision tlsRequired(String message) {
        return new Decision(Reason.TlsRequired, null, message);
    }

    public static Decision unavailable(String message) {
        return new Decision(Reason.ReviewUnavailable, null, message);
    }

    public boolean passes() {
        return reason.status() == 200;
    }

    public int status() {
        return reason.status();
    }

    /** A 401 challenges the client as RFC 6750 says, so it knows a bearer token is wanted. */
    public boolean challenge() {
        return reason.status() == 401;
    }
}

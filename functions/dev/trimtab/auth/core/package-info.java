/**
 * Who may call Trimtab's HTTP surfaces, decided the way Kubernetes components delegate to their
 * API server (metrics-server, kube-rbac-proxy, the aggregated API servers): plain Java, no HTTP
 * framework, no Kubernetes client; the adapter in {@code dev.trimtab.auth.live} does the I/O.
 *
 * <h2>Flow</h2>
 * {@link dev.trimtab.auth.core.Routes} maps method, path and query to a
 * {@link dev.trimtab.auth.core.Route} (a {@link dev.trimtab.auth.core.Surface} and the
 * {@link dev.trimtab.auth.core.Permission}s it needs); {@link dev.trimtab.auth.core.AccessGate}
 * turns the route, the {@code Authorization} header, the TLS flag and {@code now} into a
 * {@link dev.trimtab.auth.core.Decision} through two ports, {@link dev.trimtab.auth.core.TokenReviewer}
 * (TokenReview) and {@link dev.trimtab.auth.core.AccessReviewer} (SubjectAccessReview).
 *
 * <h2>Answers</h2>
 * <ul>
 *   <li>No or malformed bearer token, or a token the API server does not accept (for the push
 *       audience): 401 with {@code WWW-Authenticate: Bearer}.</li>
 *   <li>Authenticated but not allowed: 403 naming the user, the permission (as
 *       {@code kubectl auth can-i} would ask it) and the ClusterRole that grants it.</li>
 *   <li>A review that cannot be made: 503; nothing is ever allowed on an error (fail closed), and
 *       errors are not cached.</li>
 *   <li>Admission over plain HTTP: 403 unless explicitly allowed (tests, the local run).</li>
 * </ul>
 *
 * <h2>Cache</h2>
 * Answers are kept in {@link dev.trimtab.auth.core.ReviewCache}s (LRU, bounded), keyed by the
 * SHA-256 of the token and the audiences asked, or by user and permission. Default TTLs are those
 * of k8s.io/apiserver's delegated authentication and authorization (10 s), shorter for negative
 * answers (5 s) — the API server's own webhook caches keep 2 min / 5 min / 30 s. A revoked token or
 * binding is therefore honoured within 10 s.
 *
 * <h2>Deviations</h2>
 * The push surface checks identity only (an audience-bound token of one of the configured
 * usernames), not a SubjectAccessReview: an RBAC grant can be widened by anyone who may write
 * RBAC, the configured identity cannot. See docs/decisions/0015.
 */
package dev.trimtab.auth.core;

package dev.trimtab.auth.core;

/**
 * The kinds of HTTP surface Trimtab serves, each with its own way in (docs/security.md).
 */
public enum Surface {
    /** {@code /q/health/*}: kubelet probes, no credentials. */
    Health,
    /** {@code /admission/*}: called by the API server over TLS, without a bearer token. */
    Admission,
    /** {@code POST /}: the KafkaSource's events; only its audience-bound identity. */
    Push,
    /** {@code /rbac/*} and {@code /network/*}: SubjectAccessReview on {@code query.trimtab.dev}. */
    Query,
    /** {@code /placement/extender/*}: the scheduler; SubjectAccessReview on {@code query.trimtab.dev}. */
    Extender,
    /**
     * {@code POST /api/v1/write} and the other metric receivers: SubjectAccessReview {@code create
     * metrics/<receiver>} on {@code query.trimtab.dev}, cluster-wide.
     */
    Ingest,
    /** {@code /q/metrics}: SubjectAccessReview {@code get} on the non-resource URL {@code /metrics} (when protected). */
    Metrics,
    /** Anything else: SubjectAccessReview on its own non-resource URL, as the API server does. */
    Other
}

package dev.trimtab.auth.live;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The pools that keep one kind of request from delaying another: admission reviews never wait
 * behind a query, scheduler extender calls never wait behind an RBAC or network question.
 */
@ApplicationScoped
public class Pools {
    private final BoundedPool queries;
    private final BoundedPool extender;
    private final BoundedPool admission;

    @Inject
    public Pools(LimitSettings limits) {
        LimitSettings.Pool q = limits.query();
        LimitSettings.Pool x = limits.extender();
        LimitSettings.Admission a = limits.admission();
        this.queries = new BoundedPool(
                "query",
                q.concurrency(),
                q.queue(),
                q.timeout(),
                BoundedPool.tooManyRequests("trimtab.limits.query.concurrency/queue", q.concurrency(), q.queue()));
        this.extender = new BoundedPool(
                "extender",
                x.concurrency(),
                x.queue(),
                x.timeout(),
                BoundedPool.tooManyRequests("trimtab.limits.extender.concurrency/queue", x.concurrency(), x.queue()));
        this.admission = new BoundedPool(
                "admission",
                a.threads(),
                a.queue(),
                a.timeout(),
                () -> Response.status(503)
                        .type(MediaType.TEXT_PLAIN)
                        .entity("too many admission reviews waiting: " + a.threads() + " running and " + a.queue()
                                + " waiting (trimtab.limits.admission.threads/queue)")
                        .build());
    }

    /** RBAC and network questions. */
    public BoundedPool queries() {
        return queries;
    }

    /** The scheduler extender's filter and prioritize calls. */
    public BoundedPool extender() {
        return extender;
    }

    /** Admission reviews: their own threads, and 503 past {@code trimtab.limits.admission.timeout}. */
    public BoundedPool admission() {
        return admission;
    }

    @PreDestroy
    void close() {
        queries.close();
        extender.close();
        admission.close();
    }
}

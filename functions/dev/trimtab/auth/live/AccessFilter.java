package dev.trimtab.auth.live;

import dev.trimtab.auth.core.AccessGate;
import dev.trimtab.auth.core.AuthPolicy;
import dev.trimtab.auth.core.Decision;
import dev.trimtab.auth.core.Limits;
import dev.trimtab.auth.core.ReviewUnavailable;
import dev.trimtab.auth.core.Route;
import dev.trimtab.auth.core.Routes;
import dev.trimtab.auth.core.Surface;
import dev.trimtab.auth.core.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.jboss.logging.Logger;

/**
 * Every HTTP request passes here before any endpoint (a Vert.x route filter, so {@code /q/metrics}
 * too): the body size against its surface's limit (413), then {@link AccessGate}'s decision —
 * 401 with {@code WWW-Authenticate: Bearer}, 403, or 503 when the API server cannot be asked.
 * Reviews run on their own few threads, never on the event loop; health and TLS-served admission
 * need none. An allowed request carries its {@link dev.trimtab.auth.core.UserInfo} as
 * {@value #USER}.
 */
@ApplicationScoped
public class AccessFilter {
    public static final String USER = "trimtab.user";
    private static final Logger LOG = Logger.getLogger(AccessFilter.class);

    private final AuthSettings settings;
    private final Routes routes;
    private final Limits limits;
    private final AccessGate gate;
    private final ThreadPoolExecutor reviews;
    private final KubernetesReviews kubernetes;
    private final Clock clock;
    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private volatile boolean reviewsFailing;

    @Inject
    public AccessFilter(
            AuthSettings settings, LimitSettings limitSettings, KubernetesClient client, MeterRegistry registry) {
        this.settings = settings;
        this.registry = registry;
        this.clock = Clock.systemUTC();
        AuthPolicy policy = policy(settings);
        this.limits = limits(limitSettings);
        List<String> problems = new ArrayList<>(policy.problems());
        problems.addAll(limits.problems());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid settings: " + String.join("; ", problems));
        }
        this.routes = new Routes(settings.metrics().isProtected());
        this.kubernetes =
                settings.enabled() && client != null ? new KubernetesReviews(client, settings.reviewTimeout()) : null;
        this.gate = kubernetes == null
                ? new AccessGate(
                        policy,
                        (t, a) -> {
                            throw new ReviewUnavailable("no Kubernetes client", null);
                        },
                        (u, p) -> {
                            throw new ReviewUnavailable("no Kubernetes client", null);
                        })
                : new AccessGate(policy, kubernetes, kubernetes);
        AtomicInteger n = new AtomicInteger();
        this.reviews = new ThreadPoolExecutor(
                settings.reviewThreads(),
                settings.reviewThreads(),
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024),
                r -> {
                    Thread t = new Thread(r, "auth-review-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.reviews.allowCoreThreadTimeOut(true);
    }

    static AuthPolicy policy(AuthSettings s) {
        return new AuthPolicy(
                s.enabled(),
                s.push().audience(),
                s.push().allowedSubjects(),
                s.metrics().isProtected(),
                s.admission().allowPlainHttp(),
                new AuthPolicy.CacheTtls(
                        s.cache().authenticatedTtl(),
                        s.cache().unauthenticatedTtl(),
                        s.cache().allowedTtl(),
                        s.cache().deniedTtl(),
                        s.cache().maxEntries()));
    }

    static Limits limits(LimitSettings l) {
        return new Limits(
                l.query().maxBodySize().asLongValue(),
                l.extender().maxBodySize().asLongValue(),
                l.push().maxBodySize().asLongValue(),
                l.ingest().maxBodySize().asLongValue(),
                l.network().matrixMaxPairs(),
                l.query().timeout(),
                l.query().concurrency(),
                l.query().queue());
    }

    /** The limits in force, for the endpoints that check their own (bodies sent without Content-Length, the matrix). */
    public Limits limits() {
        return limits;
    }

    void register(@Observes Filters filters) {
        if (!settings.enabled()) {
            LOG.warn("AUTHENTICATION IS OFF (trimtab.auth.enabled=false): anyone who reaches this service can push "
                    + "events that scale workloads and read RBAC and network answers. Never run so in a cluster.");
        }
        if (settings.admission().allowPlainHttp()) {
            LOG.warn("admission reviews are accepted over plain HTTP (trimtab.auth.admission.allow-plain-http=true): "
                    + "tests and the local run only");
        }
        if (settings.enabled() && settings.clientCertificates().enabled()) {
            LOG.info("x509 client certificates verified by quarkus.http.ssl's trust store authenticate as their CN "
                    + "(trimtab.auth.client-certificates.enabled=true): trust only the cluster's client CA there");
        }
        if (settings.enabled() && !settings.metrics().isProtected()) {
            LOG.warn("/q/metrics is open to anyone (trimtab.auth.metrics.protected=false)");
        }
        filters.register(this::handle, 1000);
    }

    private void handle(RoutingContext ctx) {
        Route route;
        try {
            route = routes.route(ctx.request().method().name(), ctx.normalizedPath(), query(ctx));
        } catch (RuntimeException e) {
            end(ctx, 400, "cannot read the request line: " + e.getMessage(), false);
            return;
        }
        String length = ctx.request().getHeader("Content-Length");
        if (length != null) {
            String tooLarge;
            try {
                tooLarge = limits.bodyTooLarge(route.surface(), Long.parseLong(length.strip()));
            } catch (NumberFormatException e) {
                end(ctx, 400, "Content-Length: \"" + length + "\" is not a number", false);
                return;
            }
            if (tooLarge != null) {
                end(ctx, 413, tooLarge, false);
                return;
            }
        }
        String authorization = ctx.request().getHeader("Authorization");
        boolean tls = ctx.request().isSSL();
        UserInfo certificateUser =
                tls && settings.enabled() && settings.clientCertificates().enabled() ? certificateUser(ctx) : null;
        if (!settings.enabled() || route.surface() == Surface.Health || route.surface() == Surface.Admission) {
            finish(ctx, route, gate.decide(route, authorization, tls, clock.instant()));
            return;
        }
        Context current = Vertx.currentContext();
        Context context = current != null ? current : ctx.vertx().getOrCreateContext();
        try {
            reviews.execute(() -> {
                Decision d;
                try {
                    d = gate.decide(route, authorization, tls, certificateUser, clock.instant());
                } catch (RuntimeException e) {
                    d = Decision.unavailable(
                            "cannot check the request: " + e + "; the request is refused, retry later");
                }
                Decision decided = d;
                context.runOnContext(v -> finish(ctx, route, decided));
            });
        } catch (RejectedExecutionException e) {
            end(ctx, 503, "too many requests waiting for a token review; retry later", false);
        }
    }

    private void finish(RoutingContext ctx, Route route, Decision d) {
        count(route.surface(), d.reason());
        if (d.reason() == Decision.Reason.ReviewUnavailable) {
            if (!reviewsFailing) {
                reviewsFailing = true;
                LOG.warnf("reviews failing, requests refused with 503: %s", d.message());
            }
        } else if (reviewsFailing && d.reason() != Decision.Reason.Open && d.reason() != Decision.Reason.AuthDisabled) {
            reviewsFailing = false;
            LOG.info("reviews answered again");
        }
        if (d.passes()) {
            if (d.user() != null) {
                ctx.put(USER, d.user());
            }
            ctx.next();
            return;
        }
        LOG.debugf(
                "%s %s refused: %d %s %s",
                ctx.request().method(), ctx.normalizedPath(), d.status(), d.reason(), d.message());
        end(ctx, d.status(), d.message(), d.challenge());
    }

    private static void end(RoutingContext ctx, int status, String message, boolean challenge) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8");
        if (challenge) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"trimtab\"");
        }
        ctx.response().end(message + "\n");
    }

    /**
     * The user of the client certificate the TLS layer verified, read as the API server's x509
     * authenticator reads it: the (last) CN is the username, each O a group, and every such user
     * is in {@code system:authenticated}. Null without a certificate or without a CN.
     */
    static UserInfo certificateUser(RoutingContext ctx) {
        SSLSession session = ctx.request().sslSession();
        if (session == null) {
            return null;
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
        if (chain.length == 0 || !(chain[0] instanceof X509Certificate cert)) {
            return null;
        }
        return subjectUser(cert.getSubjectX500Principal().getName(X500Principal.RFC2253));
    }

    static UserInfo subjectUser(String rfc2253) {
        String cn = null;
        List<String> groups = new ArrayList<>();
        try {
            for (Rdn rdn : new LdapName(rfc2253).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = String.valueOf(rdn.getValue());
                } else if (rdn.getType().equalsIgnoreCase("O")) {
                    groups.add(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        if (cn == null || cn.isEmpty()) {
            return null;
        }
        groups.add("system:authenticated");
        return new UserInfo(cn, "", groups, Map.of());
    }

    private static Map<String, List<String>> query(RoutingContext ctx) {
        Map<String, List<String>> out = new HashMap<>();
        ctx.queryParams().names().forEach(n -> out.put(n, ctx.queryParams().getAll(n)));
        return out;
    }

    private void count(Surface surface, Decision.Reason reason) {
        counters.computeIfAbsent(
                        surface + "/" + reason,
                        k -> Counter.builder("trimtab_auth_decisions_total")
                                .description("HTTP requests by surface and access decision")
                                .tag("surface", surface.name())
                                .tag("reason", reason.name())
                                .register(registry))
                .increment();
    }

    @PreDestroy
    void close() {
        reviews.shutdownNow();
        if (kubernetes != null) {
            kubernetes.close();
        }
    }
}

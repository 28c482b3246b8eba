package dev.trimtab.policy.live;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The cluster's admission policy kinds, watched off the main thread. Each kind's informer is
 * started on a background thread; a start that fails (the API server unreachable, RBAC, a
 * timeout) is retried with {@link Backoff} until it succeeds, and {@link #statuses} tells which
 * kinds are in force and the last error. Once started, fabric8's informer re-lists and re-watches
 * by itself. A kind the API server does not serve (404: MutatingAdmissionPolicy is beta) has no
 * objects to enforce and counts as in force, while its start is still retried in case it is
 * enabled later. No discovery call: the plurals are known.
 */
final class PolicyWatches implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PolicyWatches.class);

    enum State { Waiting, Synced, NotServed }

    /** One kind's state for the readiness check: {@code attempts} failed starts so far, the last one's error. */
    record Status(String kind, State state, int attempts, String lastError) {
        boolean inForce() {
            return state != State.Waiting;
        }

        String describe() {
            return switch (state) {
                case Synced -> "synced";
                case NotServed -> "not served by the API server";
                case Waiting -> attempts == 0 ? "starting" : "not synced, " + attempts + " failed attempt" + (attempts == 1 ? "" : "s");
            };
        }
    }

    private final KubernetesClient client;
    private final Duration initial;
    private final Duration max;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trimtab-policy-watches");
        t.setDaemon(true);
        return t;
    });
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    PolicyWatches(KubernetesClient client, Duration initial, Duration max) {
        new Backoff(initial, max, new Random()); // checks the settings now, not on the first failure
        this.client = client;
        this.initial = initial;
        this.max = max;
    }

    /**
     * Watches a cluster-scoped kind: {@code synced} gets every object once the first list
     * succeeded, {@code events} each change after that (and possibly some already listed).
     */
    void watch(String apiVersion, String kind, String plural, ResourceEventHandler<GenericKubernetesResource> events,
               Consumer<List<GenericKubernetesResource>> synced) {
        String[] gv = apiVersion.split("/", 2);
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder().withGroup(gv[0]).withVersion(gv[1])
                .withKind(kind).withPlural(plural).withNamespaced(false).build();
        Watch w = new Watch(kind, context, events, synced, new Backoff(initial, max, new Random()));
        watches.add(w);
        scheduler.execute(w::start);
    }

    /** Each watched kind's state, in the order they were asked for. */
    List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        for (Watch w : watches) {
            out.add(new Status(w.kind, w.state, w.attempts, w.lastError));
        }
        return out;
    }

    /** Whether every watched kind is synced (or not served): only then are the cluster's policies all in force. */
    boolean inForce() {
        return watches.stream().allMatch(w -> w.state != State.Waiting);
    }

    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        for (Watch w : watches) {
            SharedIndexInformer<GenericKubernetesResource> i = w.informer;
            if (i != null) {
                i.close();
            }
        }
    }

    private final class Watch {
        final String kind;
        final ResourceDefinitionContext context;
        final ResourceEventHandler<GenericKubernetesResource> events;
        final Consumer<List<GenericKubernetesResource>> synced;
        final Backoff backoff;
        volatile State state = State.Waiting;
        volatile int attempts;
        volatile String lastError;
        volatile SharedIndexInformer<GenericKubernetesResource> informer;

        Watch(String kind, ResourceDefinitionContext context, ResourceEventHandler<GenericKubernetesResource> events,
              Consumer<List<GenericKubernetesResource>> synced, Backoff backoff) {
            this.kind = kind;
            this.context = context;
            this.events = events;
            this.synced = synced;
            this.backoff = backoff;
        }

        void start() {
            if (closed) {
                return;
            }
            try {
                SharedIndexInformer<GenericKubernetesResource> i = client.genericKubernetesResources(context)
                        .runnableInformer(0);
                i.addEventHandler(events);
                informer = i;
                // on our thread, not the HTTP client's event loop: reading the objects compiles their CEL
                i.start().whenCompleteAsync((ok, error) -> {
                    if (error == null) {
                        started(i);
                    } else {
                        failed(i, error);
                    }
                }, scheduler);
            } catch (RuntimeException e) {
                failed(informer, e);
            }
        }

        private void started(SharedIndexInformer<GenericKubernetesResource> i) {
            if (closed) {
                i.close();
                return;
            }
            synced.accept(i.getStore().list());
            if (state != State.Synced) {
                LOG.infof("cluster %s objects in force (%d), after %d failed attempt(s)", kind, i.getStore().list().size(),
                        attempts);
            }
            state = State.Synced;
            lastError = null;
            backoff.reset();
        }

        private void failed(SharedIndexInformer<GenericKubernetesResource> i, Throwable error) {
            if (i != null) {
                i.close();
            }
            if (closed) {
                return;
            }
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            attempts++;
            lastError = String.valueOf(cause.getMessage());
            State was = state;
            if (cause instanceof KubernetesClientException k && k.getCode() == 404) {
                state = State.NotServed;
            }
            long delay = backoff.next();
            // logged when it starts failing or stops being served; each retry only at DEBUG
            LOG.logf(attempts == 1 || was != state ? Logger.Level.WARN : Logger.Level.DEBUG,
                    "cannot list cluster %s (attempt %d): %s; retrying in %d ms", kind, attempts, lastError, delay);
            try {
                scheduler.schedule(this::start, delay, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // closed meanwhile
            }
        }
    }
}

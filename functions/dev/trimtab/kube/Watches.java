package dev.trimtab.kube;

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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Kinds of the cluster watched off the main thread, so that nothing blocks start-up on the API
 * server (the cluster's admission policies, the RBAC and network views, intents). Each kind's informer is
 * started on a background thread; a start that fails (the API server unreachable, RBAC, a
 * timeout) is retried with {@link Backoff} until it succeeds, and {@link #statuses} tells which
 * kinds are in force and the last error. Once started, fabric8's informer re-lists and re-watches
 * by itself. A kind the API server does not serve (404: MutatingAdmissionPolicy is beta) has no
 * objects to enforce and counts as in force, while its start is still retried in case it is
 * enabled later. No discovery call: the plurals are known.
 */
public final class Watches implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Watches.class);

    public enum State {
        Waiting,
        Synced,
        NotServed
    }

    /** client-go's reflector backoff: 800 ms doubling to 30 s. */
    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(800);

    public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);

    /**
     * One kind's state for the readiness check: {@code attempts} failed starts so far, the last one's
     * error, and {@code pending} objects of its first list the event handler has not handled yet.
     */
    public record Status(String kind, State state, int attempts, String lastError, int pending) {
        /** Listed (or not served): the first list is in the informer's store. */
        public boolean inForce() {
            return state != State.Waiting;
        }

        /** As {@link #describe}, and how many listed objects the handler has still to handle, when any. */
        public String describeFolds() {
            return describe()
                    + (pending == 0
                            ? ""
                            : ", " + pending + " listed object" + (pending == 1 ? "" : "s") + " still to fold");
        }

        /** {@link #describeFolds}, and the last error when there is one: a readiness check's line for the kind. */
        public String detail() {
            return describeFolds() + (lastError == null ? "" : ": " + lastError);
        }

        /** Listed, and every object of the first list handled by the event handler ({@link ListedFolds}). */
        public boolean folded() {
            return inForce() && pending == 0;
        }

        /** The state in words; see {@link #describeFolds} for what the handler has still to do. */
        public String describe() {
            return switch (state) {
                case Synced -> "synced";
                case NotServed -> "not served by the API server";
                case Waiting ->
                    attempts == 0
                            ? "starting"
                            : "not synced, " + attempts + " failed attempt" + (attempts == 1 ? "" : "s");
            };
        }
    }

    private final KubernetesClient client;
    private final Duration initial;
    private final Duration max;
    private final ScheduledExecutorService scheduler;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Watches whose failed starts are retried from {@code initial}, doubling up to {@code max}, with jitter. */
    public Watches(KubernetesClient client, Duration initial, Duration max, String threadName) {
        new Backoff(initial, max, new Random()); // checks the settings now, not on the first failure
        this.client = client;
        this.initial = initial;
        this.max = max;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Watches a cluster-scoped kind: {@code synced} gets every object once the first list
     * succeeded (or an empty list once the kind is known not to be served), {@code events} each
     * change after that (and possibly some already listed).
     */
    public void watch(
            String apiVersion,
            String kind,
            String plural,
            ResourceEventHandler<GenericKubernetesResource> events,
            Consumer<List<GenericKubernetesResource>> synced) {
        String[] gv = apiVersion.split("/", 2);
        watch(
                new ResourceDefinitionContext.Builder()
                        .withGroup(gv[0])
                        .withVersion(gv[1])
                        .withKind(kind)
                        .withPlural(plural)
                        .withNamespaced(false)
                        .build(),
                events,
                synced);
    }

    /** Watches {@code context}'s kind, in every namespace when it is namespaced; as {@link #watch(String, String, String, ResourceEventHandler, Consumer)}. */
    public void watch(
            ResourceDefinitionContext context,
            ResourceEventHandler<GenericKubernetesResource> events,
            Consumer<List<GenericKubernetesResource>> synced) {
        watch(context, events, synced, () -> {});
    }

    /**
     * As {@link #watch(ResourceDefinitionContext, ResourceEventHandler, Consumer)}, and {@code folded}
     * runs once, when {@code events} has handled every object of the first list (at once for a kind
     * not served): on the informer's thread or this one; keep it short.
     */
    public void watch(
            ResourceDefinitionContext context,
            ResourceEventHandler<GenericKubernetesResource> events,
            Consumer<List<GenericKubernetesResource>> synced,
            Runnable folded) {
        Watch w =
                new Watch(context.getKind(), context, events, synced, folded, new Backoff(initial, max, new Random()));
        watches.add(w);
        scheduler.execute(w::start);
    }

    /** Each watched kind's state, in the order they were asked for. */
    public List<Status> statuses() {
        List<Status> out = new ArrayList<>();
        for (Watch w : watches) {
            out.add(new Status(w.kind, w.state, w.attempts, w.lastError, w.folds.pending()));
        }
        return out;
    }

    /** Whether every watched kind is synced (or not served): only then are the cluster's policies all in force. */
    public boolean inForce() {
        return !watches.isEmpty() && watches.stream().allMatch(w -> w.state != State.Waiting);
    }

    /**
     * Whether every watched kind is listed (or not served) and the event handler has handled every
     * object of its first list: only then does what the handler builds hold the listed objects.
     * {@link #inForce} alone may be true while the informer's ADDs are still on their way to the handler.
     */
    public boolean folded() {
        return !watches.isEmpty() && watches.stream().allMatch(w -> w.state != State.Waiting && w.folds.complete());
    }

    /** How many objects of the kinds' first lists the event handler has still to handle. */
    public int pending() {
        return watches.stream().mapToInt(w -> w.folds.pending()).sum();
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

    /** An object's identity for {@link ListedFolds}: its uid, or namespace/name when it has none. */
    static String key(GenericKubernetesResource o) {
        var m = o.getMetadata();
        if (m == null) {
            return "";
        }
        return m.getUid() != null ? m.getUid() : m.getNamespace() + "/" + m.getName();
    }

    /** The handler, then the object counted as handled (also when the handler threw: it was processed). */
    static ResourceEventHandler<GenericKubernetesResource> counted(
            ResourceEventHandler<GenericKubernetesResource> events, ListedFolds f) {
        return new ResourceEventHandler<>() {
            @Override
            public void onNothing() {
                events.onNothing();
            }

            @Override
            public void onAdd(GenericKubernetesResource obj) {
                try {
                    events.onAdd(obj);
                } finally {
                    f.folded(key(obj));
                }
            }

            @Override
            public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                try {
                    events.onUpdate(oldObj, newObj);
                } finally {
                    f.folded(key(newObj));
                }
            }

            @Override
            public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                try {
                    events.onDelete(obj, deletedFinalStateUnknown);
                } finally {
                    f.folded(key(obj));
                }
            }
        };
    }

    private final class Watch {
        final String kind;
        final ResourceDefinitionContext context;
        final ResourceEventHandler<GenericKubernetesResource> events;
        final Consumer<List<GenericKubernetesResource>> synced;
        final Runnable folded;
        final AtomicBoolean foldedRun = new AtomicBoolean();
        final Backoff backoff;
        volatile State state = State.Waiting;
        volatile int attempts;
        volatile String lastError;
        volatile SharedIndexInformer<GenericKubernetesResource> informer;
        /** The current attempt's bookkeeping; kept for good once complete. */
        volatile ListedFolds folds = new ListedFolds();

        Watch(
                String kind,
                ResourceDefinitionContext context,
                ResourceEventHandler<GenericKubernetesResource> events,
                Consumer<List<GenericKubernetesResource>> synced,
                Runnable folded,
                Backoff backoff) {
            this.kind = kind;
            this.context = context;
            this.events = events;
            this.synced = synced;
            this.folded = folded;
            this.backoff = backoff;
        }

        void start() {
            if (closed) {
                return;
            }
            try {
                var api = client.genericKubernetesResources(context);
                SharedIndexInformer<GenericKubernetesResource> i =
                        (context.isNamespaceScoped() ? api.inAnyNamespace() : api).runnableInformer(0);
                // a new informer lists again and sends its own ADDs: counted afresh unless a list was already folded
                ListedFolds f = folds.complete() ? folds : new ListedFolds();
                folds = f;
                f.whenComplete(this::foldedOnce);
                i.addEventHandler(counted(events, f));
                informer = i;
                // on our thread, not the HTTP client's event loop: reading the objects may be heavy (CEL compiles)
                i.start()
                        .whenCompleteAsync(
                                (ok, error) -> {
                                    if (error != null) {
                                        failed(i, error);
                                        return;
                                    }
                                    try {
                                        started(i, f);
                                    } catch (RuntimeException e) {
                                        // handing the list over failed: never silently "starting" for good; retried
                                        LOG.errorf(e, "cannot take the listed %s objects", kind);
                                        failed(i, e);
                                    }
                                },
                                scheduler);
            } catch (RuntimeException e) {
                failed(informer, e);
            }
        }

        private void foldedOnce() {
            if (closed || foldedRun.getAndSet(true)) {
                return;
            }
            try {
                folded.run();
            } catch (RuntimeException e) {
                LOG.errorf(e, "after the listed %s objects were handled", kind);
            }
        }

        private void started(SharedIndexInformer<GenericKubernetesResource> i, ListedFolds f) {
            if (closed) {
                i.close();
                return;
            }
            List<GenericKubernetesResource> listed = i.getStore().list();
            synced.accept(listed);
            List<String> keys = new ArrayList<>(listed.size());
            for (GenericKubernetesResource o : listed) {
                keys.add(key(o));
            }
            f.listed(keys);
            if (state != State.Synced) {
                LOG.infof(
                        "cluster %s objects listed (%d), after %d failed attempt(s)",
                        kind, i.getStore().list().size(), attempts);
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
            Throwable cause =
                    error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            attempts++;
            lastError = String.valueOf(cause.getMessage());
            State was = state;
            if (cause instanceof KubernetesClientException k && k.getCode() == 404) {
                state = State.NotServed;
                if (was != State.NotServed) {
                    folds.listed(List.of()); // nothing to fold
                    try {
                        synced.accept(List.of()); // a kind that is not served has no objects
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "cannot take the empty %s", kind);
                    }
                }
            }
            long delay = backoff.next();
            // logged when it starts failing or stops being served; each retry only at DEBUG
            LOG.logf(
                    attempts == 1 || was != state ? Logger.Level.WARN : Logger.Level.DEBUG,
                    "cannot list %s (attempt %d): %s; retrying in %d ms",
                    kind,
                    attempts,
                    lastError,
                    delay);
            try {
                scheduler.schedule(this::start, delay, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException stopping) {
                // closed meanwhile
            }
        }
    }
}

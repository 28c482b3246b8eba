package dev.trimtab.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Which replica acts, by a {@code coordination.k8s.io/v1} Lease (the lock kube-controller-manager
 * and kube-scheduler use): the holder renews it every {@code retry}, gives it up when it cannot
 * renew within {@code renewDeadline}, and others take it over once {@code leaseDuration} has passed
 * without renewal (or at once when the holder stops cleanly: the lease is released). Between two
 * holders there can be a gap of up to {@code leaseDuration}, never an overlap as long as clocks
 * advance at the same rate. Listeners hear {@code elected} on the elector's thread: keep them short.
 *
 * <p>fabric8's {@code LeaderElector} runs one round: it acquires, renews, and once it has lost the
 * lease its future completes and it never contends again. Here a lost round is followed by a new
 * one, so a replica that lost the lease (an API outage longer than {@code renewDeadline}, a long GC
 * pause, another identity writing the Lease) contends again and can lead again; its
 * {@link #onElected} listeners then run again. A new round starts after {@code retry}; rounds that
 * end without having held the lease for a full {@code leaseDuration} double that wait, up to
 * {@code leaseDuration}, so a flapping API is not hammered. The process is not restarted: the
 * other work of the replica (admission, the audit every replica runs) goes on meanwhile.
 *
 * <p>Each round after the first holds the lease as {@code <identity>#<round>}: fabric8's elector
 * reports leadership as soon as it <em>reads</em> a Lease naming its own identity, before its write
 * succeeds, so a new round under the old name would claim to lead on the stale record of the round
 * that just failed, while the API still refuses its renewals. Under a new name it leads only once
 * its own write went through (after the old record has expired, as for any other replica).
 *
 * <p>The lease is read and written through a client of its own, with the same configuration but
 * no request retries and a request timeout of {@code renewDeadline}: the shared client retries a
 * failed request with backoff for far longer than a lease lasts, and a renewal stuck there would
 * let this replica believe it leads after another one has taken over.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    /** The lease's place and timing. */
    public record Lease(
            String namespace,
            String name,
            String identity,
            Duration leaseDuration,
            Duration renewDeadline,
            Duration retry) {
        public static Lease of(String namespace, String name, String identity) {
            return new Lease(
                    namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    /**
     * What health and metrics show.
     *
     * @param holder         the identity last seen holding the lease; null until one is seen
     * @param lastTransition when this replica last became or stopped being the leader; null before
     * @param transitions    how often it did (gained and lost both count)
     * @param contending     false once closed (or for {@link #always()}, which never contends)
     */
    public record Status(
            String lease,
            String identity,
            boolean leader,
            String holder,
            Instant lastTransition,
            long transitions,
            boolean contending) {}

    private final List<Runnable> elected = new CopyOnWriteArrayList<>();
    private final Lease lease;
    private final KubernetesClient client;
    private final Clock clock = Clock.systemUTC();
    private final AtomicLong transitions = new AtomicLong();
    private final ScheduledExecutorService rounds;
    private volatile boolean leader;
    private volatile String holder;
    private volatile Instant lastTransition;
    private volatile boolean closed;
    private CompletableFuture<?> running;
    private Instant gainedAt;
    private int shortRounds;
    private int round;
    private volatile String roundIdentity;

    /** A leadership that is always held: one replica, no lease (tests, the local run). */
    public static Leadership always() {
        Leadership l = new Leadership(null, new Lease("", "", "", Duration.ZERO, Duration.ZERO, Duration.ZERO));
        l.leader = true;
        return l;
    }

    private Leadership(KubernetesClient client, Lease lease) {
        this.client = client;
        this.lease = lease;
        this.rounds = client == null
                ? null
                : Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "trimtab-leadership-" + lease.name());
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Starts contending for {@code lease}, round after round, until {@link #close}, which releases it. */
    public static Leadership contend(KubernetesClient client, Lease lease) {
        Config config = new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) Math.max(1, lease.renewDeadline().toMillis()))
                .build();
        Leadership l =
                new Leadership(new KubernetesClientBuilder().withConfig(config).build(), lease);
        l.round();
        return l;
    }

    private synchronized void round() {
        if (closed) {
            return;
        }
        round++;
        roundIdentity = round == 1 ? lease.identity() : lease.identity() + "#" + round;
        LeaderElectionConfig config = new LeaderElectionConfigBuilder()
                .withName(lease.name())
                .withLock(new LeaseLock(lease.namespace(), lease.name(), roundIdentity))
                .withLeaseDuration(lease.leaseDuration())
                .withRenewDeadline(lease.renewDeadline())
                .withRetryPeriod(lease.retry())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(this::gained, this::lost, this::observed))
                .build();
        try {
            CompletableFuture<?> round =
                    client.leaderElector().withConfig(config).build().start();
            running = round;
            round.whenComplete((ignored, error) -> ended(error));
        } catch (RuntimeException e) {
            ended(e);
        }
    }

    /** A round is over (the lease was lost, or the elector failed): contend again unless closed. */
    private void ended(Throwable error) {
        lost();
        long wait;
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean heldLong = gainedAt != null
                    && Duration.between(gainedAt, clock.instant()).compareTo(lease.leaseDuration()) >= 0;
            shortRounds = heldLong ? 0 : Math.min(shortRounds + 1, 16);
            gainedAt = null;
            long retry = Math.max(1, lease.retry().toMillis());
            wait = Math.min(Math.max(retry, lease.leaseDuration().toMillis()), retry << Math.max(0, shortRounds - 1));
        }
        LOG.infof(
                "lease %s/%s: election round ended%s; contending again in %d ms",
                lease.namespace(), lease.name(), error == null ? "" : " (" + error + ")", wait);
        try {
            rounds.schedule(this::round, wait, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed meanwhile
        }
    }

    private void gained() {
        List<Runnable> listeners;
        synchronized (this) {
            if (leader || closed) {
                return;
            }
            leader = true;
            gainedAt = clock.instant();
            transition();
            // taken with the flag: a listener added meanwhile runs either here or in onElected, never both
            listeners = List.copyOf(elected);
        }
        holder = roundIdentity;
        LOG.infof("leadership of lease %s/%s gained as %s", lease.namespace(), lease.name(), roundIdentity);
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warnf("a leadership listener failed: %s", e.toString());
            }
        }
    }

    private void lost() {
        synchronized (this) {
            if (!leader) {
                return; // fabric8 may tell twice (holder changed, then the round stopped)
            }
            leader = false;
            transition();
        }
        LOG.infof("leadership of lease %s/%s lost", lease.namespace(), lease.name());
    }

    private void observed(String newHolder) {
        holder = newHolder;
        LOG.infof("lease %s/%s held by %s", lease.namespace(), lease.name(), newHolder);
    }

    private void transition() {
        lastTransition = clock.instant();
        transitions.incrementAndGet();
    }

    public boolean leader() {
        return leader;
    }

    public Status status() {
        return new Status(
                lease.namespace().isEmpty() ? "" : lease.namespace() + "/" + lease.name(),
                lease.identity(),
                leader,
                client == null ? lease.identity() : holder,
                lastTransition,
                transitions.get(),
                client != null && !closed);
    }

    /** {@code listener} runs each time this replica becomes the leader (at once if it already is). */
    public void onElected(Runnable listener) {
        boolean now;
        synchronized (this) {
            elected.add(listener);
            now = leader;
        }
        if (now) {
            listener.run();
        }
    }

    @Override
    public void close() {
        CompletableFuture<?> round;
        synchronized (this) {
            closed = true;
            round = running;
        }
        if (rounds != null) {
            rounds.shutdownNow();
        }
        if (round != null) {
            round.cancel(true);
        }
        lost();
        leader = false;
        if (client != null) {
            client.close();
        }
    }
}

package dev.trimtab.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jboss.logging.Logger;

/**
 * Which replica acts, by a {@code coordination.k8s.io/v1} Lease (the lock kube-controller-manager
 * and kube-scheduler use): the holder renews it every {@code retry}, gives it up when it cannot
 * renew within {@code renewDeadline}, and others take it over once {@code leaseDuration} has passed
 * without renewal (or at once when the holder stops cleanly: the lease is released). Between two
 * holders there can be a gap of up to {@code leaseDuration}, never an overlap as long as clocks
 * advance at the same rate. Listeners hear {@code elected} on the elector's thread: keep them short.
 */
public final class Leadership implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Leadership.class);

    /** The lease's place and timing. */
    public record Lease(String namespace, String name, String identity, Duration leaseDuration, Duration renewDeadline,
                        Duration retry) {
        public static Lease of(String namespace, String name, String identity) {
            return new Lease(namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    private final List<Runnable> elected = new CopyOnWriteArrayList<>();
    private volatile boolean leader;
    private CompletableFuture<?> running;

    /** A leadership that is always held: one replica, no lease (tests, the local run). */
    public static Leadership always() {
        Leadership l = new Leadership();
        l.leader = true;
        return l;
    }

    private Leadership() {}

    /** Starts contending for {@code lease}; {@link #close} releases it. */
    public static Leadership contend(KubernetesClient client, Lease lease) {
        Leadership l = new Leadership();
        var config = new LeaderElectionConfigBuilder().withName(lease.name())
                .withLock(new LeaseLock(lease.namespace(), lease.name(), lease.identity()))
                .withLeaseDuration(lease.leaseDuration()).withRenewDeadline(lease.renewDeadline())
                .withRetryPeriod(lease.retry()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(l::gained, l::lost, holder ->
                        LOG.infof("lease %s/%s held by %s", lease.namespace(), lease.name(), holder)))
                .build();
        l.running = client.leaderElector().withConfig(config).build().start();
        return l;
    }

    private void gained() {
        leader = true;
        LOG.info("leadership gained");
        elected.forEach(Runnable::run);
    }

    private void lost() {
        leader = false;
        LOG.info("leadership lost");
    }

    public boolean leader() {
        return leader;
    }

    /** {@code listener} runs each time this replica becomes the leader (at once if it already is). */
    public void onElected(Runnable listener) {
        elected.add(listener);
        if (leader) {
            listener.run();
        }
    }

    @Override
    public void close() {
        if (running != null) {
            running.cancel(true);
        }
        leader = false;
    }
}

package dev.trimtab.autoscaler.live;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.ChannelRegistry;
import io.smallrye.reactive.messaging.PausableChannel;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * When this instance joins the metric consumer group: only once it can decide. The {@code metrics}
 * channel starts paused and unsubscribed ({@code pausable.late-subscription}), so its consumer
 * takes no partitions while the instance starts. With informers (the default) it joins once every
 * watched kind is listed and folded ({@link InformerSource#synced}); with the view from events or
 * none, at start.
 *
 * <p>Before, the consumer joined as Quarkus started and was assigned partitions it could not yet
 * decide for: their batches waited for the cluster view, and their workloads with them. In the fault
 * suite a restarted instance held a third of the workloads for the 10–30 s of its start on a loaded
 * machine (docs/reliability.md, 11th run). Now the other members keep serving them until this one
 * is ready; the cooperative rebalance then moves only its share back (docs/decisions/0038).
 */
@ApplicationScoped
public class GroupJoin {
    static final String CHANNEL = "metrics";
    private static final Logger LOG = Logger.getLogger(GroupJoin.class);

    private final ChannelRegistry channels;
    private final LiveSettings settings;
    private final AtomicBoolean joined = new AtomicBoolean();

    @Inject
    public GroupJoin(ChannelRegistry channels, LiveSettings settings) {
        this.channels = channels;
        this.settings = settings;
    }

    void start(@Observes StartupEvent ignored) {
        if (settings.clusterState() != LiveSettings.ClusterStateSource.informers) {
            join("the cluster view comes from " + settings.clusterState());
        }
    }

    /** Resumes (and so subscribes) the metric channel, once; a no-op when the channel is off (push mode). */
    void join(String why) {
        if (!joined.compareAndSet(false, true)) {
            return;
        }
        PausableChannel channel = channels.getPausable(CHANNEL);
        if (channel == null) {
            return;
        }
        LOG.infof("joining the metric consumer group: %s", why);
        channel.resume();
    }
}

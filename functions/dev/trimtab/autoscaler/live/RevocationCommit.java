package dev.trimtab.autoscaler.live;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.commit.ContextHolder;
import io.smallrye.reactive.messaging.kafka.commit.KafkaCommitHandler;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The metric channel's commit strategy: SmallRye's {@code throttled} one, except that a failed
 * commit when partitions are revoked does not stop the revocation half way. SmallRye's rebalance
 * wrapper commits the processed offsets first and calls the channel's rebalance listener
 * ({@link StateStore}) only if that commit succeeds; when the group has already expired the
 * membership (a broker restart, a stalled instance), Kafka reports the partitions as lost, the
 * commit fails ({@code CommitFailedException}), and the listener never ran: the engine went on
 * deciding, on informer events and resync ticks, for workloads another instance now owned (found by
 * the fault suite: 2,678 decisions of stale owners and most of its window violations in the long
 * run). Here the failure is logged, the partitions are remembered as lost ({@link #takeLost}), and
 * the listener runs: it stops deciding for them and, as they may be another's already, writes none
 * of their histories. The uncommitted records are read again by the next owner.
 */
@ApplicationScoped
@Identifier(RevocationCommit.NAME)
public class RevocationCommit implements KafkaCommitHandler.Factory {
    public static final String NAME = "trimtab-throttled";
    private static final Logger LOG = Logger.getLogger(RevocationCommit.class);

    private final KafkaCommitHandler.Factory throttled;
    /** Partitions whose revocation could not commit, until the rebalance listener takes them. */
    private final Set<TopicPartition> lost = new HashSet<>();

    @Inject
    public RevocationCommit(@Identifier(KafkaCommitHandler.Strategy.THROTTLED) KafkaCommitHandler.Factory throttled) {
        this.throttled = throttled;
    }

    @Override
    public KafkaCommitHandler create(
            KafkaConnectorIncomingConfiguration config,
            Vertx vertx,
            KafkaConsumer<?, ?> consumer,
            BiConsumer<Throwable, Boolean> reportFailure) {
        return new Handler(throttled.create(config, vertx, consumer, reportFailure), vertx, config.getChannel());
    }

    /**
     * Whether any of {@code partitions} was revoked without its offsets committed (so it may be
     * another instance's already); forgets them. Called by the rebalance listener right after the
     * commit handler, on the consumer's thread.
     */
    public synchronized boolean takeLost(Collection<TopicPartition> partitions) {
        boolean any = false;
        for (TopicPartition p : partitions) {
            any |= lost.remove(p);
        }
        return any;
    }

    private synchronized void lost(Collection<TopicPartition> partitions) {
        lost.addAll(partitions);
    }

    /**
     * Delegates everything to the throttled handler; only its revocation failure is caught. A
     * {@link ContextHolder}, as the throttled handler is: SmallRye hands the channel's Vert.x
     * context to such a handler once the consumer starts, and it is passed on.
     */
    final class Handler extends ContextHolder implements KafkaCommitHandler {
        private final KafkaCommitHandler delegate;
        private final String channel;

        Handler(KafkaCommitHandler delegate, Vertx vertx, String channel) {
            super(vertx, delegate instanceof ContextHolder h ? h.getTimeoutInMillis() : 60_000);
            this.delegate = delegate;
            this.channel = channel;
        }

        @Override
        public void capture(io.vertx.core.Context context) {
            super.capture(context);
            if (delegate instanceof ContextHolder h) {
                h.capture(context);
            }
        }

        @Override
        public void capture(io.vertx.mutiny.core.Context context) {
            super.capture(context);
            if (delegate instanceof ContextHolder h) {
                h.capture(context);
            }
        }

        @Override
        public <K, V> Multi<IncomingKafkaRecord<K, V>> decorateStream(Multi<IncomingKafkaRecord<K, V>> stream) {
            return delegate.decorateStream(stream);
        }

        @Override
        public <K, V> Uni<IncomingKafkaRecord<K, V>> received(IncomingKafkaRecord<K, V> record) {
            return delegate.received(record);
        }

        @Override
        public void terminate(boolean graceful) {
            delegate.terminate(graceful);
        }

        @Override
        public void partitionsAssigned(Collection<TopicPartition> partitions) {
            delegate.partitionsAssigned(partitions);
        }

        @Override
        public void partitionsRevoked(Collection<TopicPartition> partitions) {
            try {
                delegate.partitionsRevoked(partitions);
            } catch (RuntimeException e) {
                // the throttled handler forgot the partitions' offsets before committing: nothing is left half done
                lost(partitions);
                LOG.warnf(
                        "channel %s: partitions %s revoked without their processed offsets committed (%s): the group"
                                + " may have given them to another instance already; no longer deciding for them, and their"
                                + " records since the last commit are read again by the next owner",
                        channel, partitions, e);
            }
        }

        @Override
        public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record) {
            return delegate.handle(record);
        }
    }
}

package dev.trimtab.autoscaler.live;

import dev.trimtab.autoscaler.events.HistoryRecords;
import dev.trimtab.autoscaler.events.RejectReason;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one way events come in, whatever carried them (Kafka records, HTTP requests): decode, fold
 * and decide, counting them accepted or rejected per channel; then carry the decisions out.
 */
@ApplicationScoped
public class Intake {
    private final AutoscalerEngine engine;
    private final ScaleApplier applier;
    private final DurableApply durable;
    private final MeterRegistry registry;
    private final CloudEventCodec.Limits codecLimits;
    private final Counter clamped;
    private final Counter alreadyDecided;

    /** Decisions applied at once, without waiting for their histories (tests of the intake alone). */
    public Intake(AutoscalerEngine engine, ScaleApplier applier, MeterRegistry registry) {
        this(engine, applier, registry, new DurableApply(engine, applier));
    }

    @Inject
    public Intake(AutoscalerEngine engine, ScaleApplier applier, MeterRegistry registry, DurableApply durable) {
        this.engine = engine;
        this.applier = applier;
        this.durable = durable;
        this.registry = registry;
        this.codecLimits = engine.limits().codec();
        this.clamped = Counter.builder("trimtab_autoscaler_future_samples_clamped_total")
                .description("samples dated ahead of the clock within max-clock-skew, taken as measured now")
                .register(registry);
        this.alreadyDecided = Counter.builder("trimtab_autoscaler_already_decided_events_total")
                .description(
                        "metric records read again (after a restart or a rebalance, since the last committed offset)"
                                + " whose workload's decision had already been taken on them: folded, not decided again")
                .register(registry);
    }

    /** The decoder's limits ({@code trimtab.autoscaler.input.max-event-bytes}, {@code max-depth}). */
    public CloudEventCodec.Limits codecLimits() {
        return codecLimits;
    }

    /** An event that can never be processed; its message names the problem. */
    public static final class RejectedEvent extends RuntimeException {
        RejectedEvent(RuntimeException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * One event to take: how to decode it, and what to do if it can never be processed (dead-letter
     * it, returning that send's delivery, or throw).
     */
    public record Item(
            Supplier<CloudEvent> decoder,
            Function<RejectedEvent, Delivery> rejected,
            HistoryRecords.Position position) {
        /** An event that did not come from the metric topic (no position to tell a re-read by). */
        public Item(Supplier<CloudEvent> decoder, Function<RejectedEvent, Delivery> rejected) {
            this(decoder, rejected, null);
        }
    }

    /**
     * Decodes with {@code decoder}, folds and decides, then applies every decision.
     *
     * @return the decision log's deliveries, for a caller that waits before acknowledging the event
     * @throws RejectedEvent when the event cannot be decoded or validated (nothing was applied)
     */
    public List<Delivery> take(String channel, Supplier<CloudEvent> decoder) {
        return takeAll(channel, List.of(new Item(decoder, e -> {
            throw e;
        })));
    }

    /**
     * Decodes and folds the items in order, decides once per workload they made due, and applies
     * the decisions. An item that cannot be decoded or validated is counted and handed to its
     * {@code rejected}; the others go on. A decision that cannot be applied is that decision's
     * outcome ({@link ScaleApplier#apply}); the others go on.
     *
     * @return what was sent (dead letters, decisions): the caller waits for it before committing,
     *         outside the engine's lock, so a slow broker never holds up a handover or the resync
     */
    public List<Delivery> takeAll(String channel, List<Item> items) {
        return takeAll(channel, items, false);
    }

    /**
     * As {@link #takeAll}, unless the engine is fenced ({@link MembershipLease}) when the work
     * starts: then nothing is decoded or folded and the answer is null. Checked under the
     * engine's work lock, so a fence cannot fall between the check and the fold.
     */
    public List<Delivery> takeAllUnlessFenced(String channel, List<Item> items) {
        return takeAll(channel, items, true);
    }

    private List<Delivery> takeAll(String channel, List<Item> items, boolean unlessFenced) {
        List<Delivery> sent = new ArrayList<>();
        List<AutoscalerEngine.Triggered> due = engine.work(() -> {
            if (unlessFenced && engine.fenced()) {
                return null;
            }
            List<CloudEvent> events = new ArrayList<>(items.size());
            List<Item> decoded = new ArrayList<>(items.size());
            List<HistoryRecords.Position> positions = new ArrayList<>(items.size());
            for (Item item : items) {
                try {
                    events.add(item.decoder().get());
                    decoded.add(item);
                    positions.add(item.position());
                } catch (RuntimeException e) {
                    reject(channel, item, e, sent);
                }
            }
            int[] foldRejects = {0};
            List<AutoscalerEngine.Triggered> decided = engine.acceptAll(events, positions, (i, e) -> {
                foldRejects[0]++;
                reject(channel, decoded.get(i), e, sent);
            });
            registry.counter("trimtab_autoscaler_events_total", "channel", channel, "result", "accepted")
                    .increment(events.size() - foldRejects[0]);
            applier.foreignWrites(engine.drainForeignWrites());
            clamped.increment(engine.drainFutureSamplesClamped());
            alreadyDecided.increment(engine.drainAlreadyDecided());
            return decided;
        });
        if (due == null) {
            return null;
        }
        // carried out once their recommendations are durable (a metric batch waits out a fence)
        sent.addAll(durable.apply(due, unlessFenced));
        return sent;
    }

    /** The decisions taken so far are on the log: see {@link AutoscalerEngine#confirmDecided()}. */
    public void confirmDecided() {
        engine.confirmDecided();
    }

    private void reject(String channel, Item item, RuntimeException e, List<Delivery> sent) {
        registry.counter("trimtab_autoscaler_events_total", "channel", channel, "result", "rejected")
                .increment();
        RuntimeException cause = e instanceof RejectedEvent r && r.getCause() instanceof RuntimeException c ? c : e;
        registry.counter(
                        "trimtab_autoscaler_rejections_total",
                        "channel",
                        channel,
                        "reason",
                        RejectReason.of(cause).name())
                .increment();
        sent.add(item.rejected().apply(e instanceof RejectedEvent r ? r : new RejectedEvent(e)));
    }
}

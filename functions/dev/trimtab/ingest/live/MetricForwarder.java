package dev.trimtab.ingest.live;

import dev.trimtab.autoscaler.live.AutoscalerEngine;
import dev.trimtab.autoscaler.live.Delivery;
import dev.trimtab.cloudevents.CloudEvent;
import dev.trimtab.cloudevents.CloudEventRecords;
import dev.trimtab.ingest.core.MetricItem;
import dev.trimtab.ingest.core.PolicyRouter;
import dev.trimtab.ingest.core.Skipped;
import dev.trimtab.ingest.events.MetricEvents;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/**
 * Sends a receiver's metric items to {@code trimtab.metrics} as the autoscaler's own metric
 * events, once per workload that reads them, keyed by that workload: the instance that owns the
 * workload's partition decides, whichever instance took the request. Items no workload reads are
 * counted and dropped. Returns once the broker has every record ({@code acks=all}), so a 2xx
 * answer means nothing of the request can be lost.
 */
@ApplicationScoped
public class MetricForwarder {
    private final Emitter<byte[]> emitter;
    private final Function<List<MetricItem>, List<Set<String>>> router;
    private final MeterRegistry registry;
    private final Duration deliveryTimeout;
    private final int maxListItems;

    /** What one request fed: records sent, and items by outcome. */
    public record Outcome(int records, int workloads, int forwarded, int unused) {}

    @Inject
    public MetricForwarder(
            @Channel("ingested-metrics") Emitter<byte[]> emitter,
            AutoscalerEngine engine,
            MeterRegistry registry,
            IngestSettings settings) {
        this(
                emitter,
                items -> engine.readState(state -> new PolicyRouter(state).workloads(items)),
                registry,
                settings.deliveryTimeout(),
                Math.min(1000, engine.limits().maxListItems()));
    }

    MetricForwarder(
            Emitter<byte[]> emitter,
            Function<List<MetricItem>, List<Set<String>>> router,
            MeterRegistry registry,
            Duration deliveryTimeout,
            int maxListItems) {
        this.emitter = emitter;
        this.router = router;
        this.registry = registry;
        this.deliveryTimeout = deliveryTimeout;
        this.maxListItems = maxListItems;
    }

    /**
     * @throws Delivery.NotDelivered when the broker has not taken every record within
     *                               {@code trimtab.ingest.delivery-timeout} (the sender should send the request again)
     */
    public Outcome forward(String receiver, List<MetricItem> items, List<Skipped> skipped) {
        List<Set<String>> workloads = router.apply(items);
        int unused = 0;
        for (Set<String> w : workloads) {
            if (w.isEmpty()) {
                unused++;
            }
        }
        MetricEvents events = new MetricEvents("/trimtab/ingest/" + receiver, maxListItems);
        Map<String, List<CloudEvent>> byWorkload =
                events.byWorkload(items, workloads, receiver + "-" + UUID.randomUUID());
        int sent = send(byWorkload);
        count(receiver, "forwarded", items.size() - unused);
        count(receiver, "unused", unused);
        for (Skipped s : skipped) {
            registry.counter(
                            "trimtab_ingest_samples_total",
                            "receiver",
                            receiver,
                            "result",
                            "skipped",
                            "reason",
                            s.reason().name())
                    .increment();
        }
        return new Outcome(sent, byWorkload.size(), items.size() - unused, unused);
    }

    /**
     * Sends events made elsewhere (a metric source's), each list keyed by its workload, and
     * returns once the broker has them all; returns how many were sent.
     *
     * @throws Delivery.NotDelivered as {@link #forward}
     */
    public int send(Map<String, List<CloudEvent>> byWorkload) {
        List<Delivery> sent = new ArrayList<>();
        byWorkload.forEach((key, list) -> list.forEach(e -> sent.add(
                Delivery.send(emitter, "metric event " + e.id() + " for " + key, () -> CloudEventRecords.message(e)))));
        Delivery.awaitAll(sent, deliveryTimeout, Delivery.SLEEP);
        return sent.size();
    }

    /** Samples of {@code receiver} forwarded to the workloads that read them. */
    public void forwarded(String receiver, long samples) {
        count(receiver, "forwarded", samples);
    }

    /** A request refused whole, or not taken by the broker: its series (as far as they were read) are rejected. */
    public void rejected(String receiver, long series) {
        count(receiver, "rejected", series);
    }

    /** Every answer a receiver gave, by HTTP status. */
    public void answered(String receiver, int status) {
        registry.counter("trimtab_ingest_requests_total", "receiver", receiver, "code", Integer.toString(status))
                .increment();
    }

    private void count(String receiver, String result, long n) {
        if (n > 0) {
            registry.counter("trimtab_ingest_samples_total", "receiver", receiver, "result", result, "reason", "")
                    .increment(n);
        }
    }
}

package dev.trimtab.ingest.live;

import dev.trimtab.cloudevents.CloudEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Sends the Kafka-lag source's events on a thread of its own, so that a slow broker never holds
 * the readers: the events waiting are kept per metric, a newer one replacing the older
 * ({@code superseded}: its offsets are out of date anyway), at most {@code capacity} metrics
 * ({@code over_limit} past it). Each round sends every waiting event at once and waits for the
 * broker ({@link MetricForwarder#send}), then counts them {@code ok} or {@code not_delivered}.
 */
final class LagSender implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LagSender.class);

    private record Waiting(String workload, CloudEvent event) {}

    private final Consumer<Map<String, List<CloudEvent>>> sink;
    private final LagOutcomes outcomes;
    private final int capacity;
    private final LinkedHashMap<String, Waiting> waiting = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    /** @param sink sends events keyed by workload and returns once the broker has them, or throws */
    LagSender(Consumer<Map<String, List<CloudEvent>>> sink, LagOutcomes outcomes, int capacity) {
        this.sink = sink;
        this.outcomes = outcomes;
        this.capacity = capacity;
        this.thread = new Thread(this::run, "trimtab-kafka-lag-sender");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Queues {@code event} for {@code key} (one metric), replacing the one waiting for it. */
    synchronized void offer(String key, String workload, CloudEvent event) {
        if (!running) {
            return;
        }
        if (!waiting.containsKey(key) && waiting.size() >= capacity) {
            outcomes.failed(
                    LagResult.over_limit,
                    "sender",
                    "more than " + capacity + " metrics wait to be sent (the broker is slow?): events dropped");
            return;
        }
        if (waiting.put(key, new Waiting(workload, event)) != null) {
            outcomes.count(LagResult.superseded, 1);
        }
        notifyAll();
    }

    private void run() {
        while (running) {
            List<Waiting> batch;
            synchronized (this) {
                while (running && waiting.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                batch = new ArrayList<>(waiting.values());
                waiting.clear();
            }
            if (batch.isEmpty()) {
                continue;
            }
            Map<String, List<CloudEvent>> byWorkload = new LinkedHashMap<>();
            batch.forEach(w -> byWorkload
                    .computeIfAbsent(w.workload(), k -> new ArrayList<>())
                    .add(w.event()));
            try {
                sink.accept(byWorkload);
                outcomes.count(LagResult.ok, batch.size());
            } catch (RuntimeException e) {
                outcomes.count(LagResult.not_delivered, batch.size());
                outcomes.warn(
                        "sender",
                        batch.size() + " offsets events were not delivered to trimtab.metrics: " + e.getMessage());
                LOG.debug("not delivered", e);
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            running = false;
            waiting.clear();
            notifyAll();
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.trimtab.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.trimtab.cloudevents.CloudEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The Kafka-lag source's sender: one waiting event per metric, the newest, and a bounded number of metrics. */
class LagSenderTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private static CloudEvent event(String id) {
        return new CloudEvent(
                id,
                "/s",
                "t",
                null,
                Instant.EPOCH,
                "application/json",
                JsonNodeFactory.instance.objectNode(),
                Map.of());
    }

    private double count(String result) {
        var c = registry.find("trimtab_ingest_queries_total")
                .tag("result", result)
                .counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aNewerEventReplacesTheWaitingOneAndTheMetricsWaitingAreBounded() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> sent = new CopyOnWriteArrayList<>();
        LagSender sender = new LagSender(
                byWorkload -> {
                    entered.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    byWorkload.values().forEach(list -> list.forEach(e -> sent.add(e.id())));
                },
                new LagOutcomes(registry, Clock.systemUTC()),
                2);
        sender.start();
        try {
            sender.offer("a", "w", event("a1"));
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue(); // a1 is being sent; the rest waits
            sender.offer("a", "w", event("a2"));
            sender.offer("a", "w", event("a3"));
            sender.offer("b", "w", event("b1"));
            sender.offer("c", "w", event("c1"));
            release.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((sent.size() < 3 || count("ok") < 3) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(new ArrayList<>(sent)).containsExactly("a1", "a3", "b1");
            assertThat(count("superseded")).isEqualTo(1);
            assertThat(count("over_limit")).isEqualTo(1);
            assertThat(count("ok")).isEqualTo(3);
        } finally {
            sender.close();
        }
    }

    @Test
    void aFailedSendIsCountedNotDelivered() throws Exception {
        CountDownLatch tried = new CountDownLatch(1);
        LagSender sender = new LagSender(
                byWorkload -> {
                    tried.countDown();
                    throw new IllegalStateException("broker down");
                },
                new LagOutcomes(registry, Clock.systemUTC()),
                10);
        sender.start();
        try {
            sender.offer("a", "w", event("a1"));
            assertThat(tried.await(10, TimeUnit.SECONDS)).isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (count("not_delivered") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(count("not_delivered")).isEqualTo(1);
        } finally {
            sender.close();
        }
    }
}

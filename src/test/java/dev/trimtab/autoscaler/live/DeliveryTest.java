package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trimtab.testing.RecordingEmitter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/** A record is waited for until the broker acknowledges it, sent again after each failure, within the timeout. */
class DeliveryTest {
    @Test
    void aFailedSendIsSentAgainWithBackoffUntilAcknowledged() {
        RecordingEmitter emitter = new RecordingEmitter(
                new ArrayList<>(), n -> n == 1 ? new RuntimeException("NOT_LEADER") : n == 2 ? "throw" : null);
        List<Long> waits = new ArrayList<>();
        Delivery d = Delivery.send(emitter, "decision d1", () -> Message.of("d1".getBytes(StandardCharsets.UTF_8)));
        Delivery.awaitAll(List.of(d), Duration.ofSeconds(30), waits::add);
        assertThat(emitter.sent()).containsExactly("d1", "d1", "d1");
        assertThat(waits).containsExactly(100L, 200L);
        assertThat(d.completion()).isCompleted();
    }

    @Test
    void aSendNeverAcknowledgedFailsAfterTheTimeoutNamingTheRecord() {
        RecordingEmitter emitter =
                new RecordingEmitter(new ArrayList<>(), n -> new RuntimeException("RecordTooLargeException"));
        Delivery ok = Delivery.done();
        Delivery never = Delivery.send(
                emitter, "dead letter of trimtab.metrics-3@42", () -> Message.of("x".getBytes(StandardCharsets.UTF_8)));
        long[] slept = {0};
        assertThatThrownBy(() -> Delivery.awaitAll(List.of(ok, never), Duration.ofMillis(1500), millis -> {
                    slept[0] += millis;
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }))
                .isInstanceOf(Delivery.NotDelivered.class)
                .hasMessageStartingWith("dead letter of trimtab.metrics-3@42 not acknowledged by the broker after")
                .hasMessageContaining("RecordTooLargeException");
        assertThat(slept[0]).as("backed off within the timeout").isLessThanOrEqualTo(1500);
        assertThat(emitter.sent().size()).isBetween(3, 5); // 100 + 200 + 400 + 800 ms of backoff fit at most
    }

    @Test
    void aSendStillInFlightAtTheTimeoutFails() {
        Emitter<byte[]> silent = new RecordingEmitter(new ArrayList<>()) {
            @Override
            public <M extends Message<? extends byte[]>> void send(M msg) {
                sent.add("held"); // neither acknowledged nor refused: the broker does not answer
            }
        };
        Delivery d = Delivery.send(silent, "decision d2", () -> Message.of(new byte[0]));
        assertThatThrownBy(() -> Delivery.awaitAll(List.of(d), Duration.ofMillis(200), millis -> {}))
                .isInstanceOf(Delivery.NotDelivered.class)
                .hasMessageContaining("within the delivery timeout");
        assertThat(d.completion()).isNotDone();
    }
}

package dev.trimtab.autoscaler.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.Test;

/** A record is waited for until the broker acknowledges it, sent again after each failure, within the timeout. */
class DeliveryTest {

    /** Answers the n-th send (from 1): null acknowledges, an exception nacks, "throw" refuses the send. */
    static class ScriptedEmitter implements Emitter<byte[]> {
        final List<String> sent = new ArrayList<>();
        final IntFunction<Object> answer;

        ScriptedEmitter(IntFunction<Object> answer) {
            this.answer = answer;
        }

        @Override
        public <M extends Message<? extends byte[]>> void send(M msg) {
            sent.add(new String(msg.getPayload(), StandardCharsets.UTF_8));
            Object a = answer.apply(sent.size());
            if ("throw".equals(a)) {
                throw new IllegalStateException("SRMSG00034: Insufficient downstream requests to emit item");
            }
            if (a instanceof Exception e) {
                msg.nack(e);
            } else {
                msg.ack();
            }
        }

        @Override
        public CompletionStage<Void> send(byte[] msg) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void complete() {}

        @Override
        public void error(Exception e) {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public boolean hasRequests() {
            return true;
        }
    }

    @Test
    void aFailedSendIsSentAgainWithBackoffUntilAcknowledged() {
        ScriptedEmitter emitter = new ScriptedEmitter(n -> n == 1 ? new RuntimeException("NOT_LEADER")
                : n == 2 ? "throw" : null);
        List<Long> waits = new ArrayList<>();
        Delivery d = Delivery.send(emitter, "decision d1", () -> Message.of("d1".getBytes(StandardCharsets.UTF_8)));
        Delivery.awaitAll(List.of(d), Duration.ofSeconds(30), waits::add);
        assertThat(emitter.sent).containsExactly("d1", "d1", "d1");
        assertThat(waits).containsExactly(100L, 200L);
        assertThat(d.completion()).isCompleted();
    }

    @Test
    void aSendNeverAcknowledgedFailsAfterTheTimeoutNamingTheRecord() {
        ScriptedEmitter emitter = new ScriptedEmitter(n -> new RuntimeException("RecordTooLargeException"));
        Delivery ok = Delivery.done();
        Delivery never = Delivery.send(emitter, "dead letter of trimtab.metrics-3@42",
                () -> Message.of("x".getBytes(StandardCharsets.UTF_8)));
        long[] slept = {0};
        assertThatThrownBy(() -> Delivery.awaitAll(List.of(ok, never), Duration.ofMillis(1500), millis -> {
            slept[0] += millis;
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isInstanceOf(Delivery.NotDelivered.class)
                .hasMessageStartingWith("dead letter of trimtab.metrics-3@42 not acknowledged by the broker after")
                .hasMessageContaining("RecordTooLargeException");
        assertThat(slept[0]).as("backed off within the timeout").isLessThanOrEqualTo(1500);
        assertThat(emitter.sent.size()).isBetween(3, 5);   // 100 + 200 + 400 + 800 ms of backoff fit at most
    }

    @Test
    void aSendStillInFlightAtTheTimeoutFails() {
        Emitter<byte[]> silent = new ScriptedEmitter(n -> null) {
            @Override
            public <M extends Message<? extends byte[]>> void send(M msg) {
                sent.add("held");   // neither acknowledged nor refused: the broker does not answer
            }
        };
        Delivery d = Delivery.send(silent, "decision d2", () -> Message.of(new byte[0]));
        assertThatThrownBy(() -> Delivery.awaitAll(List.of(d), Duration.ofMillis(200), millis -> { }))
                .isInstanceOf(Delivery.NotDelivered.class).hasMessageContaining("within the delivery timeout");
        assertThat(d.completion()).isNotDone();
    }
}

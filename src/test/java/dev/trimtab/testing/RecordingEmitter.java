package dev.trimtab.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.IntFunction;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * An Emitter that keeps every payload it is given, as text, in {@code sent}; by default it
 * acknowledges each message and never fails, or it answers as scripted.
 */
public class RecordingEmitter implements Emitter<byte[]> {
    protected final List<String> sent;
    private final IntFunction<Object> answer;

    public RecordingEmitter(List<String> sent) {
        this(sent, n -> null);
    }

    /**
     * {@code answer}, given how many messages were sent so far: null acknowledges the message, an
     * exception refuses it (nack), {@code "throw"} makes {@code send} throw, as an emitter without
     * downstream requests does.
     */
    public RecordingEmitter(List<String> sent, IntFunction<Object> answer) {
        this.sent = sent;
        this.answer = answer;
    }

    public List<String> sent() {
        return sent;
    }

    @Override
    public CompletionStage<Void> send(byte[] msg) {
        sent.add(new String(msg, StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(null);
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

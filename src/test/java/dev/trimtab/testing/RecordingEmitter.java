package dev.trimtab.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/** An Emitter that keeps every payload it is given, as text, in {@code sent}, acknowledges it, and never fails. */
public final class RecordingEmitter implements Emitter<byte[]> {
    private final List<String> sent;

    public RecordingEmitter(List<String> sent) {
        this.sent = sent;
    }

    @Override
    public CompletionStage<Void> send(byte[] msg) {
        sent.add(new String(msg, StandardCharsets.UTF_8));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public <M extends Message<? extends byte[]>> void send(M msg) {
        sent.add(new String(msg.getPayload(), StandardCharsets.UTF_8));
        msg.ack();
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

package dev.trimtab.ingest.live;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read to {@code max + 1} bytes at most: past {@code max}, the subscription is
 * cancelled (the connection is not read further) and the body is the first {@code max + 1} bytes,
 * so the reader sees it is too large without the server deciding how much memory is spent.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int max;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    BoundedBody(int max) {
        this.max = max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer b : buffers) {
            int room = max + 1 - out.size();
            int n = Math.min(room, b.remaining());
            byte[] chunk = new byte[n];
            b.get(chunk);
            out.write(chunk, 0, n);
            if (out.size() > max) {
                subscription.cancel();
                body.complete(out.toByteArray());
                return;
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        body.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        body.complete(out.toByteArray());
    }
}

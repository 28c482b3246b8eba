package dev.trimtab.auth.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The pools' bounds: a full pool answers at once, work past its time is answered 503 and interrupted. */
class BoundedPoolTest {
    @Test
    void workPastItsTimeIs503AndInterrupted() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        try (BoundedPool pool =
                new BoundedPool("query", 1, 0, Duration.ofMillis(200), BoundedPool.tooManyRequests("p", 1, 0))) {
            Response r = assertTimeout(
                    Duration.ofSeconds(10),
                    () -> pool.run(() -> {
                                try {
                                    Thread.sleep(60_000);
                                } catch (InterruptedException e) {
                                    interrupted.set(true);
                                } finally {
                                    stopped.countDown();
                                }
                                return Response.ok().build();
                            })
                            .toCompletableFuture()
                            .get());
            assertThat(r.getStatus()).isEqualTo(503);
            assertThat(r.getEntity())
                    .isEqualTo(
                            "the answer took longer than 200 ms (trimtab.limits.query.timeout) " + "and was cancelled");
            assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(interrupted).isTrue();
        }
    }

    @Test
    void aFullPoolAnswers429AtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (BoundedPool pool = new BoundedPool(
                "query", 1, 1, null, BoundedPool.tooManyRequests("trimtab.limits.query.concurrency/queue", 1, 1))) {
            var running = pool.run(() -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Response.ok("first").build();
            });
            var queued = pool.run(() -> Response.ok("second").build());
            Response refused = pool.run(() -> Response.ok("third").build())
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            assertThat(refused.getStatus()).isEqualTo(429);
            assertThat(refused.getHeaderString("Retry-After")).isEqualTo("1");
            assertThat((String) refused.getEntity())
                    .contains("1 running and 1 waiting (trimtab.limits.query.concurrency/queue)");
            release.countDown();
            assertThat(running.toCompletableFuture().get(10, TimeUnit.SECONDS).getEntity())
                    .isEqualTo("first");
            assertThat(queued.toCompletableFuture().get(10, TimeUnit.SECONDS).getEntity())
                    .isEqualTo("second");
        }
    }
}

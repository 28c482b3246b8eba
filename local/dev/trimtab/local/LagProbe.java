package dev.trimtab.local;

import dev.trimtab.autoscaler.live.ScaleWritten;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The {@code /scale} writes acknowledged by the API server, in order, for {@code lag-bench}. */
@ApplicationScoped
public class LagProbe {
    private final LinkedBlockingQueue<ScaleWritten> writes = new LinkedBlockingQueue<>();

    /** The next acknowledged write, or null after {@code millis} (a method: callers hold a client proxy). */
    public ScaleWritten next(long millis) throws InterruptedException {
        return writes.poll(millis, TimeUnit.MILLISECONDS);
    }

    void written(@Observes ScaleWritten w) {
        if (w.written()) {
            writes.add(w);
        }
    }
}

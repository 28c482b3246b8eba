package dev.trimtab.local.chaos;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps the fabric8 mock server's dispatcher (normally {@code KubernetesCrudDispatcher}) and makes
 * the API answer as a troubled API server would, at configured rates, with a seeded Random.
 *
 * <p>Per request one draw picks at most one error, in this order of the unit interval:
 * 429 (Retry-After) | 5xx (500 or 503) | 409 (PUT/PATCH only) | 410 (watch requests only, as an
 * ERROR event, see {@link #gone}) |
 * reset | pass. So each configured rate is the share of the requests of its class that get it
 * (for a {@code /scale} PUT at 30% 409 / 20% 429 / 5% 5xx, 55% of attempts fail). A second,
 * independent draw delays the answer ({@code slow}), whatever it is (not on watch upgrades).
 *
 * <p>Reset: half of the resets (seeded) are decided after the request reached the store (the
 * write happened, the answer is lost), half before. The answer is then marked with the
 * {@link #RESET_MARKER} header, and the {@link MockApi} proxy in front closes the connection with
 * an RST instead of forwarding it. A client talking to the mock server directly sees a 500.
 *
 * <p>{@link #down(boolean) down}: every request gets 503 here, and the proxy resets every open
 * connection (watches included) and every new one: the API server has gone away.
 *
 * <p>Requests with the header {@code X-Trimtab-Chaos: exempt} pass untouched and uncounted
 * (seeding and the final read of the orchestrator, see {@link MockApi#directClient()}).
 *
 * <p>{@code dispatch} runs on a Vert.x event loop: nothing here blocks (delays use the mock
 * server's body delay).
 */
public final class FaultyDispatcher extends Dispatcher {
    /** Header name (lower case) that tells the proxy to reset the connection instead of answering. */
    public static final String RESET_MARKER = "x-trimtab-chaos-reset";
    /** Header that exempts a request from every fault. */
    public static final String EXEMPT_HEADER = "X-Trimtab-Chaos";

    public static final String EXEMPT_VALUE = "exempt";

    /** Counter names of {@link #injected()}. */
    public static final String CONFLICT = "conflict";

    public static final String TOO_MANY_REQUESTS = "tooManyRequests";
    public static final String SERVER_ERROR = "serverError";
    public static final String WATCH_GONE = "watchGone";
    public static final String SLOW = "slow";
    public static final String RESET = "reset";
    public static final String RESET_AFTER_WRITE = "resetAfterWrite";
    public static final String DOWN = "down";

    /**
     * Fault rates, each a share in [0, 1]; the error rates (all but {@code slow}) together at most 1.
     *
     * @param conflict          409 Conflict on PUT/PATCH
     * @param tooManyRequests   429 with {@code Retry-After: retryAfterSeconds}
     * @param retryAfterSeconds the Retry-After value, at least 1
     * @param serverError       500 or 503 (even split)
     * @param watchGone         410 Gone on watch requests
     * @param slow              the answer is held back {@code slowFor}
     * @param reset             the connection is closed without an answer (RST)
     */
    public record Rates(
            double conflict,
            double tooManyRequests,
            int retryAfterSeconds,
            double serverError,
            double watchGone,
            double slow,
            Duration slowFor,
            double reset) {
        public static final Rates NONE = new Rates(0, 0, 1, 0, 0, 0, Duration.ZERO, 0);

        public Rates {
            share("conflict", conflict);
            share("tooManyRequests", tooManyRequests);
            share("serverError", serverError);
            share("watchGone", watchGone);
            share("slow", slow);
            share("reset", reset);
            if (retryAfterSeconds < 1) {
                throw new IllegalArgumentException("retryAfterSeconds = " + retryAfterSeconds + ", must be >= 1");
            }
            if (slowFor == null || slowFor.isNegative()) {
                throw new IllegalArgumentException("slowFor = " + slowFor + ", must be a duration >= 0");
            }
            double errors = tooManyRequests + serverError + Math.max(conflict, watchGone) + reset;
            if (errors > 1.0 + 1e-9) {
                throw new IllegalArgumentException("tooManyRequests + serverError + max(conflict, watchGone) + reset = "
                        + errors + ", must be <= 1");
            }
        }

        private static void share(String name, double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException(name + " = " + v + ", must be in [0, 1]");
            }
        }
    }

    private final Dispatcher upstream;
    private final Random random;
    private volatile Rates rates = Rates.NONE;
    private volatile boolean down;
    private final Map<String, LongAdder> injected = new ConcurrentHashMap<>();
    private final AtomicLong scaleWrites = new AtomicLong();
    private final AtomicLong scaleWriteAttempts = new AtomicLong();
    private final List<Runnable> downListeners = new CopyOnWriteArrayList<>();

    public FaultyDispatcher(Dispatcher upstream, long seed) {
        this.upstream = upstream;
        this.random = new Random(seed);
    }

    /** Changes the rates; takes effect with the next request. */
    public void rates(Rates rates) {
        this.rates = Objects.requireNonNull(rates, "rates");
    }

    public Rates rates() {
        return rates;
    }

    /** Takes the API server away ({@code true}) or brings it back. */
    public void down(boolean down) {
        this.down = down;
        if (down) {
            downListeners.forEach(Runnable::run);
        }
    }

    public boolean isDown() {
        return down;
    }

    /** Called whenever the server goes down (the proxy resets its connections). */
    void onDown(Runnable listener) {
        downListeners.add(listener);
    }

    /** Faults injected so far, per kind (the constants of this class); kinds never injected are absent. */
    public Map<String, Long> injected() {
        Map<String, Long> out = new TreeMap<>();
        injected.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** PUT/PATCH on {@code /scale} that reached the store and that it accepted (2xx). */
    public long scaleWrites() {
        return scaleWrites.get();
    }

    /** Every PUT/PATCH on {@code /scale}, faulted or not (exempt requests aside). */
    public long scaleWriteAttempts() {
        return scaleWriteAttempts.get();
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (EXEMPT_VALUE.equals(request.getHeader(EXEMPT_HEADER))) {
            return upstream.dispatch(request);
        }
        String method = request.getMethod() == null ? "" : request.getMethod().toUpperCase(Locale.ROOT);
        String path = request.getPath() == null ? "" : request.getPath();
        boolean update = method.equals("PUT") || method.equals("PATCH");
        boolean scaleWrite = update && pathOnly(path).endsWith("/scale");
        boolean watch = isWatch(path);
        if (scaleWrite) {
            scaleWriteAttempts.incrementAndGet();
        }
        if (down) {
            count(DOWN);
            return status(503, "ServiceUnavailable", "the API server is down (chaos)");
        }
        Rates r = rates;
        double u;
        double s;
        boolean after;
        synchronized (random) {
            u = random.nextDouble();
            s = random.nextDouble();
            after = random.nextBoolean();
        }
        MockResponse response = fault(r, u, update, watch, after, scaleWrite, request);
        if (response == null) {
            response = forward(request, scaleWrite);
        }
        if (!watch && s < r.slow() && !r.slowFor().isZero() && response.getWebSocketListener() == null) {
            count(SLOW);
            if (response.getBody() == null || response.getBody().size() == 0) {
                response.setBody("{}");
            }
            response.setBodyDelay(r.slowFor());
        }
        return response;
    }

    private MockResponse fault(
            Rates r,
            double u,
            boolean update,
            boolean watch,
            boolean after,
            boolean scaleWrite,
            RecordedRequest request) {
        double edge = r.tooManyRequests();
        if (u < edge) {
            count(TOO_MANY_REQUESTS);
            String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":\"too many requests, please try again later (chaos)\",\"reason\":\"TooManyRequests\","
                    + "\"details\":{\"retryAfterSeconds\":" + r.retryAfterSeconds() + "},\"code\":429}";
            return new MockResponse()
                    .setResponseCode(429)
                    .setHeader("Content-Type", "application/json")
                    .setHeader("Retry-After", r.retryAfterSeconds())
                    .setBody(body);
        }
        if (u < (edge += r.serverError())) {
            count(SERVER_ERROR);
            return after
                    ? status(503, "ServiceUnavailable", "the server is currently unable to handle the request (chaos)")
                    : status(
                            500,
                            "InternalError",
                            "an error on the server has prevented the request from succeeding (chaos)");
        }
        if (update) {
            if (u < (edge += r.conflict())) {
                count(CONFLICT);
                return status(
                        409,
                        "Conflict",
                        "the object has been modified; please apply your changes to the latest "
                                + "version and try again (chaos)");
            }
        } else if (watch) {
            if (u < (edge += r.watchGone())) {
                count(WATCH_GONE);
                return gone(request);
            }
        }
        if (u < edge + r.reset()) {
            count(RESET);
            if (after) {
                count(RESET_AFTER_WRITE);
                forward(request, scaleWrite);
            }
            return status(500, "InternalError", "connection reset (chaos)").setHeader(RESET_MARKER, "1");
        }
        return null;
    }

    private MockResponse forward(RecordedRequest request, boolean scaleWrite) {
        MockResponse response = upstream.dispatch(request);
        if (scaleWrite && response.code() >= 200 && response.code() < 300) {
            scaleWrites.incrementAndGet();
        }
        return response;
    }

    private void count(String kind) {
        injected.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    static String pathOnly(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    static boolean isWatch(String path) {
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String p : path.substring(q + 1).split("&")) {
                if (p.equals("watch=true") || p.equals("watch=1")) {
                    return true;
                }
            }
        }
        return pathOnly(path).contains("/watch/");
    }

    /**
     * What the API server answers a watch from a resourceVersion it no longer has: the watch opens,
     * carries one ERROR event with a 410 Expired Status, and ends. fabric8's informer relists on it
     * (an HTTP 410 to the watch request itself only makes it retry the same watch with back-off).
     */
    static MockResponse gone(RecordedRequest request) {
        String event = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"too old resource version (chaos)\",\"reason\":\"Expired\","
                + "\"code\":410}}";
        String upgrade = request.getHeader("Upgrade");
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                    ws.send(event);
                    ws.close(1000, "watch expired");
                }
            });
        }
        return new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "application/json")
                .setBody(event + "\n");
    }

    /** A {@code Status} answer as the API server writes it. */
    static MockResponse status(int code, String reason, String message) {
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\""
                + message + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
        return new MockResponse()
                .setResponseCode(code)
                .setHeader("Content-Type", "application/json")
                .setBody(body);
    }
}

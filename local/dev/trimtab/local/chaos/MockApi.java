package dev.trimtab.local.chaos;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fabric8 mock API server (CRUD) behind a {@link FaultyDispatcher}, and a TCP proxy in front
 * of it that turns the dispatcher's resets into real connection resets (RST) and, while the
 * dispatcher is {@link FaultyDispatcher#down(boolean) down}, resets every open and new connection.
 *
 * <p>Give {@link #url()} (the proxy) to the processes under test; use {@link #directClient()}
 * (no proxy, exempt from every fault) to seed and to read the final state.
 */
public final class MockApi implements AutoCloseable {
    /** Held so that its level stays: the mock server logs every request at INFO. */
    private static final Logger MOCK_LOG = Logger.getLogger(MockWebServer.class.getName());

    private static final byte[] MARKER = FaultyDispatcher.RESET_MARKER.getBytes(StandardCharsets.US_ASCII);

    private final FaultyDispatcher dispatcher;
    private final KubernetesMockServer server;
    private final ServerSocket listener;
    private final Set<Pair> open = ConcurrentHashMap.newKeySet();
    private final Thread drain;
    private volatile boolean closed;
    private KubernetesClient client;
    private KubernetesClient direct;

    private MockApi(FaultyDispatcher dispatcher, KubernetesMockServer server, ServerSocket listener) {
        this.dispatcher = dispatcher;
        this.server = server;
        this.listener = listener;
        dispatcher.onDown(this::resetAll);
        Thread accept = new Thread(this::accept, "chaos-proxy-accept");
        accept.setDaemon(true);
        accept.start();
        // the mock web server keeps every request in a queue that nobody reads: empty it
        drain = new Thread(
                () -> {
                    try {
                        while (!closed) {
                            server.takeRequest(1, TimeUnit.SECONDS);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "chaos-mock-drain");
        drain.setDaemon(true);
        drain.start();
    }

    /** Starts a fresh CRUD mock server behind {@code d} and the proxy on an ephemeral loopback port. */
    public static MockApi start(FaultyDispatcher d) {
        return start(d, 0);
    }

    /** As {@link #start(FaultyDispatcher)}, the proxy on {@code port} (0: any free port). */
    public static MockApi start(FaultyDispatcher d, int port) {
        MOCK_LOG.setLevel(Level.WARNING);
        KubernetesMockServer server =
                new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), d, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        try {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return new MockApi(d, server, s);
        } catch (IOException e) {
            server.destroy();
            throw new IllegalStateException("cannot listen on loopback port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * A {@link FaultyDispatcher} over fresh {@link KubernetesCrudDispatcher}s: one for Events, one
     * for everything else. The CRUD dispatcher finds an object by scanning all it stores, and a
     * long run stores an Event for most rescales: in one store, a GET of a Deployment took 0.9 ms
     * at 2,000 Events and 17.3 ms at 30,000, so the suite's own API slowed the instances down as the
     * run went on (docs/reliability.md, the 9th long run). The API server keeps Events apart too
     * (their own etcd prefix, read by key), so this is closer to it.
     */
    public static FaultyDispatcher crud(long seed) {
        KubernetesCrudDispatcher objects = new KubernetesCrudDispatcher();
        KubernetesCrudDispatcher events = new KubernetesCrudDispatcher();
        return new FaultyDispatcher(
                new Dispatcher() {
                    @Override
                    public MockResponse dispatch(RecordedRequest r) {
                        return isEvents(r.getPath()) ? events.dispatch(r) : objects.dispatch(r);
                    }
                },
                seed);
    }

    /** core/v1 {@code .../events[/name]} and {@code events.k8s.io}; not a resource merely named "events". */
    static boolean isEvents(String path) {
        String p = path == null ? "" : FaultyDispatcher.pathOnly(path);
        return p.startsWith("/apis/events.k8s.io/")
                || p.matches("/api/v1/(watch/)?(namespaces/[^/]+/)?events(/[^/]+)?");
    }

    /** The API's URL through the fault proxy, e.g. {@code http://127.0.0.1:41234/}. */
    public String url() {
        return "http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort() + "/";
    }

    /** The mock server's own URL: faults of the dispatcher only, no resets, not taken down by the proxy. */
    public String serverUrl() {
        return server.url("/");
    }

    public int port() {
        return listener.getLocalPort();
    }

    public FaultyDispatcher dispatcher() {
        return dispatcher;
    }

    /** Connections open through the proxy now. */
    public int openConnections() {
        return open.size();
    }

    /** A client through the proxy: it sees every fault. One per MockApi, closed with it. */
    public synchronized KubernetesClient client() {
        if (client == null) {
            client = server.createClient(
                    b -> b.editOrNewConfig().withMasterUrl(url()).endConfig());
        }
        return client;
    }

    /**
     * A new client through the proxy that retries a failed request at most {@code retries} times
     * (fabric8's requestRetryBackoffLimit; 0 shows every fault); the caller closes it.
     */
    public KubernetesClient newClient(int retries) {
        return server.createClient(b -> b.editOrNewConfig()
                .withMasterUrl(url())
                .withRequestRetryBackoffLimit(retries)
                .withRequestRetryBackoffInterval(10)
                .endConfig());
    }

    /** A client straight to the mock server whose requests are exempt from every fault. */
    public synchronized KubernetesClient directClient() {
        if (direct == null) {
            direct = server.createClient(b -> b.editOrNewConfig()
                    .addToCustomHeaders(FaultyDispatcher.EXEMPT_HEADER, FaultyDispatcher.EXEMPT_VALUE)
                    .endConfig());
        }
        return direct;
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        resetAll();
        if (client != null) {
            client.close();
        }
        if (direct != null) {
            direct.close();
        }
        drain.interrupt();
        server.destroy();
    }

    private void accept() {
        while (!closed) {
            Socket c;
            try {
                c = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                continue;
            }
            if (dispatcher.isDown()) {
                reset(c);
                continue;
            }
            Socket u;
            try {
                c.setTcpNoDelay(true);
                u = new Socket(InetAddress.getLoopbackAddress(), server.getPort());
                u.setTcpNoDelay(true);
            } catch (IOException e) {
                reset(c);
                continue;
            }
            Pair p = new Pair(c, u);
            open.add(p);
            start(() -> p.pump(true), "chaos-proxy-up");
            start(() -> p.pump(false), "chaos-proxy-down");
        }
    }

    private static void start(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void resetAll() {
        for (Pair p : open) {
            p.reset();
        }
    }

    static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0); // close sends RST
        } catch (IOException ignored) {
            // closed already
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    /** One client connection and its connection to the mock server. */
    private final class Pair {
        final Socket client;
        final Socket upstream;

        Pair(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        /** Copies one direction; server-to-client is scanned for the reset marker. */
        void pump(boolean toUpstream) {
            Socket from = toUpstream ? client : upstream;
            Socket to = toUpstream ? upstream : client;
            byte[] buf = new byte[16384];
            byte[] tail = new byte[0];
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (dispatcher.isDown()) {
                        reset();
                        return;
                    }
                    if (!toUpstream) {
                        if (containsMarker(tail, buf, n)) {
                            reset();
                            return;
                        }
                        tail = tailOf(tail, buf, n);
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                to.shutdownOutput();
            } catch (IOException e) {
                reset();
            } finally {
                if (client.isClosed()
                        || upstream.isClosed()
                        || (client.isInputShutdown() && upstream.isInputShutdown())) {
                    open.remove(this);
                }
            }
        }

        void reset() {
            open.remove(this);
            MockApi.reset(client);
            MockApi.reset(upstream);
        }
    }

    /** Whether {@code tail + buf[0..n)} holds the marker, ASCII case-insensitively. */
    static boolean containsMarker(byte[] tail, byte[] buf, int n) {
        int total = tail.length + n;
        outer:
        for (int i = 0; i + MARKER.length <= total; i++) {
            for (int j = 0; j < MARKER.length; j++) {
                int k = i + j;
                byte b = k < tail.length ? tail[k] : buf[k - tail.length];
                if (lower(b) != MARKER[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }

    /** The last {@code MARKER.length - 1} bytes of {@code tail + buf[0..n)}. */
    static byte[] tailOf(byte[] tail, byte[] buf, int n) {
        int keep = Math.min(MARKER.length - 1, tail.length + n);
        byte[] out = new byte[keep];
        for (int i = 0; i < keep; i++) {
            int k = tail.length + n - keep + i;
            out[i] = k < tail.length ? tail[k] : buf[k - tail.length];
        }
        return out;
    }
}

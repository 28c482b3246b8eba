package dev.trimtab.ingest.live;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.trimtab.autoscaler.core.PromQuery;
import dev.trimtab.ingest.events.PromQueryAnswers;
import dev.trimtab.ingest.events.PromQueryAnswers.Answer;
import dev.trimtab.ingest.events.PromQueryAnswers.Result;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The query as sent over HTTP (KEDA's URL, headers), and the transport's bounds: redirects, time, size. */
class PromQueryClientTest {
    private static final String ONE = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{},\"value\":[1,\"12\"]}]}}";
    private HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final PromQueryClient client = new PromQueryClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok/api/v1/query", ex -> {
            requests.add(ex.getRequestURI().getRawQuery() + " tenant="
                    + ex.getRequestHeaders().getFirst("X-Scope-OrgID"));
            answer(ex, 200, ONE.getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/redirect/api/v1/query", ex -> {
            ex.getResponseHeaders().add("Location", base() + "/ok/api/v1/query");
            answer(ex, 302, new byte[0]);
        });
        server.createContext("/slow/api/v1/query", ex -> {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, ONE.getBytes(StandardCharsets.UTF_8));
        });
        server.createContext("/large/api/v1/query", ex -> {
            ex.sendResponseHeaders(200, 0); // chunked, no length announced
            try (OutputStream out = ex.getResponseBody()) {
                byte[] block = new byte[64 * 1024];
                Arrays.fill(block, (byte) ' ');
                for (int i = 0; i < 64; i++) { // 4 MiB
                    out.write(block);
                }
            } catch (IOException e) {
                // the client stopped reading: expected
            }
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
        ex.close();
    }

    private PromQuery query(String path, int timeoutMillis) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("dedup", "true");
        return new PromQuery(
                base() + path,
                "sum(rate(x{a=\"b c\"}[2m]))",
                "shop",
                Map.of("X-Scope-OrgID", "t1"),
                params,
                true,
                timeoutMillis,
                1);
    }

    @Test
    void theRequestIsKedas() {
        Answer a = client.query(query("/ok", 2000), Instant.parse("2026-12-07T00:00:01.250Z"));
        assertThat(a.result()).as(a.detail()).isEqualTo(Result.ok);
        assertThat(a.milli()).isEqualTo(12_000);
        assertThat(requests)
                .containsExactly("query=sum%28rate%28x%7Ba%3D%22b+c%22%7D%5B2m%5D%29%29&time=1796601601.250"
                        + "&namespace=shop&dedup=true tenant=t1");
    }

    @Test
    void aRedirectIsNotFollowed() {
        Answer a = client.query(query("/redirect", 2000), Instant.now());
        assertThat(a.result()).isEqualTo(Result.http_error);
        assertThat(a.detail()).contains("HTTP 302");
        assertThat(requests).isEmpty();
    }

    @Test
    void theTimeoutBoundsTheWholeExchange() {
        long start = System.nanoTime();
        Answer a = client.query(query("/slow", 300), Instant.now());
        assertThat(a.result()).isEqualTo(Result.timeout);
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms").isLessThan(2500);
    }

    @Test
    void aBodyPastOneMebibyteIsNotReadFurther() {
        Answer a = client.query(query("/large", 5000), Instant.now());
        assertThat(a.result()).isEqualTo(Result.too_large);
        assertThat(a.detail()).contains(Integer.toString(PromQueryAnswers.MAX_BODY));
    }

    @Test
    void aClosedPortIsUnreachable() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Answer a = client.query(
                new PromQuery("http://127.0.0.1:" + port, "up", "", Map.of(), Map.of(), true, 2000, 1), Instant.now());
        assertThat(a.result()).isEqualTo(Result.unreachable);
    }
}

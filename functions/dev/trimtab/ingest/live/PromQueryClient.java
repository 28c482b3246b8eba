package dev.trimtab.ingest.live;

import dev.trimtab.autoscaler.core.PromQuery;
import dev.trimtab.ingest.events.PromQueryAnswers;
import dev.trimtab.ingest.events.PromQueryAnswers.Answer;
import dev.trimtab.ingest.events.PromQueryAnswers.Result;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one PromQL instant query as KEDA's Prometheus scaler does, over {@link HttpClient}: no
 * redirect followed (a 3xx is an error), HTTP/1.1, the whole exchange bounded by the query's
 * {@code timeout} (then cancelled), the body read to {@link PromQueryAnswers#MAX_BODY} + 1 bytes
 * at most. The caller checks the server against the allow list first.
 */
final class PromQueryClient {
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30))
            .build();

    /** Runs one query; never throws. */
    Answer query(PromQuery q, Instant at) {
        HttpRequest request;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri(q, at))
                    .GET()
                    .timeout(Duration.ofMillis(q.timeoutMillis()))
                    .header("Accept", "application/json");
            q.customHeaders().forEach(b::header);
            request = b.build();
        } catch (IllegalArgumentException e) {
            return Answer.failed(Result.bad_answer, "the request cannot be made: " + e.getMessage());
        }
        CompletableFuture<HttpResponse<byte[]>> f =
                http.sendAsync(request, info -> new BoundedBody(PromQueryAnswers.MAX_BODY));
        try {
            HttpResponse<byte[]> response = f.get(q.timeoutMillis(), TimeUnit.MILLISECONDS);
            return PromQueryAnswers.read(response.statusCode(), response.body(), q.ignoreNullValues());
        } catch (TimeoutException e) {
            f.cancel(true);
            return Answer.failed(Result.timeout, "no answer within " + q.timeoutMillis() + " ms");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            return Answer.failed(Result.unreachable, "interrupted");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof HttpTimeoutException) {
                return Answer.failed(Result.timeout, "no answer within " + q.timeoutMillis() + " ms");
            }
            return Answer.failed(
                    Result.unreachable,
                    c instanceof IOException && c.getMessage() == null
                            ? c.getClass().getSimpleName()
                            : String.valueOf(c.getMessage()));
        }
    }

    /** {@code <serverAddress>/api/v1/query?query=…&time=…[&namespace=…][&k=v…]}, as KEDA builds it. */
    static URI uri(PromQuery q, Instant at) {
        StringBuilder s = new StringBuilder(q.serverAddress())
                .append("/api/v1/query?query=")
                .append(encode(q.query()))
                .append("&time=")
                .append(at.getEpochSecond())
                .append('.')
                .append(String.format("%03d", at.getNano() / 1_000_000));
        if (!q.namespace().isEmpty()) {
            s.append("&namespace=").append(encode(q.namespace()));
        }
        q.queryParameters()
                .forEach((k, v) -> s.append('&').append(encode(k)).append('=').append(encode(v)));
        return URI.create(s.toString());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

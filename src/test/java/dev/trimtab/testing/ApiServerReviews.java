package dev.trimtab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trimtab.cloudevents.CloudEventCodec;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.utils.ResponseProvider;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API server's TokenReview and SubjectAccessReview on the fabric8 mock server, answered from
 * state (tokens with their user and audiences, the permissions each user holds), not from a call
 * script: each review reads the token, user and attributes from the request body as the real one
 * does. A ServiceAccount token asked about without audiences is checked against the API server's
 * own ({@value #API_AUDIENCE}); a cluster-wide grant covers every namespace. Counts the reviews
 * it answered; {@link #down} makes it answer 503 as an overloaded or failing API server.
 */
public final class ApiServerReviews {
    public static final String API_AUDIENCE = "https://kubernetes.default.svc.cluster.local";
    private static final Map<KubernetesServer, ApiServerReviews> INSTALLED = new WeakHashMap<>();

    private record Token(String user, List<String> groups, Set<String> audiences) {}

    private final Map<String, Token> tokens = new ConcurrentHashMap<>();
    private final Set<String> grants = ConcurrentHashMap.newKeySet();
    public final AtomicInteger tokenReviews = new AtomicInteger();
    public final AtomicInteger accessReviews = new AtomicInteger();
    public volatile boolean down;

    /** The fake on {@code server}, installed once per mock server (expectations outlive a test). */
    public static synchronized ApiServerReviews on(KubernetesServer server) {
        return INSTALLED.computeIfAbsent(server, s -> {
            ApiServerReviews r = new ApiServerReviews();
            s.expect()
                    .post()
                    .withPath("/apis/authentication.k8s.io/v1/tokenreviews")
                    .andReply(r.provider(r::tokenReview))
                    .always();
            s.expect()
                    .post()
                    .withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews")
                    .andReply(r.provider(r::accessReview))
                    .always();
            return r;
        });
    }

    /** Forgets every token and grant, up again, counters at zero. */
    public ApiServerReviews reset() {
        tokens.clear();
        grants.clear();
        tokenReviews.set(0);
        accessReviews.set(0);
        down = false;
        return this;
    }

    /** {@code token} authenticates {@code user} for {@code audiences} (none: the API server's own). */
    public ApiServerReviews token(String token, String user, List<String> groups, String... audiences) {
        tokens.put(token, new Token(user, groups, audiences.length == 0 ? Set.of(API_AUDIENCE) : Set.of(audiences)));
        return this;
    }

    /** {@code user} may {@code verb} {@code resource/subresource} of query.trimtab.dev in {@code namespace} ("" everywhere). */
    public ApiServerReviews grant(String user, String verb, String resource, String subresource, String namespace) {
        grants.add(String.join("|", user, verb, "query.trimtab.dev", resource, subresource, namespace));
        return this;
    }

    public ApiServerReviews grantNonResource(String user, String verb, String path) {
        grants.add(String.join("|", user, verb, path));
        return this;
    }

    private interface Answer {
        JsonNode answer(JsonNode review);
    }

    private ResponseProvider<Object> provider(Answer answer) {
        return new ResponseProvider<>() {
            private Headers headers = Headers.builder().build();

            @Override
            public int getStatusCode(RecordedRequest request) {
                return down ? 503 : 200;
            }

            @Override
            public Object getBody(RecordedRequest request) {
                if (down) {
                    return "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                            + "\"the server is currently unable to handle the request\",\"reason\":\"ServiceUnavailable\",\"code\":503}";
                }
                try {
                    return CloudEventCodec.JSON.writeValueAsString(
                            answer.answer(CloudEventCodec.JSON.readTree(request.getUtf8Body())));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Headers getHeaders() {
                return headers;
            }

            @Override
            public void setHeaders(Headers h) {
                headers = h;
            }
        };
    }

    private JsonNode tokenReview(JsonNode review) {
        tokenReviews.incrementAndGet();
        ObjectNode out = review.deepCopy();
        ObjectNode status = out.putObject("status");
        Token t = tokens.get(review.at("/spec/token").asText());
        List<String> asked = new ArrayList<>();
        review.at("/spec/audiences").forEach(a -> asked.add(a.asText()));
        List<String> wanted = asked.isEmpty() ? List.of(API_AUDIENCE) : asked;
        if (t == null) {
            status.put("authenticated", false).put("error", "invalid bearer token");
            return out;
        }
        List<String> valid = wanted.stream().filter(t.audiences()::contains).toList();
        if (valid.isEmpty()) {
            status.put("authenticated", false)
                    .put(
                            "error",
                            "[invalid bearer token, token audiences " + t.audiences()
                                    + " is invalid for the target audiences " + wanted + "]");
            return out;
        }
        status.put("authenticated", true);
        ObjectNode user = status.putObject("user").put("username", t.user()).put("uid", "uid-" + t.user());
        t.groups().forEach(user.putArray("groups")::add);
        if (!asked.isEmpty()) {
            valid.forEach(status.putArray("audiences")::add);
        }
        return out;
    }

    private JsonNode accessReview(JsonNode review) {
        accessReviews.incrementAndGet();
        ObjectNode out = review.deepCopy();
        JsonNode spec = review.path("spec");
        String user = spec.path("user").asText();
        boolean allowed;
        if (spec.has("nonResourceAttributes")) {
            JsonNode n = spec.path("nonResourceAttributes");
            allowed = grants.contains(String.join(
                    "|", user, n.path("verb").asText(), n.path("path").asText()));
        } else {
            JsonNode r = spec.path("resourceAttributes");
            String key = String.join(
                    "|",
                    user,
                    r.path("verb").asText(),
                    r.path("group").asText(),
                    r.path("resource").asText(),
                    r.path("subresource").asText());
            allowed = grants.contains(key + "|" + r.path("namespace").asText()) || grants.contains(key + "|");
        }
        ObjectNode status = out.putObject("status").put("allowed", allowed);
        if (allowed) {
            status.put("reason", "RBAC: allowed by ClusterRoleBinding of user \"" + user + "\"");
        }
        return out;
    }
}

package dev.trimtab.auth.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.ApiServerReviews;
import dev.trimtab.testing.AuthTls;
import dev.trimtab.testing.EmbeddedKafka;
import dev.trimtab.testing.MockKubernetes;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Over HTTPS: admission is served; x509 client certificates from the client CA authenticate as
 * the API server reads them (CN the user, O the groups) and are then authorized by
 * SubjectAccessReview — how the kube-scheduler, which sends no token, calls the extender. A
 * certificate the CA did not sign authenticates nobody; push still wants its audience-bound token.
 */
@Tag("quarkus")
@QuarkusTest
@QuarkusTestResource(MockKubernetes.class)
@QuarkusTestResource(EmbeddedKafka.class)
@TestProfile(AuthTls.class)
class ClientCertificateTest {
    static final String ARGS =
            "{\"pod\":{\"metadata\":{\"name\":\"p\",\"namespace\":\"place\"},\"spec\":{\"containers\":"
                    + "[{\"name\":\"c\"}]}},\"nodenames\":[\"n1\"]}";

    @KubernetesTestServer
    KubernetesServer server;

    @TestHTTPResource(value = "/", tls = true)
    URL https;

    @TestHTTPResource("/")
    URL http;

    ApiServerReviews api;

    @BeforeEach
    void grants() {
        api = ApiServerReviews.on(server).reset().grant("system:kube-scheduler", "create", "placement", "filter", "");
    }

    @Test
    void theSchedulersCertificateCallsTheExtender() throws Exception {
        HttpResponse<String> r = post(client("scheduler.p12"), https, "/placement/extender/filter", ARGS);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(api.tokenReviews.get())
                .as("a certificate needs no TokenReview")
                .isZero();
        assertThat(api.accessReviews.get()).isEqualTo(1);
    }

    @Test
    void aCertifiedUserWithoutThePermissionIs403() throws Exception {
        HttpResponse<String> r = post(client("eve.p12"), https, "/placement/extender/filter", ARGS);
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body())
                .contains("user \"eve\" (groups dev, qa, system:authenticated) may not create placement/filter");
    }

    @Test
    void aCertificateNotSignedByTheClientCaAuthenticatesNobody() throws Exception {
        HttpResponse<String> r;
        try {
            r = post(client("forged.p12"), https, "/placement/extender/filter", ARGS);
        } catch (IOException e) {
            // refused in the TLS handshake (as good as a 401), and nothing else: a refused connection,
            // a wrong port or a time-out must fail this test
            Throwable c = e;
            while (c != null && !(c instanceof SSLException)) {
                c = c.getCause();
            }
            assertThat(c).as("a TLS refusal, not %s", e.toString()).isNotNull();
            return;
        }
        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void pushWantsItsTokenEvenWithACertificate() throws Exception {
        HttpResponse<String> r = post(client("scheduler.p12"), https, "/", "{}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("Bearer"));
    }

    @Test
    void admissionIsServedOverTlsOnly() throws Exception {
        HttpResponse<String> tls = post(client(null), https, "/admission/validate", "{}");
        assertThat(tls.statusCode())
                .as("reaches the endpoint, which reads the review")
                .isEqualTo(400);
        HttpResponse<String> plain = post(HttpClient.newHttpClient(), http, "/admission/validate", "{}");
        assertThat(plain.statusCode()).isEqualTo(403);
        assertThat(plain.body()).contains("admission reviews are accepted over TLS only");
    }

    private static HttpResponse<String> post(HttpClient client, URL base, String path, String body) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An HTTPS client presenting {@code keyStore}'s certificate (none when null), trusting the test server. */
    private static HttpClient client(String keyStore) throws Exception {
        KeyManagerFactory kmf = null;
        if (keyStore != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (FileInputStream in = new FileInputStream("src/test/resources/tls/" + keyStore)) {
                ks.load(in, "secret".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "secret".toCharArray());
        }
        TrustManager trustAll = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {}

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {trustAll}, null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }
}

package dev.trimtab.testing;

import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.Map;

/**
 * Authentication on, served over HTTPS as well, with x509 client certificates accepted from the
 * test client CA (src/test/resources/tls): the scheduler-extender and admission-over-TLS cases.
 */
public class AuthTls implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("trimtab.auth.enabled", "true"),
                Map.entry("trimtab.auth.admission.allow-plain-http", "false"),
                Map.entry("trimtab.auth.client-certificates.enabled", "true"),
                Map.entry("quarkus.http.ssl.certificate.files", "src/test/resources/tls/server.crt"),
                Map.entry("quarkus.http.ssl.certificate.key-files", "src/test/resources/tls/server.key"),
                Map.entry("quarkus.http.ssl.certificate.trust-store-file", "src/test/resources/tls/client-ca.p12"),
                Map.entry("quarkus.http.ssl.certificate.trust-store-file-type", "PKCS12"),
                Map.entry("quarkus.http.ssl.certificate.trust-store-password", "secret"),
                Map.entry("quarkus.http.ssl.client-auth", "request"),
                Map.entry("quarkus.http.test-ssl-port", "0"));
    }
}

package dev.trimtab.policy.live;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.SelfSignedCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admission readiness check: UP while the serving certificate could be presented, DOWN
 * naming the file when it is expired, not yet valid or unreadable; no TLS configured is UP.
 */
class AdmissionHealthTest {
    private static SelfSignedCertificate cert;
    private static LivePolicies policies;

    @BeforeAll
    static void setUp() throws Exception {
        cert = SelfSignedCertificate.create(Files.createTempDirectory("admission-health"), null, 30);
        policies = new LivePolicies("policies", null, new SimpleMeterRegistry());
    }

    private static HealthCheckResponse at(Instant now, List<Path> files) {
        return new AdmissionHealth(policies, files, Clock.fixed(now, ZoneOffset.UTC)).call();
    }

    @Test
    void upWithinTheCertificatesValidityAndWithTheCountsOfPoliciesInForce() {
        HealthCheckResponse r = at(Instant.now(), List.of(cert.certificate()));
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(r.getName()).isEqualTo("admission-webhook");
        assertThat(r.getData().orElseThrow()).containsEntry("validatingPolicies", (long) policies.size());
        assertThat(policies.size()).isPositive();
    }

    @Test
    void downOnceTheCertificateHasExpiredOrBeforeItIsValid() {
        Instant after = cert.x509().getNotAfter().toInstant().plusSeconds(1);
        HealthCheckResponse expired = at(after, List.of(cert.certificate()));
        assertThat(expired.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(expired.getData().orElseThrow().get("error").toString())
                .contains(cert.certificate().toString())
                .contains("expired at");
        Instant before = cert.x509().getNotBefore().toInstant().minusSeconds(1);
        assertThat(at(before, List.of(cert.certificate()))
                        .getData()
                        .orElseThrow()
                        .get("error")
                        .toString())
                .contains("is not valid before");
    }

    @Test
    void downWhenTheCertificateCannotBeReadAndUpWithoutTls() throws Exception {
        Path missing = cert.certificate().resolveSibling("nope.crt");
        HealthCheckResponse r = at(Instant.now(), List.of(missing));
        assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(r.getData().orElseThrow().get("error").toString()).contains("nope.crt cannot be read");
        Path garbage = Files.writeString(cert.certificate().resolveSibling("garbage.crt"), "not a certificate");
        assertThat(at(Instant.now(), List.of(garbage)).getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(at(Instant.now(), List.of()).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
    }
}

package dev.trimtab.policy.live;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Whether the admission webhook can answer the API server: the readiness of the policy pods
 * ({@code /q/health/group/admission}, k8s-manifests/policy/deployment.yaml). Only what an
 * admission answer needs belongs to the group {@value #GROUP}: the policies in memory and the
 * serving certificate the API server checks. Kafka (the audit, the policy events) and the
 * Kubernetes API (namespaces, parameters, watches) are left out on purpose: a Kafka outage must not
 * take admission away (Strimzi could then not recreate its brokers), and a review that needs the
 * API and cannot reach it already gets a 500 that the webhook's failurePolicy decides
 * (docs/webhook.md). Their checks stay on {@code /q/health/ready} for monitoring. Another check
 * joins the group by carrying {@code @HealthGroup(AdmissionHealth.GROUP)}.
 *
 * <p>DOWN when a configured serving certificate ({@code quarkus.http.ssl.certificate.files})
 * cannot be read or is outside its validity period (cert-manager did not renew it, or the clock is
 * wrong): the API server would refuse the TLS handshake, so this pod cannot answer; another can.
 */
@Readiness
@HealthGroup(AdmissionHealth.GROUP)
@ApplicationScoped
public class AdmissionHealth implements HealthCheck {
    public static final String GROUP = "admission";
    static final String NAME = "admission-webhook";

    private final LivePolicies policies;
    private final List<Path> certificates;
    private final Clock clock;

    @Inject
    public AdmissionHealth(
            LivePolicies policies,
            @ConfigProperty(name = "quarkus.http.ssl.certificate.files") Optional<List<String>> certificates) {
        this(policies, certificates.orElse(List.of()).stream().map(Path::of).toList(), Clock.systemUTC());
    }

    AdmissionHealth(LivePolicies policies, List<Path> certificates, Clock clock) {
        this.policies = policies;
        this.certificates = List.copyOf(certificates);
        this.clock = clock;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .withData("validatingPolicies", policies.size())
                .withData("validatingBindings", policies.bindings())
                .withData("mutatingPoliciesAndBindings", policies.mutating());
        List<String> problems = certificateProblems(certificates, clock.instant());
        b.withData("servingCertificates", certificates.isEmpty() ? "none (plain HTTP)" : certificates.toString());
        if (!problems.isEmpty()) {
            return b.down().withData("error", String.join("; ", problems)).build();
        }
        return b.up().build();
    }

    /** Why the serving certificates would fail a TLS handshake at {@code now}; empty when they would not. */
    static List<String> certificateProblems(List<Path> files, Instant now) {
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            X509Certificate leaf;
            try (InputStream in = Files.newInputStream(file)) {
                leaf = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            } catch (IOException | CertificateException | RuntimeException e) {
                problems.add("serving certificate " + file + " cannot be read: " + e.getMessage());
                continue;
            }
            if (now.isAfter(leaf.getNotAfter().toInstant())) {
                problems.add("serving certificate " + file + " expired at "
                        + leaf.getNotAfter().toInstant() + " (is cert-manager renewing it?)");
            } else if (now.isBefore(leaf.getNotBefore().toInstant())) {
                problems.add("serving certificate " + file + " is not valid before "
                        + leaf.getNotBefore().toInstant());
            }
        }
        return problems;
    }
}

package dev.trimtab.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Watches the mounted Strimzi secret files that the Kafka clients read at start. Kafka clients do
 * not reload TLS material or SASL credentials, so a file the User Operator or Cluster Operator has
 * rotated since (kubelet updates a mounted secret within about a minute) is used only after a
 * restart. This says so: a WARN naming the setting and the file (never the content), and the
 * gauge {@code trimtab_kafka_credentials_changed} at 1 until the restart, for an alert. For SSL the
 * client certificate's expiry is the gauge {@code trimtab_kafka_client_certificate_expiry_seconds}
 * (Unix time), the date by which a restart must have picked up the renewed one. Neither touches
 * readiness or liveness: every replica sees a rotation at about the same time, and restarting them
 * all at once would be worse than running on with a still-valid certificate (docs/decisions/0025).
 */
@ApplicationScoped
@Startup
public class KafkaCredentialFiles {
    private static final Logger LOG = Logger.getLogger(KafkaCredentialFiles.class);

    private final Map<String, Path> files;
    private final Map<String, String> loaded = new LinkedHashMap<>();
    private final Set<String> changed = ConcurrentHashMap.newKeySet();

    @Inject
    public KafkaCredentialFiles(Config config, MeterRegistry registry) {
        this(KafkaSecurity.Settings.from(name -> config.getOptionalValue(name, String.class)), registry);
    }

    KafkaCredentialFiles(KafkaSecurity.Settings settings, MeterRegistry registry) {
        Map<String, Path> f;
        try {
            f = KafkaSecurity.files(settings);
        } catch (IllegalArgumentException e) {
            f = Map.of(); // KafkaClientConfig refuses the settings, with the reason
        }
        this.files = f;
        files.forEach((setting, path) -> loaded.put(setting, digest(path).orElse("")));
        Gauge.builder("trimtab_kafka_credentials_changed", changed, c -> c.isEmpty() ? 0 : 1)
                .description("1 when a mounted Kafka credential file (cluster CA, client certificate or key, SCRAM "
                        + "password) differs from what the clients loaded at start: a restart uses it")
                .register(registry);
        Path certificate = files.get(KafkaSecurity.CERT_FILE);
        if (certificate != null) {
            expiry(certificate)
                    .ifPresent(seconds -> Gauge.builder(
                                    "trimtab_kafka_client_certificate_expiry_seconds", () -> seconds)
                            .description("when the Kafka client certificate in use expires (Unix time, seconds)")
                            .register(registry));
        }
    }

    @Scheduled(
            every = "${trimtab.kafka.watch-period:60s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        files.forEach((setting, path) -> {
            String now = digest(path).orElse("");
            if (!now.equals(loaded.get(setting)) && changed.add(setting)) {
                LOG.warnf(
                        "%s = %s has changed since start (rotated by Strimzi?); the Kafka clients keep what they "
                                + "loaded until the process restarts",
                        setting, path);
            }
        });
    }

    /** The settings whose file has changed since start. */
    Set<String> changed() {
        return Set.copyOf(changed);
    }

    private static Optional<String> digest(Path path) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return Optional.of(HexFormat.of().formatHex(sha.digest(Files.readAllBytes(path))));
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Double> expiry(Path certificate) {
        try (InputStream in = Files.newInputStream(certificate)) {
            X509Certificate x =
                    (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Optional.of((double) x.getNotAfter().toInstant().getEpochSecond());
        } catch (IOException | CertificateException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trimtab.testing.SelfSignedCertificate;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rotated credential file is noticed (gauge and the setting named); an untouched one is not. */
class KafkaCredentialFilesTest {
    @TempDir
    Path dir;

    @Test
    void aRotatedClientCertificateIsReportedAndItsExpiryExported() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir.resolve("user"), null, 30);
        Path ca = Files.copy(cert.certificate(), dir.resolve("ca.crt"));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        KafkaCredentialFiles watch = new KafkaCredentialFiles(
                new KafkaSecurity.Settings(
                        "SSL",
                        ca.toString(),
                        cert.certificate().toString(),
                        cert.key().toString(),
                        Optional.empty(),
                        "unused"),
                registry);
        assertThat(registry.get("trimtab_kafka_client_certificate_expiry_seconds")
                        .gauge()
                        .value())
                .isEqualTo((double) cert.x509().getNotAfter().toInstant().getEpochSecond());

        watch.check();
        assertThat(watch.changed()).isEmpty();
        assertThat(registry.get("trimtab_kafka_credentials_changed").gauge().value())
                .isZero();

        Files.writeString(cert.key(), Files.readString(cert.key()).replace("\n-----END", "\n\n-----END"));
        watch.check();
        watch.check();
        assertThat(watch.changed()).isEqualTo(Set.of(KafkaSecurity.KEY_FILE));
        assertThat(registry.get("trimtab_kafka_credentials_changed").gauge().value())
                .isEqualTo(1.0);
    }

    @Test
    void aScramPasswordFileIsWatchedAndPlaintextWatchesNothing() throws Exception {
        Path password = Files.writeString(dir.resolve("password"), "one");
        Path ca = Files.writeString(dir.resolve("ca.crt"), "x");
        KafkaCredentialFiles scram = new KafkaCredentialFiles(
                new KafkaSecurity.Settings(
                        "SASL_SSL", ca.toString(), "unused", "unused", Optional.of("u"), password.toString()),
                new SimpleMeterRegistry());
        Files.writeString(password, "two");
        scram.check();
        assertThat(scram.changed()).containsExactly(KafkaSecurity.PASSWORD_FILE);

        KafkaCredentialFiles plain =
                new KafkaCredentialFiles(KafkaSecurity.Settings.plaintext(), new SimpleMeterRegistry());
        plain.check();
        assertThat(plain.changed()).isEmpty();
    }
}

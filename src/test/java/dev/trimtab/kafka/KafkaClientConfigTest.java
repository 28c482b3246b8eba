package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.ApplicationConfig;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code default-kafka-broker} map as the application builds it from its configuration: the
 * {@code kafka.*} properties (Quarkus's handling, unchanged) with the security properties on top,
 * the settings given as environment variables as a Deployment sets them; bad settings refuse it.
 */
class KafkaClientConfigTest {
    static final ApplicationConfig APP = new ApplicationConfig() {
        @Override
        public Optional<String> name() {
            return Optional.of("trimtab");
        }

        @Override
        public Optional<String> version() {
            return Optional.empty();
        }

        @Override
        public Optional<String> uiHeader() {
            return Optional.empty();
        }
    };

    @TempDir
    Path dir;

    SmallRyeConfig config(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(
                        Map.of(
                                "kafka.bootstrap.servers",
                                "trimtab-kafka-bootstrap.kafka:9093",
                                "kafka.request.timeout.ms",
                                "5000"),
                        "application.properties",
                        250))
                .withSources(new EnvConfigSource(env, 300))
                .build();
    }

    @Test
    void theEnvironmentOfADeploymentTurnsEveryClientToTls() throws IOException {
        Files.writeString(dir.resolve("ca.crt"), KafkaSecurityTest.CERT);
        Files.writeString(dir.resolve("user.crt"), KafkaSecurityTest.CERT);
        Files.writeString(dir.resolve("user.key"), KafkaSecurityTest.KEY);
        Map<String, Object> kafka = new KafkaClientConfig()
                .kafka(
                        config(Map.of(
                                "TRIMTAB_KAFKA_SECURITY_PROTOCOL", "SSL",
                                "TRIMTAB_KAFKA_TLS_CA_FILE",
                                        dir.resolve("ca.crt").toString(),
                                "TRIMTAB_KAFKA_TLS_CERT_FILE",
                                        dir.resolve("user.crt").toString(),
                                "TRIMTAB_KAFKA_TLS_KEY_FILE",
                                        dir.resolve("user.key").toString())),
                        APP);
        assertThat(kafka)
                .containsEntry("bootstrap.servers", "trimtab-kafka-bootstrap.kafka:9093")
                .containsEntry("request.timeout.ms", "5000")
                .containsEntry("group.id", "trimtab")
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.keystore.key", KafkaSecurityTest.KEY)
                .containsEntry("ssl.truststore.certificates", KafkaSecurityTest.CERT);
    }

    @Test
    void plaintextLeavesQuarkussMapAsItWas() {
        Map<String, Object> kafka = new KafkaClientConfig().kafka(config(Map.of()), APP);
        assertThat(kafka).containsOnlyKeys("bootstrap.servers", "request.timeout.ms", "group.id");
    }

    @Test
    void missingSecretFilesRefuseTheMapNamingTheSettings() {
        assertThatThrownBy(() -> new KafkaClientConfig()
                        .kafka(
                                config(Map.of(
                                        "TRIMTAB_KAFKA_SECURITY_PROTOCOL",
                                        "SASL_SSL",
                                        "TRIMTAB_KAFKA_SASL_USERNAME",
                                        "trimtab-policy")),
                                APP))
                .isInstanceOf(KafkaSecurity.InvalidSettings.class)
                .hasMessageContaining("trimtab.kafka.tls.ca-file = /etc/trimtab/kafka/cluster-ca/ca.crt: no such file")
                .hasMessageContaining(
                        "trimtab.kafka.sasl.password-file = /etc/trimtab/kafka/user/password: no such file");
    }
}

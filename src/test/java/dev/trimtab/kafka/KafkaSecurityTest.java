package dev.trimtab.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.security.auth.login.AppConfigurationEntry;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Settings to client properties: what each protocol yields, and every invalid setting refused with
 * its name and value, never with a secret. Files are written here; no broker (that is
 * {@link KafkaSecurityBrokerTest}).
 */
class KafkaSecurityTest {
    static final String CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    static final String KEY = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
    static final String PASSWORD = "s3cr\"et\\pa$${x}ss";

    @TempDir
    static Path dir;

    static Path ca;
    static Path crt;
    static Path key;
    static Path password;

    @BeforeAll
    static void files() throws IOException {
        ca = Files.writeString(dir.resolve("ca.crt"), CERT);
        crt = Files.writeString(dir.resolve("user.crt"), CERT);
        key = Files.writeString(dir.resolve("user.key"), KEY);
        password = Files.writeString(dir.resolve("password"), PASSWORD + "\n");
        Files.writeString(dir.resolve("empty"), "");
        Files.writeString(
                dir.resolve("rsa.key"), "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n");
    }

    static KafkaSecurity.Settings settings(String protocol, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(Map.of(
                KafkaSecurity.PROTOCOL,
                protocol,
                KafkaSecurity.CA_FILE,
                ca.toString(),
                KafkaSecurity.CERT_FILE,
                crt.toString(),
                KafkaSecurity.KEY_FILE,
                key.toString(),
                KafkaSecurity.USERNAME,
                "trimtab-policy",
                KafkaSecurity.PASSWORD_FILE,
                password.toString()));
        all.putAll(more);
        all.values().removeIf(String::isEmpty);
        return KafkaSecurity.Settings.from(name -> Optional.ofNullable(all.get(name)));
    }

    @Test
    void plaintextAddsNothing() {
        assertThat(KafkaSecurity.properties(KafkaSecurity.Settings.plaintext())).isEmpty();
        assertThat(KafkaSecurity.properties(settings("plaintext", Map.of()))).isEmpty();
    }

    @Test
    void sslCarriesTheCaAndTheClientCertificateAsPem() {
        Map<String, Object> p = KafkaSecurity.properties(settings("SSL", Map.of()));
        assertThat(p)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.certificates", CERT)
                .containsEntry("ssl.keystore.type", "PEM")
                .containsEntry("ssl.keystore.certificate.chain", CERT)
                .containsEntry("ssl.keystore.key", KEY)
                .doesNotContainKeys("sasl.jaas.config", "sasl.mechanism");
    }

    @Test
    void saslSslCarriesTheCaAndScramWithTheEscapedPasswordAndNoClientCertificate() {
        Map<String, Object> p = KafkaSecurity.properties(settings("sasl_ssl", Map.of()));
        assertThat(p)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.certificates", CERT)
                .doesNotContainKeys("ssl.keystore.key", "ssl.keystore.certificate.chain", "ssl.keystore.type");
        // Kafka's own JAAS parser reads back exactly the user and the password (the line break dropped)
        JaasContext jaas = JaasContext.loadClientContext(
                Map.of("sasl.jaas.config", new Password((String) p.get("sasl.jaas.config"))));
        AppConfigurationEntry entry = jaas.configurationEntries().get(0);
        assertThat(entry.getLoginModuleName()).isEqualTo(KafkaSecurity.SCRAM_LOGIN_MODULE);
        assertThat(entry.getOptions().get("username")).isEqualTo("trimtab-policy");
        assertThat(entry.getOptions().get("password")).isEqualTo(PASSWORD);
    }

    /** Every secret value is of Kafka's PASSWORD type in every client: Kafka logs it as [hidden]. */
    @Test
    void everySecretPropertyIsAPasswordTypeForProducersConsumersAndAdmins() {
        Map<String, Object> ssl = KafkaSecurity.properties(settings("SSL", Map.of()));
        Map<String, Object> sasl = KafkaSecurity.properties(settings("SASL_SSL", Map.of()));
        List<String> secrets = List.of(
                "ssl.truststore.certificates",
                "ssl.keystore.certificate.chain",
                "ssl.keystore.key",
                "sasl.jaas.config");
        for (ConfigDef def :
                List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef())) {
            for (String name : secrets) {
                assertThat(def.configKeys().get(name).type).as(name).isEqualTo(ConfigDef.Type.PASSWORD);
            }
        }
        assertThat(ssl).containsKeys(secrets.subList(0, 3).toArray(String[]::new));
        Map<String, Object> admin = new HashMap<>(sasl);
        admin.put("bootstrap.servers", "localhost:1");
        assertThat(new AdminClientConfig(admin).getPassword("sasl.jaas.config").toString())
                .isEqualTo("[hidden]");
    }

    record Case(String name, String protocol, Map<String, String> given, List<String> wantInMessage) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> invalid() {
        String missing = dir.resolve("absent/ca.crt").toString();
        return Stream.of(
                new Case(
                        "unknown protocol",
                        "SASL_PLAINTEXT",
                        Map.of(),
                        List.of("trimtab.kafka.security-protocol = 'SASL_PLAINTEXT'", "PLAINTEXT, SSL, SASL_SSL")),
                new Case("empty protocol", " ", Map.of(), List.of("trimtab.kafka.security-protocol = ' '")),
                new Case(
                        "CA file missing",
                        "SSL",
                        Map.of(KafkaSecurity.CA_FILE, missing),
                        List.of("trimtab.kafka.tls.ca-file = " + missing, "no such file")),
                new Case(
                        "CA file is a directory",
                        "SASL_SSL",
                        Map.of(KafkaSecurity.CA_FILE, dir.toString()),
                        List.of("trimtab.kafka.tls.ca-file = " + dir, "no such file")),
                new Case(
                        "CA file holds no certificate",
                        "SSL",
                        Map.of(KafkaSecurity.CA_FILE, key.toString()),
                        List.of("trimtab.kafka.tls.ca-file = " + key, "PEM certificate")),
                new Case(
                        "certificate file missing",
                        "SSL",
                        Map.of(KafkaSecurity.CERT_FILE, missing),
                        List.of("trimtab.kafka.tls.cert-file = " + missing)),
                new Case(
                        "key is PKCS#1",
                        "SSL",
                        Map.of(KafkaSecurity.KEY_FILE, dir.resolve("rsa.key").toString()),
                        List.of("trimtab.kafka.tls.key-file = " + dir.resolve("rsa.key"), "PKCS#8")),
                new Case(
                        "key file missing",
                        "SSL",
                        Map.of(KafkaSecurity.KEY_FILE, missing),
                        List.of("trimtab.kafka.tls.key-file = " + missing)),
                new Case(
                        "no username",
                        "SASL_SSL",
                        Map.of(KafkaSecurity.USERNAME, ""),
                        List.of("trimtab.kafka.sasl.username is not set")),
                new Case(
                        "username with a space",
                        "SASL_SSL",
                        Map.of(KafkaSecurity.USERNAME, "a b"),
                        List.of("trimtab.kafka.sasl.username = 'a b'")),
                new Case(
                        "password file missing",
                        "SASL_SSL",
                        Map.of(KafkaSecurity.PASSWORD_FILE, missing),
                        List.of("trimtab.kafka.sasl.password-file = " + missing)),
                new Case(
                        "password file empty",
                        "SASL_SSL",
                        Map.of(KafkaSecurity.PASSWORD_FILE, dir.resolve("empty").toString()),
                        List.of("trimtab.kafka.sasl.password-file = " + dir.resolve("empty"), "empty")),
                new Case(
                        "every error at once",
                        "SASL_SSL",
                        Map.of(
                                KafkaSecurity.USERNAME,
                                "",
                                KafkaSecurity.CA_FILE,
                                missing,
                                KafkaSecurity.PASSWORD_FILE,
                                missing),
                        List.of(
                                "trimtab.kafka.sasl.username",
                                "trimtab.kafka.tls.ca-file",
                                "trimtab.kafka.sasl.password-file")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void invalidSettingsAreRefusedWithTheSettingAndValueAndNoSecret(Case c) {
        assertThatThrownBy(() -> KafkaSecurity.properties(settings(c.protocol(), c.given())))
                .isInstanceOf(KafkaSecurity.InvalidSettings.class)
                .satisfies(e -> {
                    for (String want : c.wantInMessage()) {
                        assertThat(e.getMessage()).contains(want);
                    }
                    assertThat(e.getMessage())
                            .doesNotContain(PASSWORD)
                            .doesNotContain("MIIB")
                            .doesNotContain("MIGH");
                });
    }

    @Test
    void settingsUnusedByTheProtocolAreNotRead() {
        String missing = dir.resolve("absent").toString();
        // SASL_SSL needs no client certificate; SSL needs no password
        assertThat(KafkaSecurity.properties(settings(
                        "SASL_SSL", Map.of(KafkaSecurity.CERT_FILE, missing, KafkaSecurity.KEY_FILE, missing))))
                .containsKey("sasl.jaas.config");
        assertThat(KafkaSecurity.properties(
                        settings("SSL", Map.of(KafkaSecurity.USERNAME, "", KafkaSecurity.PASSWORD_FILE, missing))))
                .containsKey("ssl.keystore.key");
    }

    @Test
    void describeNamesFilesNeverSecrets() {
        String line = KafkaSecurity.describe(settings("SASL_SSL", Map.of()));
        assertThat(line)
                .contains("SASL_SSL", "trimtab-policy", password.toString())
                .doesNotContain(PASSWORD);
    }

    @Test
    void environmentVariableFormsAreRead() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(
                        Map.of(
                                "TRIMTAB_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                                "TRIMTAB_KAFKA_TLS_CA_FILE", "/ca/ca.crt",
                                "TRIMTAB_KAFKA_SASL_USERNAME", "trimtab-placement",
                                "TRIMTAB_KAFKA_SASL_PASSWORD_FILE", "/user/password"),
                        300))
                .build();
        KafkaSecurity.Settings s = KafkaSecurity.Settings.from(name -> config.getOptionalValue(name, String.class));
        assertThat(s)
                .isEqualTo(new KafkaSecurity.Settings(
                        "SASL_SSL",
                        "/ca/ca.crt",
                        KafkaSecurity.DEFAULT_CERT_FILE,
                        KafkaSecurity.DEFAULT_KEY_FILE,
                        Optional.of("trimtab-placement"),
                        "/user/password"));
    }

    @Test
    void defaultsAreTheMountPathsOfTheStrimziSecrets() {
        assertThat(KafkaSecurity.Settings.plaintext())
                .isEqualTo(new KafkaSecurity.Settings(
                        "PLAINTEXT",
                        "/etc/trimtab/kafka/cluster-ca/ca.crt",
                        "/etc/trimtab/kafka/user/user.crt",
                        "/etc/trimtab/kafka/user/user.key",
                        Optional.empty(),
                        "/etc/trimtab/kafka/user/password"));
    }

    @Test
    void securityPropertiesWinOverRawKafkaProperties() {
        Map<String, Object> merged = KafkaClientConfig.merge(
                Map.of("bootstrap.servers", "b:9093", "security.protocol", "PLAINTEXT", "group.id", "trimtab"),
                KafkaSecurity.properties(settings("SSL", Map.of())));
        assertThat(merged)
                .containsEntry("security.protocol", "SSL")
                .containsEntry("bootstrap.servers", "b:9093")
                .containsEntry("group.id", "trimtab")
                .containsKey("ssl.keystore.key");
    }
}

package dev.trimtab.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place that turns Trimtab's Kafka security settings into Kafka client properties, for
 * every client of every function: the SmallRye channels (through the {@code default-kafka-broker}
 * map, {@link KafkaClientConfig}) and the clients Trimtab makes itself, which start from the same
 * map (docs/decisions/0025, docs/kafka-security.md).
 *
 * <p>The material comes from the files of the Strimzi secrets as Kubernetes mounts them, never from
 * properties: the cluster CA ({@code <cluster>-cluster-ca-cert}, key {@code ca.crt}), the KafkaUser's
 * TLS secret ({@code user.crt}, {@code user.key}, PKCS#8) or its SCRAM-SHA-512 secret
 * ({@code password}). The files are read once, here, and handed to Kafka as PEM values
 * ({@code ssl.truststore.certificates}, {@code ssl.keystore.certificate.chain},
 * {@code ssl.keystore.key}) and as {@code sasl.jaas.config}: all four are of Kafka's
 * {@code PASSWORD} type, so Kafka's config logger prints {@code [hidden]} for them. Rotated files
 * are seen at the next start of the process (Kafka clients do not reload their TLS material).
 *
 * <p>Validation collects every error, each naming the setting and its value (a path or a protocol,
 * never a secret); any error stops the start: there is no fall-back to plaintext.
 */
public final class KafkaSecurity {
    public static final String PROTOCOL = "trimtab.kafka.security-protocol";
    public static final String CA_FILE = "trimtab.kafka.tls.ca-file";
    public static final String CERT_FILE = "trimtab.kafka.tls.cert-file";
    public static final String KEY_FILE = "trimtab.kafka.tls.key-file";
    public static final String USERNAME = "trimtab.kafka.sasl.username";
    public static final String PASSWORD_FILE = "trimtab.kafka.sasl.password-file";

    public static final String DEFAULT_CA_FILE = "/etc/trimtab/kafka/cluster-ca/ca.crt";
    public static final String DEFAULT_CERT_FILE = "/etc/trimtab/kafka/user/user.crt";
    public static final String DEFAULT_KEY_FILE = "/etc/trimtab/kafka/user/user.key";
    public static final String DEFAULT_PASSWORD_FILE = "/etc/trimtab/kafka/user/password";

    static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String BEGIN_CERTIFICATE = "-----BEGIN CERTIFICATE-----";
    private static final String BEGIN_PKCS8_KEY = "-----BEGIN PRIVATE KEY-----";
    /** Far above any certificate bundle or key; a larger file is not what the setting names. */
    private static final long MAX_FILE_BYTES = 1 << 20;

    /** The transports Trimtab supports; Kafka's others (SASL_PLAINTEXT) would send a password in clear. */
    public enum Protocol {
        PLAINTEXT,
        SSL,
        SASL_SSL
    }

    /** The settings as given (unparsed: validation happens in {@link #properties}). */
    public record Settings(
            String protocol,
            String caFile,
            String certFile,
            String keyFile,
            Optional<String> username,
            String passwordFile) {
        /** From any configuration lookup (MicroProfile Config: env forms such as TRIMTAB_KAFKA_SECURITY_PROTOCOL work). */
        public static Settings from(Function<String, Optional<String>> lookup) {
            return new Settings(
                    lookup.apply(PROTOCOL).orElse(Protocol.PLAINTEXT.name()),
                    lookup.apply(CA_FILE).orElse(DEFAULT_CA_FILE),
                    lookup.apply(CERT_FILE).orElse(DEFAULT_CERT_FILE),
                    lookup.apply(KEY_FILE).orElse(DEFAULT_KEY_FILE),
                    lookup.apply(USERNAME).filter(u -> !u.isBlank()),
                    lookup.apply(PASSWORD_FILE).orElse(DEFAULT_PASSWORD_FILE));
        }

        public static Settings plaintext() {
            return from(name -> Optional.empty());
        }
    }

    /** Every problem found in the settings, one line each, naming the setting and its value. */
    public static final class InvalidSettings extends IllegalArgumentException {
        private final List<String> errors;

        InvalidSettings(List<String> errors) {
            super("Kafka security settings are invalid (docs/kafka-security.md): " + String.join("; ", errors));
            this.errors = List.copyOf(errors);
        }

        public List<String> errors() {
            return errors;
        }
    }

    private KafkaSecurity() {}

    /**
     * The client properties for {@code settings}: empty for PLAINTEXT (Kafka's default; raw
     * {@code kafka.*} properties stay usable), otherwise {@code security.protocol} and the TLS or
     * SASL properties with the files' contents. Throws {@link InvalidSettings} with every error.
     */
    public static Map<String, Object> properties(Settings settings) {
        List<String> errors = new ArrayList<>();
        Protocol protocol = protocol(settings.protocol(), errors);
        Map<String, Object> p = new LinkedHashMap<>();
        if (protocol == null || protocol == Protocol.PLAINTEXT) {
            throwIfAny(errors);
            return p;
        }
        p.put("security.protocol", protocol.name());
        p.put("ssl.truststore.type", "PEM");
        p.put(
                "ssl.truststore.certificates",
                pem(CA_FILE, settings.caFile(), BEGIN_CERTIFICATE, "a PEM certificate", errors));
        if (protocol == Protocol.SSL) {
            p.put("ssl.keystore.type", "PEM");
            p.put(
                    "ssl.keystore.certificate.chain",
                    pem(CERT_FILE, settings.certFile(), BEGIN_CERTIFICATE, "a PEM certificate", errors));
            p.put(
                    "ssl.keystore.key",
                    pem(
                            KEY_FILE,
                            settings.keyFile(),
                            BEGIN_PKCS8_KEY,
                            "an unencrypted PKCS#8 PEM private key (" + BEGIN_PKCS8_KEY
                                    + ", as Strimzi writes user.key)",
                            errors));
        } else {
            p.put("sasl.mechanism", SCRAM_MECHANISM);
            p.put("sasl.jaas.config", jaas(settings, errors));
        }
        throwIfAny(errors);
        return p;
    }

    /**
     * The files {@code settings} makes the clients read, by setting name (empty for PLAINTEXT):
     * what {@link KafkaCredentialFiles} watches for rotation.
     */
    public static Map<String, Path> files(Settings settings) {
        Map<String, Path> files = new LinkedHashMap<>();
        Protocol protocol = Protocol.valueOf(settings.protocol().trim().toUpperCase(Locale.ROOT));
        if (protocol != Protocol.PLAINTEXT) {
            files.put(CA_FILE, Path.of(settings.caFile()));
        }
        if (protocol == Protocol.SSL) {
            files.put(CERT_FILE, Path.of(settings.certFile()));
            files.put(KEY_FILE, Path.of(settings.keyFile()));
        }
        if (protocol == Protocol.SASL_SSL) {
            files.put(PASSWORD_FILE, Path.of(settings.passwordFile()));
        }
        return files;
    }

    /** One line for the log: protocol and file paths, never their contents. */
    public static String describe(Settings settings) {
        Protocol protocol = Protocol.valueOf(settings.protocol().trim().toUpperCase(Locale.ROOT));
        return switch (protocol) {
            case PLAINTEXT -> "PLAINTEXT (" + PROTOCOL + ")";
            case SSL ->
                "SSL, cluster CA " + settings.caFile() + ", client certificate " + settings.certFile() + " and key "
                        + settings.keyFile();
            case SASL_SSL ->
                "SASL_SSL " + SCRAM_MECHANISM + " as " + settings.username().orElse("?") + ", cluster CA "
                        + settings.caFile() + ", password from " + settings.passwordFile();
        };
    }

    private static Protocol protocol(String value, List<String> errors) {
        String v = value == null ? "" : value.trim().toUpperCase(Locale.ROOT);
        for (Protocol p : Protocol.values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        errors.add(PROTOCOL + " = '" + value + "': must be one of PLAINTEXT, SSL, SASL_SSL");
        return null;
    }

    private static String jaas(Settings settings, List<String> errors) {
        Optional<String> username = settings.username();
        if (username.isEmpty()) {
            errors.add(USERNAME + " is not set: SASL_SSL needs the KafkaUser's name");
        } else if (!username.get().chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            errors.add(USERNAME + " = '" + username.get() + "': must be printable ASCII without spaces");
        }
        String password = read(PASSWORD_FILE, settings.passwordFile(), errors);
        if (password != null) {
            password = stripOneLineBreak(password);
            if (password.isEmpty()) {
                errors.add(PASSWORD_FILE + " = " + settings.passwordFile() + ": the file is empty");
            }
        }
        if (username.isEmpty() || password == null) {
            return null;
        }
        return SCRAM_LOGIN_MODULE + " required username=\"" + quote(username.get()) + "\" password=\"" + quote(password)
                + "\";";
    }

    /** Kafka's JAAS parser reads quoted strings with Java escapes: a backslash or a quote must be escaped. */
    static String quote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** A secret written with {@code echo} ends in a line break that is no part of the password. */
    private static String stripOneLineBreak(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static String pem(String setting, String file, String marker, String what, List<String> errors) {
        String content = read(setting, file, errors);
        if (content != null && !content.contains(marker)) {
            errors.add(setting + " = " + file + ": must hold " + what);
            return null;
        }
        return content;
    }

    private static String read(String setting, String file, List<String> errors) {
        if (file == null || file.isBlank()) {
            errors.add(setting + " is empty: it must name a file");
            return null;
        }
        try {
            Path path = Path.of(file);
            if (!Files.isRegularFile(path)) {
                errors.add(setting + " = " + file + ": no such file (is the Strimzi secret mounted there?)");
                return null;
            }
            if (Files.size(path) > MAX_FILE_BYTES) {
                errors.add(setting + " = " + file + ": larger than " + MAX_FILE_BYTES + " bytes");
                return null;
            }
            return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            errors.add(
                    setting + " = " + file + ": cannot be read (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    private static void throwIfAny(List<String> errors) {
        if (!errors.isEmpty()) {
            throw new InvalidSettings(errors);
        }
    }
}

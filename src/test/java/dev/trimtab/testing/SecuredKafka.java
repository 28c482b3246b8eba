package dev.trimtab.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One secured broker for the whole test JVM ({@link EmbeddedKafka#startSecured}), with the topics
 * of kafka-topics/ and the certificates a Strimzi cluster would hand out, made by the test: the
 * cluster CA ({@code ca.crt}), the broker's certificate (localhost, 127.0.0.1) and a KafkaUser's
 * TLS secret ({@code user.crt}, {@code user.key}). Kept for the JVM, as the shared broker is:
 * certificates and a broker cost seconds.
 */
public final class SecuredKafka {
    /** The files as Strimzi's secrets are mounted. */
    public record Material(Path dir, Path caCertificate, Path userCertificate, Path userKey) {}

    /** The listeners' addresses. */
    public record Listeners(String plaintext, String ssl, String saslSsl) {}

    /**
     * Quarkus loads test classes again in its own class loader, so a static field would start one
     * broker per loader: the first starts it and leaves its addresses and files in system
     * properties, the others read them (under a lock every loader shares: an interned string).
     */
    private static final String KEY = "trimtab.test.secured-kafka.";

    private static final Object LOCK = KEY.intern();
    private static TestCertificateAuthority ca;
    private static EmbeddedKafka.Secured started;

    private SecuredKafka() {}

    public static Listeners broker() {
        synchronized (LOCK) {
            if (System.getProperty(KEY + "ssl") == null) {
                start();
            }
            return new Listeners(
                    System.getProperty(KEY + "plaintext"),
                    System.getProperty(KEY + "ssl"),
                    System.getProperty(KEY + "sasl-ssl"));
        }
    }

    public static Material material() {
        broker();
        Path dir = Path.of(System.getProperty(KEY + "dir"));
        return new Material(
                dir,
                dir.resolve("cluster-ca/ca.crt"),
                dir.resolve("cluster-ca/user.crt"),
                dir.resolve("cluster-ca/user.key"));
    }

    private static void start() {
        try {
            Path dir = Files.createTempDirectory("trimtab-kafka-tls");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            long t0 = System.nanoTime();
            ca = TestCertificateAuthority.create(dir.resolve("cluster-ca"), "cluster-ca");
            CompletableFuture<TestCertificateAuthority.Issued> user =
                    CompletableFuture.supplyAsync(() -> issue("user", "trimtab-test-user", null));
            TestCertificateAuthority.Issued server = issue("broker", "trimtab-kafka", "dns:localhost,ip:127.0.0.1");
            user.get(60, TimeUnit.SECONDS);
            long t1 = System.nanoTime();
            started = EmbeddedKafka.startSecured(server.certificate(), server.key(), ca.caCertificate);
            EmbeddedKafka.createTopics(started.plaintext());
            System.out.printf(
                    "secured broker: certificates %d ms, broker and topics %d ms%n",
                    (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000);
            System.setProperty(KEY + "dir", dir.toString());
            System.setProperty(KEY + "plaintext", started.plaintext());
            System.setProperty(KEY + "sasl-ssl", started.saslSsl());
            System.setProperty(KEY + "ssl", started.ssl());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the secured test broker", e);
        }
    }

    /** An admin client on the plaintext listener, for setting up topics and users. */
    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker().plaintext()));
    }

    private static TestCertificateAuthority.Issued issue(String name, String commonName, String san) {
        try {
            return ca.issue(name, commonName, san);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind
        }
    }
}

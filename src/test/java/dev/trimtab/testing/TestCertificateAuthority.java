package dev.trimtab.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made by the test with the JDK's {@code keytool} (no other tool): a CA
 * and certificates it signs, written as PEM files the way Strimzi writes its secrets — the cluster
 * CA's {@code ca.crt}, a KafkaUser's {@code user.crt} and {@code user.key} (unencrypted PKCS#8).
 * EC P-256 keys, valid for two days.
 */
public final class TestCertificateAuthority {
    private static final String PASS = "changeit";
    private final Path dir;
    private final Path store;
    /** The CA certificate, PEM ({@code ca.crt}). */
    public final Path caCertificate;

    /** A signed certificate and its key, PEM files. */
    public record Issued(Path certificate, Path key) {}

    private TestCertificateAuthority(Path dir, Path store, Path caCertificate) {
        this.dir = dir;
        this.store = store;
        this.caCertificate = caCertificate;
    }

    /** A new CA in {@code dir} ({@code ca.p12}, {@code ca.crt}). */
    public static TestCertificateAuthority create(Path dir, String commonName)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path store = dir.resolve("ca.p12");
        keytool(
                "-genkeypair",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-alias",
                "ca",
                "-dname",
                "CN=" + commonName,
                "-ext",
                "bc:c",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASS,
                "-keypass",
                PASS);
        Path ca = dir.resolve("ca.crt");
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            Files.writeString(ca, pem("CERTIFICATE", ks.getCertificate("ca").getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keytool's store: " + e.getMessage(), e);
        }
        return new TestCertificateAuthority(dir, store, ca);
    }

    /**
     * A certificate for {@code commonName} signed by this CA, written to {@code <name>.crt} and
     * {@code <name>.key}; {@code san} is keytool's SubjectAlternativeName value
     * ({@code dns:localhost,ip:127.0.0.1}) or null.
     */
    public Issued issue(String name, String commonName, String san) throws IOException, InterruptedException {
        Path leafStore = dir.resolve(name + ".p12");
        Path csr = dir.resolve(name + ".csr");
        Path crt = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        keytool(
                "-genkeypair",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-alias",
                name,
                "-dname",
                "CN=" + commonName,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                leafStore.toString(),
                "-storepass",
                PASS,
                "-keypass",
                PASS);
        keytool(
                "-certreq",
                "-alias",
                name,
                "-keystore",
                leafStore.toString(),
                "-storepass",
                PASS,
                "-file",
                csr.toString());
        List<String> sign = new ArrayList<>(List.of(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                store.toString(),
                "-storepass",
                PASS,
                "-infile",
                csr.toString(),
                "-outfile",
                crt.toString(),
                "-validity",
                "2"));
        if (san != null) {
            sign.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(sign.toArray(String[]::new));
        try (InputStream in = Files.newInputStream(leafStore)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASS.toCharArray());
            PrivateKey k = (PrivateKey) ks.getKey(name, PASS.toCharArray());
            Files.writeString(key, pem("PRIVATE KEY", k.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keytool's store: " + e.getMessage(), e);
        }
        return new Issued(crt, key);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

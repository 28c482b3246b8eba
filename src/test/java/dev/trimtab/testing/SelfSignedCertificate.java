package dev.trimtab.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed serving certificate as cert-manager writes it into a {@code kubernetes.io/tls}
 * Secret: {@code tls.crt} and {@code tls.key} (PKCS#8) in PEM, made by the JDK's {@code keytool}
 * (no other tool needed), with {@code localhost} and 127.0.0.1 among its names so a test can
 * verify the host.
 */
public record SelfSignedCertificate(Path certificate, Path key, X509Certificate x509) {
    /**
     * Writes {@code tls.crt} and {@code tls.key} into {@code dir}; {@code startDate} is keytool's
     * {@code -startdate} ("-1d", "2020/01/01 00:00:00"), {@code days} the validity.
     */
    public static SelfSignedCertificate create(Path dir, String startDate, int days, String... dnsNames)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path store = Files.createTempFile("trimtab-tls", ".p12");
        Files.delete(store);
        StringBuilder san = new StringBuilder("SAN=dns:localhost,ip:127.0.0.1");
        for (String name : dnsNames) {
            san.append(",dns:").append(name);
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-alias",
                "tls",
                "-dname",
                "CN=trimtab-test",
                "-ext",
                san.toString(),
                "-validity",
                Integer.toString(days),
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit"));
        if (startDate != null) {
            command.addAll(List.of("-startdate", startDate));
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool failed: " + output);
        }
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, "changeit".toCharArray());
            PrivateKey key = (PrivateKey) ks.getKey("tls", "changeit".toCharArray());
            Certificate cert = ks.getCertificate("tls");
            Path crtFile = dir.resolve("tls.crt");
            Path keyFile = dir.resolve("tls.key");
            Files.writeString(crtFile, pem("CERTIFICATE", cert.getEncoded()));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
            return new SelfSignedCertificate(crtFile, keyFile, (X509Certificate) cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read keytool's store: " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(store);
        }
    }

    /** A TLS context that trusts this certificate only. */
    public SSLContext trustingIt() throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("trimtab", x509);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }
}

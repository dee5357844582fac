package io.weft.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * A fresh key pair (EC P-256) and a self-signed certificate for it, for tests and demos
 * ({@code ./weft echo --tls}): never for production, where a certificate must come from a CA
 * your clients trust.
 *
 * <p>The JDK has no public API to make certificates, so {@link #create} runs the JDK's own
 * {@code keytool} (next to the running {@code java}) into a temporary PKCS#12 file, reads it
 * back and deletes it. That takes a second or so: make one per test class, not per test.
 *
 * <p>Immutable; any thread.
 */
public final class SelfSignedCertificate {
    private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IP = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    private SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /**
     * Makes a certificate valid for ten years for {@code names}: DNS names ({@code localhost},
     * {@code *.example.test}) and IP addresses ({@code 127.0.0.1}, {@code ::1}), all in its
     * subjectAltName; the first is also its common name.
     *
     * @throws IOException if keytool cannot be found or fails
     */
    public static SelfSignedCertificate create(String... names) throws IOException {
        if (names.length == 0) {
            throw new IllegalArgumentException("name at least one host, e.g. create(\"localhost\", \"127.0.0.1\")");
        }
        List<String> san = new ArrayList<>();
        for (String n : names) {
            if (IP.matcher(n).matches()) {
                san.add("ip:" + n);
            } else if (DNS_NAME.matcher(n).matches()) {
                san.add("dns:" + n);
            } else {
                throw new IllegalArgumentException("not a DNS name or IP address: '" + n + "'");
            }
        }
        Path dir = Files.createTempDirectory("weft-cert");
        try {
            Path store = dir.resolve("cert.p12");
            String password = randomPassword();
            ProcessBuilder pb = new ProcessBuilder(keytool().toString(), "-genkeypair", "-noprompt",
                    "-alias", "weft", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                    "-dname", "CN=" + names[0], "-ext", "SAN=" + String.join(",", san),
                    "-validity", "3650", "-storetype", "PKCS12", "-keystore", store.toString(),
                    // from the environment, not the command line: other users can read argv
                    "-storepass:env", "WEFT_STOREPASS", "-keypass:env", "WEFT_STOREPASS");
            pb.environment().put("WEFT_STOREPASS", password);
            pb.redirectErrorStream(true);
            run(pb);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password.toCharArray());
            }
            return new SelfSignedCertificate((X509Certificate) ks.getCertificate("weft"),
                    (PrivateKey) ks.getKey("weft", password.toCharArray()));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read the keystore keytool made: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** A context presenting this certificate, trusting the JDK's default roots (for client certificates). */
    public SSLContext serverContext() {
        return TlsContexts.of(privateKey, List.of(certificate), null);
    }

    /** A context with no certificate of its own that trusts this certificate and nothing else. */
    public SSLContext clientContext() {
        return TlsContexts.trusting(List.of(certificate));
    }

    /** Server options with this certificate and Weft's defaults. */
    public TlsOptions serverOptions() {
        return TlsOptions.builder(serverContext()).build();
    }

    /** Client options trusting only this certificate, hostname verification on. */
    public TlsOptions clientOptions() {
        return TlsOptions.builder(clientContext()).build();
    }

    /** Writes the certificate and the (unencrypted) key as PEM files, e.g. for {@code openssl s_server}. */
    public void writePem(Path certificateFile, Path privateKeyFile) throws IOException {
        Files.writeString(certificateFile, Pem.encode(certificate), StandardCharsets.US_ASCII);
        Files.writeString(privateKeyFile, Pem.encode(privateKey), StandardCharsets.US_ASCII);
    }

    /** The keytool of the running JDK: beside {@code bin/java}. */
    private static Path keytool() throws IOException {
        String exe = System.getProperty("os.name", "").startsWith("Windows") ? "keytool.exe" : "keytool";
        List<Path> candidates = new ArrayList<>();
        ProcessHandle.current().info().command().ifPresent(java -> {
            Path bin = Path.of(java).getParent();
            if (bin != null) {
                candidates.add(bin.resolve(exe));
            }
        });
        candidates.add(Path.of(System.getProperty("java.home"), "bin", exe));
        for (Path p : candidates) {
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new IOException("cannot make a self-signed certificate: no keytool at " + candidates
                + " (this Java runtime lacks it; pass a certificate and key instead)");
    }

    private static void run(ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out); // until keytool exits and closes its end
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while keytool ran", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException("keytool failed (exit " + p.exitValue() + "): " + out.toString(StandardCharsets.UTF_8).strip());
        }
    }

    private static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a temporary directory left behind; nothing secret in it once the key is read
        }
    }

    @Override
    public String toString() {
        return "SelfSignedCertificate[" + certificate.getSubjectX500Principal() + "]";
    }
}

package io.weft.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code --tls} gets its keys: a self-signed certificate made at start, or PEM files,
 * with mistakes reported by file and with what to do. Independent of whether Weft's TLS layer
 * is built yet.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsSupportTest {
    @TempDir
    Path dir;

    @Test
    void aSelfSignedCertificateNamesTheHostAndLoopback() throws Exception {
        char[] password = SelfSigned.randomPassword();
        KeyStore ks = SelfSigned.make("chat.example", password);

        X509Certificate cert = (X509Certificate) ks.getCertificate("weft");
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=chat.example");
        assertThat(cert.getSubjectAlternativeNames()).extracting(entry -> entry.get(1).toString())
                .contains("chat.example", "localhost", "127.0.0.1");
        assertThat(ks.getKey("weft", password).getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void pemFilesMakeAServerContext() throws Exception {
        Path[] pem = writePem("one");

        TlsSupport.Made made = TlsSupport.fromPem(pem[0], pem[1]);

        assertThat(made.description()).isEqualTo("certificate " + pem[0]);
        SSLEngine engine = made.options().context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.beginHandshake(); // throws without a usable key
        assertThat(made.options().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        Path[] one = writePem("one");
        Path[] two = writePem("two");

        assertThatThrownBy(() -> TlsSupport.fromPem(one[0], two[1]))
                .isInstanceOf(StartException.class)
                .hasMessage("the key in " + two[1] + " does not belong to the certificate in " + one[0]);
    }

    @Test
    void unreadableAndWrongKindsOfFilesSayWhichFileAndWhatToDo() throws Exception {
        Path[] pem = writePem("one");
        Path missing = dir.resolve("missing.pem");
        Path pkcs1 = dir.resolve("rsa.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(() -> TlsSupport.fromPem(missing, pem[1]))
                .hasMessageStartingWith("cannot read the certificate file " + missing);
        assertThatThrownBy(() -> TlsSupport.fromPem(pem[1], pem[1]))
                .hasMessage(pem[1] + " holds no certificate: expected a PEM file with -----BEGIN CERTIFICATE-----");
        assertThatThrownBy(() -> TlsSupport.fromPem(pem[0], pkcs1))
                .hasMessageContaining("PKCS#8").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> TlsSupport.fromPem(pem[0], pem[0]))
                .hasMessage(pem[0] + " holds no private key: expected a PEM file with -----BEGIN PRIVATE KEY-----");
    }

    /** Key pairs by name, made once: keytool takes a second or two each time. */
    private static final Map<String, KeyStore.PrivateKeyEntry> KEYS = new ConcurrentHashMap<>();

    /** A self-signed certificate and its key as PEM files, as openssl would write them. */
    private Path[] writePem(String name) throws Exception {
        KeyStore.PrivateKeyEntry entry = KEYS.computeIfAbsent(name, n -> {
            try {
                char[] password = SelfSigned.randomPassword();
                KeyStore ks = SelfSigned.make("localhost", password);
                return (KeyStore.PrivateKeyEntry) ks.getEntry("weft", new KeyStore.PasswordProtection(password));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        X509Certificate cert = (X509Certificate) entry.getCertificate();
        PrivateKey key = entry.getPrivateKey();
        Path certFile = dir.resolve(name + "-cert.pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new Path[] {certFile, keyFile};
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return String.join("\n", List.of("-----BEGIN " + type + "-----", body, "-----END " + type + "-----", ""));
    }
}

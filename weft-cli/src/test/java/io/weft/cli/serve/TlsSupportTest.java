package io.weft.cli.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where {@code --tls} gets its keys: a self-signed certificate made at start, or PEM files,
 * with mistakes reported naming the file and what to do, before any client connects.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsSupportTest {
    /** Made once: each takes a keytool run. */
    private static SelfSignedCertificate one;
    private static SelfSignedCertificate two;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificates() throws Exception {
        one = SelfSignedCertificate.create("localhost");
        two = SelfSignedCertificate.create("localhost");
    }

    @Test
    void aSelfSignedCertificateIsForTheHostAndLoopback() throws Exception {
        TlsSupport.Made made = TlsSupport.selfSigned("chat.example");

        assertThat(made.description()).isEqualTo("a self-signed certificate for chat.example, localhost, 127.0.0.1, ::1");
        SSLEngine engine = made.options().context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.beginHandshake(); // throws without a key to present
        assertThat(TlsSupport.selfSigned("0.0.0.0").description())
                .isEqualTo("a self-signed certificate for localhost, 127.0.0.1, ::1");
    }

    @Test
    void pemFilesMakeAServerContext() throws Exception {
        Path[] pem = write(one, "one");

        TlsSupport.Made made = TlsSupport.fromPem(pem[0], pem[1]);

        assertThat(made.description()).isEqualTo("certificate " + pem[0]);
        SSLEngine engine = made.options().context().createSSLEngine();
        engine.setUseClientMode(false);
        engine.beginHandshake();
        assertThat(made.options().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtStart() throws Exception {
        Path[] pemOne = write(one, "one");
        Path[] pemTwo = write(two, "two");

        assertThatThrownBy(() -> TlsSupport.fromPem(pemOne[0], pemTwo[1]))
                .isInstanceOf(StartException.class)
                .hasMessage("the key in " + pemTwo[1] + " does not belong to the certificate in " + pemOne[0]);
    }

    @Test
    void missingAndWrongKindsOfFilesSayWhichFileAndWhatToDo() throws Exception {
        Path[] pem = write(one, "one");
        Path missing = dir.resolve("missing.pem");
        Path pkcs1 = dir.resolve("rsa.pem");
        Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(() -> TlsSupport.fromPem(missing, pem[1]))
                .isInstanceOf(StartException.class).hasMessage("cannot read " + missing + ": no such file");
        assertThatThrownBy(() -> TlsSupport.fromPem(pem[1], pem[1]))
                .isInstanceOf(StartException.class).hasMessageContaining("BEGIN CERTIFICATE").hasMessageContaining(pem[1].toString());
        assertThatThrownBy(() -> TlsSupport.fromPem(pem[0], pkcs1))
                .isInstanceOf(StartException.class).hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
        assertThatThrownBy(() -> TlsSupport.fromPem(pem[0], pem[0]))
                .isInstanceOf(StartException.class).hasMessageContaining("BEGIN PRIVATE KEY").hasMessageContaining(pem[0].toString());
    }

    private Path[] write(SelfSignedCertificate cert, String name) throws Exception {
        Path certFile = dir.resolve(name + "-cert.pem");
        Path keyFile = dir.resolve(name + "-key.pem");
        cert.writePem(certFile, keyFile);
        return new Path[] {certFile, keyFile};
    }
}

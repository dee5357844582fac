package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.serverCert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Pem;
import io.weft.net.Server;
import io.weft.net.TlsOptions;
import io.weft.net.tls.TlsFixtures.Echo;
import io.weft.net.tls.TlsFixtures.Pump;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Keys and certificates from PEM files, as {@code --cert/--key} take them. */
@Timeout(60)
class PemTest extends TlsTestBase {
    @TempDir
    Path dir;

    void echoThrough(SSLContext serverContext, SSLContext clientContext) {
        Server s = listen(Echo::new, TlsOptions.builder(serverContext).build());
        Pump p = loop.runUntilComplete(Net.createConnection(loop, () -> new Pump(loop, 100_000), "localhost", port(s),
                ConnectOptions.builder().tls(TlsOptions.builder(clientContext).build()).build()));
        assertThat(loop.runUntilComplete(p.done.withTimeout(Duration.ofSeconds(30)))).isEqualTo(100_000);
        shutdown(s);
    }

    @Test
    void aSelfSignedCertificateWrittenAsPemServesTls() throws IOException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        serverCert().writePem(cert, key);
        assertThat(Files.readString(cert)).startsWith("-----BEGIN CERTIFICATE-----\n");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Pem.readCertificates(cert)).containsExactly(serverCert().certificate());
        assertThat(Pem.readPrivateKey(key)).isEqualTo(serverCert().privateKey());
        echoThrough(Pem.serverContext(cert, key), Pem.clientContext(cert));
    }

    @Test
    void pemTextFromElsewhereThanAFileReadsTheSame() throws IOException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        serverCert().writePem(cert, key);
        assertThat(Pem.parseCertificates(Files.readString(cert))).containsExactly(serverCert().certificate());
        assertThat(Pem.parsePrivateKey(Files.readString(key))).isEqualTo(serverCert().privateKey());
        assertThatThrownBy(() -> Pem.parseCertificates("no blocks")).isInstanceOf(IOException.class)
                .hasMessageContaining("the given text");
    }

    @Test
    void anRsaKeyMadeByOpensslServesTls() throws Exception {
        Path openssl = OpenSslInteropTest.onPath("openssl");
        assumeTrue(openssl != null, "openssl is not on the PATH: skipping the openssl-made key");
        Path cert = dir.resolve("rsa-cert.pem");
        Path key = dir.resolve("rsa-key.pem");
        Process p = new ProcessBuilder(openssl.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .redirectErrorStream(true).redirectOutput(dir.resolve("openssl.log").toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("openssl.log"))).isZero();
        assertThat(Pem.readPrivateKey(key)).isInstanceOf(RSAPrivateKey.class);
        echoThrough(Pem.serverContext(cert, key), Pem.clientContext(cert));
    }

    @Test
    void aLegacyKeyFormatIsRefusedWithTheCommandToConvertIt() throws IOException {
        Path key = dir.resolve("old.pem");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> Pem.readPrivateKey(key)).isInstanceOf(IOException.class)
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + key);
    }

    @Test
    void aFileWithoutCertificatesSaysSo() throws IOException {
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "nothing here\n");
        assertThatThrownBy(() -> Pem.readCertificates(empty)).isInstanceOf(IOException.class)
                .hasMessageContaining("no '-----BEGIN CERTIFICATE-----' block in " + empty);
    }

    @Test
    void anEndMarkerOverlappingTheBeginMarkerIsAMissingEnd() throws IOException {
        Path f = Files.writeString(dir.resolve("overlap.pem"), "-----BEGIN CERTIFICATE-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> Pem.readCertificates(f)).isInstanceOf(IOException.class)
                .hasMessageContaining("without '-----END CERTIFICATE-----'");
    }
}

package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.net.Server;
import io.weft.net.TlsOptions;
import io.weft.net.tls.TlsFixtures.Recorder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A Weft TLS server's defaults, as {@code openssl s_client} sees them: client-initiated
 * renegotiation is refused (each one costs the server a handshake's CPU: a DoS lever), and TLS
 * 1.2 offers only AEAD suites (no CBC, so no LUCKY13 and friends). Both can be turned back on
 * through {@link TlsOptions}. Skipped when there is no {@code openssl} on the PATH.
 */
@Timeout(60)
class TlsServerDefaultsTest extends TlsTestBase {
    /** Every ECDHE CBC suite OpenSSL knows for TLS 1.2 with an RSA or ECDSA certificate. */
    static final String CBC = "ECDHE-ECDSA-AES256-SHA384:ECDHE-RSA-AES256-SHA384:ECDHE-ECDSA-AES128-SHA256"
            + ":ECDHE-RSA-AES128-SHA256:ECDHE-ECDSA-AES256-SHA:ECDHE-RSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA"
            + ":ECDHE-RSA-AES128-SHA:AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256";
    static Path openssl;
    @TempDir
    Path dir;

    @BeforeAll
    static void findOpenssl() {
        openssl = OpenSslInteropTest.onPath("openssl");
        assumeTrue(openssl != null, "openssl is not on the PATH: skipping the TLS defaults tests");
    }

    @Test
    void clientInitiatedRenegotiationIsRefusedByDefault() throws Exception {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> echo(serverSide), server().build());
        try (SClient c = sClient(s, "-tls1_2")) {
            c.send("before\n");
            c.await(Pattern.compile("^before$"));
            c.send("R\n"); // s_client's command: renegotiate
            c.await(Pattern.compile("RENEGOTIATING"));
            List<String> events = loop.runUntilComplete(serverSide.get().lost.withTimeout(Duration.ofSeconds(30)));
            assertThat(events).first().isEqualTo("made");
            assertThat(events).last().isEqualTo("lost:SSLException");
            assertThat(serverSide.get().cause).hasMessageContaining("renegotiation");
            c.awaitExit(); // the server closed the connection
        }
        shutdown(s);
    }

    /** What testssl does: "R" and end of input at once; s_client must see the server refuse. */
    @Test
    void aRenegotiationRequestWithNothingAfterItFails() throws Exception {
        Server s = listen(() -> new Recorder(loop, null), server().build());
        try (SClient c = sClient(s, "-tls1_2")) {
            c.send("R\n");
            c.in.close();
            int exit = c.awaitExit();
            String out = c.all();
            // A close_notify would end s_client cleanly ("DONE", exit 0): testssl reads that as accepted.
            assertThat(exit).as("s_client saw the refusal; output:%n%s", out).isNotZero();
            assertThat(out).contains("alert");
        }
        shutdown(s);
    }

    @Test
    void clientRenegotiationWorksWhenTheOptionsAllowIt() throws Exception {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> echo(serverSide), server().allowClientRenegotiation(true).build());
        try (SClient c = sClient(s, "-tls1_2")) {
            c.send("R\n");
            c.await(Pattern.compile("RENEGOTIATING"));
            c.send("after\n");
            c.await(Pattern.compile("^after$"));
            assertThat(serverSide.get().lost.isDone()).isFalse();
        }
        shutdown(s);
    }

    @Test
    void cbcSuitesAreNotOfferedOnTls12() throws Exception {
        Server s = listen(() -> new Recorder(loop, null), server().build());
        try (SClient c = sClient(s, "-tls1_2", "-cipher", CBC)) {
            assertThat(c.awaitExit()).as("s_client output: %s", c.output).isNotZero();
            assertThat(c.all()).contains("handshake failure").doesNotContain("Protocol version: TLSv1.2");
        }
        shutdown(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"})
    void aeadSuitesAreOfferedOnTls12(String suites) throws Exception {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> echo(serverSide), server().build());
        try (SClient c = sClient(s, "-tls1_2", "-cipher", suites)) {
            c.send("aead\n");
            c.await(Pattern.compile("^aead$"));
            assertThat(c.sofar()).contains("Protocol version: TLSv1.2");
        }
        shutdown(s);
    }

    @Test
    void cbcSuitesCanBeConfiguredBackIn() throws Exception {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> echo(serverSide), server()
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256").build());
        try (SClient c = sClient(s, "-tls1_2", "-cipher", CBC)) {
            c.send("cbc\n");
            c.await(Pattern.compile("^cbc$"));
            assertThat(c.sofar()).containsPattern("Ciphersuite: ECDHE-(ECDSA|RSA)-AES128-SHA256");
        }
        shutdown(s);
    }

    Recorder echo(AtomicReference<Recorder> into) {
        Recorder r = new Recorder(loop, null) {
            @Override
            void onData(String text) {
                t.write(text.getBytes(StandardCharsets.US_ASCII));
            }
        };
        into.set(r);
        return r;
    }

    SClient sClient(Server s, String... args) throws IOException {
        return SClient.start(loop, openssl, dir, s, args);
    }
}

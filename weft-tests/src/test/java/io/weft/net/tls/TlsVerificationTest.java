package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.LoopConfig;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.ServerOptions;
import io.weft.net.TlsHandshakeException;
import io.weft.net.TlsHandshakeException.Reason;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import io.weft.net.tls.TlsFixtures.Echo;
import io.weft.net.tls.TlsFixtures.Pump;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Certificates and negotiation: what must be refused is refused, with a message that says why. */
@Timeout(60)
class TlsVerificationTest extends TlsTestBase {
    /** Server-side handshake failures: reported to the loop's handler in debug mode. */
    final List<Throwable> reported = new CopyOnWriteArrayList<>();
    final AtomicInteger serverAppsMade = new AtomicInteger();
    final AtomicReference<Echo> serverApp = new AtomicReference<>();

    @Override
    LoopConfig loopConfig() {
        return LoopConfig.builder().debug(true).slowCallbackThreshold(Duration.ofSeconds(30))
                .exceptionHandler((loop, context, error) -> reported.add(error)).build();
    }

    Server listen(TlsOptions tls) {
        return listen(() -> {
            Echo e = new Echo() {
                @Override
                public void connectionMade(Transport transport) {
                    super.connectionMade(transport);
                    serverAppsMade.incrementAndGet();
                }
            };
            serverApp.set(e);
            return e;
        }, tls);
    }

    /** Connects, exchanges a few bytes, closes; returns the failure, or null if all went well. */
    Throwable exchange(String host, int port, TlsOptions tls) {
        Promise<Long> p = Net.createConnection(loop, () -> new Pump(loop, 10), host, port,
                ConnectOptions.builder().tls(tls).build()).flatMap(c -> c.done);
        return loop.runUntilComplete(p.map(v -> (Throwable) null).recover(e -> e).withTimeout(Duration.ofSeconds(30)));
    }

    static TlsHandshakeException handshakeFailure(Throwable e) {
        assertThat(e).isInstanceOf(TlsHandshakeException.class).isInstanceOf(SSLHandshakeException.class);
        return (TlsHandshakeException) e;
    }

    @Test
    void rejectsACertificateForAnotherHostName() {
        Server s = listen(server().build());
        TlsHandshakeException e = handshakeFailure(exchange("127.0.0.1", port(s), client().serverName("example.com").build()));
        assertThat(e.reason()).isEqualTo(Reason.HOSTNAME_MISMATCH);
        assertThat(e.getMessage()).contains("with server example.com (127.0.0.1:" + port(s) + ")")
                .contains("certificate does not match host name example.com");
        shutdown(s);
        assertThat(serverAppsMade).hasValue(0);
    }

    @Test
    void checksTheHostConnectedToWhenNoServerNameIsSet() {
        Server s = listen(TlsOptions.builder(TlsFixtures.otherCert().serverContext()).build());
        // otherCert names localhost and 127.0.0.1 too, but is not trusted by client():
        TlsHandshakeException e = handshakeFailure(exchange("127.0.0.1", port(s), client().build()));
        assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_CERTIFICATE);
        shutdown(s);
    }

    @Test
    void hostnameVerificationCanBeTurnedOff() {
        Server s = listen(server().build());
        assertThat(exchange("127.0.0.1", port(s), client().serverName("example.com").verifyHostname(false).build()))
                .isNull();
        shutdown(s);
        assertThat(serverAppsMade).hasValue(1);
    }

    @Test
    void rejectsACertificateNobodyVouchesFor() {
        Server s = listen(server().build());
        TlsHandshakeException e = handshakeFailure(exchange("localhost", port(s), TlsOptions.client()));
        assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_CERTIFICATE);
        assertThat(e.getMessage()).contains("is not trusted");
        shutdown(s);
        assertThat(serverAppsMade).hasValue(0);
        // The client told the server why with an alert; the server, in debug mode, reports it.
        assertThat(reported).anySatisfy(r -> assertThat(handshakeFailure(r).reason()).isEqualTo(Reason.REJECTED_BY_PEER));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void clientAuthNeedRejectsAClientWithoutCertificate(String version) {
        Server s = listen(TlsOptions.builder(TlsFixtures.mutualServerContext())
                .clientAuth(TlsOptions.ClientAuth.NEED).build());
        TlsHandshakeException e = handshakeFailure(exchange("localhost", port(s), client().protocols(version).build()));
        assertThat(e.reason()).isIn(Reason.CERTIFICATE_REQUIRED, Reason.REJECTED_BY_PEER);
        assertThat(e.getMessage()).containsIgnoringCase("certificate");
        shutdown(s);
        assertThat(serverAppsMade).hasValue(0);
        assertThat(reported).anySatisfy(r -> assertThat(handshakeFailure(r).reason()).isEqualTo(Reason.CERTIFICATE_REQUIRED));
    }

    @Test
    void clientAuthNeedAcceptsATrustedClientAndShowsItsCertificate() throws Exception {
        Server s = listen(TlsOptions.builder(TlsFixtures.mutualServerContext())
                .clientAuth(TlsOptions.ClientAuth.NEED).build());
        assertThat(exchange("localhost", port(s), TlsOptions.builder(TlsFixtures.mutualClientContext()).build())).isNull();
        shutdown(s);
        assertThat(serverAppsMade).hasValue(1);
        assertThat(serverApp.get().t.tlsSession().orElseThrow().getPeerCertificates()[0])
                .isEqualTo(TlsFixtures.clientCert().certificate());
    }

    @Test
    void clientAuthWantLetsAClientWithoutCertificateIn() {
        Server s = listen(TlsOptions.builder(TlsFixtures.mutualServerContext())
                .clientAuth(TlsOptions.ClientAuth.WANT).build());
        assertThat(exchange("localhost", port(s), client().build())).isNull();
        shutdown(s);
        assertThat(serverAppsMade).hasValue(1);
    }

    @Test
    void failsWithNoVersionInCommon() {
        Server s = listen(server().protocols("TLSv1.3").build());
        TlsHandshakeException e = handshakeFailure(exchange("localhost", port(s), client().protocols("TLSv1.2").build()));
        assertThat(e.reason()).isIn(Reason.NOTHING_IN_COMMON, Reason.REJECTED_BY_PEER);
        shutdown(s);
    }

    @Test
    void onlyTls13And12AreAllowed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client().protocols("TLSv1.1").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLSv1.1");
    }

    @Test
    void aTlsClientAgainstAPlainServerFailsTheHandshake() {
        Server s = loop.runUntilComplete(Net.createServer(loop, Echo::new, new InetSocketAddress("127.0.0.1", 0),
                ServerOptions.defaults()));
        Throwable e = exchange("localhost", port(s), client().build());
        handshakeFailure(e);
        shutdown(s);
    }

    @Test
    void aPlainClientAgainstATlsServerIsTurnedAway() {
        Server s = listen(server().build());
        Promise<byte[]> got = loop.newPromise();
        Net.createConnection(loop, () -> new Protocol() {
            final ByteArrayOutputStream in = new ByteArrayOutputStream();

            @Override
            public void connectionMade(Transport t) {
                t.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }

            @Override
            public void dataReceived(ByteBuffer data) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                in.writeBytes(b);
            }

            @Override
            public void connectionLost(Throwable cause) {
                got.complete(in.toByteArray());
            }
        }, "127.0.0.1", port(s), ConnectOptions.defaults());
        byte[] answer = loop.runUntilComplete(got.withTimeout(Duration.ofSeconds(30)));
        assertThat(answer.length).as("at most a TLS alert record").isLessThanOrEqualTo(7);
        shutdown(s);
        assertThat(serverAppsMade).hasValue(0);
        assertThat(reported).anySatisfy(r -> assertThat(handshakeFailure(r).reason()).isEqualTo(Reason.NOT_TLS));
    }
}

package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.TlsOptions;
import io.weft.net.Transport;
import io.weft.net.tls.TlsFixtures.Echo;
import io.weft.net.tls.TlsFixtures.Pump;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * STARTTLS: a plain line exchange agrees to switch, then the same connection carries TLS. The
 * server side is a line protocol that answers "STARTTLS" with "GO" (or, pipelined, with
 * nothing) and upgrades; the client upgrades on "GO" and pushes a stream through TLS.
 */
@Timeout(60)
class StartTlsTest extends TlsTestBase {
    final List<String> plainServerCallsAfterUpgrade = new ArrayList<>();
    final List<Transport> serverTls = new ArrayList<>();
    /** Per upgrade on the server: how many bytes came after the command in the same read. */
    final List<Integer> leftoverAtUpgrade = new ArrayList<>();

    /** The plain side of the server: one command, then TLS. */
    final class LineServer implements Protocol {
        final boolean answerGo;
        final StringBuilder line = new StringBuilder();
        Transport t;
        boolean upgraded;

        LineServer(boolean answerGo) {
            this.answerGo = answerGo;
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (upgraded) {
                plainServerCallsAfterUpgrade.add("dataReceived");
                return;
            }
            while (data.hasRemaining()) {
                char c = (char) data.get();
                if (c != '\n') {
                    line.append(c);
                    continue;
                }
                assertThat(line.toString()).isEqualTo("STARTTLS");
                if (answerGo) {
                    t.write("GO\n".getBytes(StandardCharsets.US_ASCII));
                }
                upgraded = true;
                leftoverAtUpgrade.add(data.remaining());
                // Whatever followed the line in this read is the start of the TLS handshake.
                Net.startTls(t, new Echo(), server().build(), true, data)
                        .whenComplete((tls, e) -> serverTls.add(tls));
                assertThat(data.hasRemaining()).as("startTls consumes what it is given").isFalse();
                return;
            }
        }

        @Override
        public void connectionLost(Throwable cause) {
            plainServerCallsAfterUpgrade.add("connectionLost");
        }
    }

    /** The plain side of the client: asks, waits for "GO" unless pipelining, then upgrades. */
    final class LineClient implements Protocol {
        final boolean pipelined;
        final TlsOptions tls;
        final Promise<Transport> upgraded;
        final Pump app;
        final StringBuilder answer = new StringBuilder();
        Transport t;

        LineClient(boolean pipelined, TlsOptions tls, long bytes) {
            this.pipelined = pipelined;
            this.tls = tls;
            this.upgraded = loop.newPromise();
            this.app = new Pump(loop, bytes);
        }

        @Override
        public void connectionMade(Transport transport) {
            t = transport;
            t.write("STARTTLS\n".getBytes(StandardCharsets.US_ASCII));
            if (pipelined) {
                // The ClientHello follows the line in the same burst: the server reads both at once.
                upgrade(null);
            }
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            while (data.hasRemaining()) {
                char c = (char) data.get();
                if (c == '\n') {
                    assertThat(answer.toString()).isEqualTo("GO");
                    upgrade(data);
                    return;
                }
                answer.append(c);
            }
        }

        void upgrade(ByteBuffer rest) {
            Net.startTls(t, app, tls, false, rest).whenComplete((tlsTransport, e) -> {
                if (e != null) {
                    upgraded.fail(e);
                } else {
                    upgraded.complete(tlsTransport);
                }
            });
        }
    }

    Server plainServer(boolean answerGo) {
        return listen(() -> new LineServer(answerGo), null);
    }

    @Test
    void upgradesALivePlainConnectionAndEchoesOverTls() {
        Server s = plainServer(true);
        LineClient c = loop.runUntilComplete(Net.createConnection(loop,
                () -> new LineClient(false, client().serverName("localhost").build(), 1 << 20), "127.0.0.1", port(s),
                ConnectOptions.defaults()));
        Transport tls = loop.runUntilComplete(c.upgraded.withTimeout(Duration.ofSeconds(30)));
        assertThat(tls).isSameAs(c.app.t);
        assertThat(tls.tlsSession()).isPresent();
        assertThat(loop.runUntilComplete(c.app.done.withTimeout(Duration.ofSeconds(30)))).isEqualTo(1 << 20);
        shutdown(s);
        assertThat(serverTls).hasSize(1).allSatisfy(t -> assertThat(t.tlsSession()).isPresent());
        assertThat(plainServerCallsAfterUpgrade).as("the plain protocol hears nothing after the switch").isEmpty();
    }

    @Test
    void aClientHelloInTheSameReadAsTheCommandIsNotLost() {
        Server s = plainServer(false);
        LineClient c = loop.runUntilComplete(Net.createConnection(loop,
                () -> new LineClient(true, client().build(), 64 * 1024), "127.0.0.1", port(s),
                ConnectOptions.defaults()));
        loop.runUntilComplete(c.upgraded.withTimeout(Duration.ofSeconds(30)));
        assertThat(leftoverAtUpgrade).as("the ClientHello came in the read of the command").hasSize(1)
                .allMatch(n -> n > 0);
        assertThat(loop.runUntilComplete(c.app.done.withTimeout(Duration.ofSeconds(30)))).isEqualTo(64 * 1024);
        shutdown(s);
        assertThat(plainServerCallsAfterUpgrade).isEmpty();
    }

    @Test
    void aFailedUpgradeFailsThePromiseAndClosesTheConnection() {
        Server s = plainServer(true);
        LineClient c = loop.runUntilComplete(Net.createConnection(loop,
                () -> new LineClient(false, client().serverName("example.com").build(), 10), "127.0.0.1", port(s),
                ConnectOptions.defaults()));
        Throwable e = loop.runUntilComplete(c.upgraded.map(t -> (Throwable) null).recover(x -> x)
                .withTimeout(Duration.ofSeconds(30)));
        assertThat(e).isInstanceOf(io.weft.net.TlsHandshakeException.class)
                .hasMessageContaining("does not match host name example.com");
        assertThat(c.app.t).as("the TLS protocol never got connectionMade").isNull();
        shutdown(s);
        assertThat(c.t.isClosing()).isTrue();
    }
}

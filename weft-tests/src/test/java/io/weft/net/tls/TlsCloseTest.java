package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Protocol;
import io.weft.net.Server;
import io.weft.net.Transport;
import io.weft.net.tls.TlsFixtures.Recorder;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Ending a TLS connection: close_notify each way, TLS 1.3 half-close, and a cut-off stream. */
@Timeout(60)
class TlsCloseTest extends TlsTestBase {

    <T> T await(Promise<T> p) {
        return loop.runUntilComplete(p.withTimeout(Duration.ofSeconds(30)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aClientCloseReachesTheServerAsEofThenACleanLoss(String version) {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> {
            Recorder r = new Recorder(loop, null);
            serverSide.set(r);
            return r;
        }, server().build());
        Recorder c = await(Net.createConnection(loop, () -> new Recorder(loop, "bye") {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                t.close(); // right after writing: the data goes first, then close_notify
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().protocols(version).build()).build()));
        assertThat(await(c.lost)).containsExactly("made", "lost:null");
        assertThat(await(serverSide.get().lost)).containsExactly("made", "data:bye", "eof", "lost:null");
        shutdown(s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aServerCloseReachesTheClientAsEofThenACleanLoss(String version) {
        Server s = listen(() -> new Recorder(loop, null) {
            @Override
            void onData(String text) {
                t.write(("got " + text).getBytes());
                t.close();
            }
        }, server().build());
        Recorder c = await(Net.createConnection(loop, () -> new Recorder(loop, "hello"), "localhost", port(s),
                ConnectOptions.builder().tls(client().protocols(version).build()).build()));
        assertThat(await(c.lost)).containsExactly("made", "data:got hello", "eof", "lost:null");
        shutdown(s);
    }

    @Test
    void tls13HalfCloseLetsTheOtherSideAnswer() {
        Server s = listen(() -> new Recorder(loop, null) {
            final StringBuilder question = new StringBuilder();

            @Override
            void onData(String text) {
                question.append(text);
            }

            @Override
            boolean onEof() {
                t.write(("answer to " + question).getBytes());
                t.close();
                return true;
            }
        }, server().build());
        Recorder c = await(Net.createConnection(loop, () -> new Recorder(loop, "question") {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                assertThat(t.canWriteEof()).isTrue();
                t.writeEof();
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().build()).build()));
        assertThat(await(c.lost)).containsExactly("made", "data:answer to question", "eof", "lost:null");
        shutdown(s);
    }

    @Test
    void aServerShutdownSendsCloseNotifyToItsClients() {
        Server s = listen(() -> new Recorder(loop, "welcome"), server().build());
        Recorder c = await(Net.createConnection(loop, () -> new Recorder(loop, null) {
            @Override
            void onData(String text) {
                s.shutdown(Duration.ofSeconds(10));
            }
        }, "localhost", port(s), ConnectOptions.builder().tls(client().build()).build()));
        assertThat(await(c.lost)).containsExactly("made", "data:welcome", "eof", "lost:null");
        await(s.closed());
    }

    @Test
    void aTcpCloseWithoutCloseNotifyIsReportedAsPossibleTruncation() {
        AtomicReference<Recorder> serverSide = new AtomicReference<>();
        Server s = listen(() -> {
            Recorder r = new Recorder(loop, null);
            serverSide.set(r);
            return r;
        }, server().build());
        // A plain connection upgraded by hand gives us the raw transport to close under TLS.
        Promise<Void> upgraded = loop.newPromise();
        Net.createConnection(loop, () -> new Protocol() {
            @Override
            public void connectionMade(Transport raw) {
                Net.startTls(raw, new Recorder(loop, "partial"), client().build(), false).whenComplete((tls, e) -> {
                    if (e != null) {
                        upgraded.fail(e);
                        return;
                    }
                    raw.close(); // flushes "partial" as a record, then FIN: no close_notify
                    upgraded.complete(null);
                });
            }

            @Override
            public void dataReceived(ByteBuffer data) {
            }
        }, "localhost", port(s), ConnectOptions.defaults());
        await(upgraded);
        List<String> events = await(serverSide.get().lost);
        assertThat(events).containsExactly("made", "data:partial", "lost:SSLException");
        assertThat(serverSide.get().cause).isInstanceOf(SSLException.class)
                .hasMessageContaining("without a TLS close_notify").hasMessageContaining("truncated");
        shutdown(s);
    }
}

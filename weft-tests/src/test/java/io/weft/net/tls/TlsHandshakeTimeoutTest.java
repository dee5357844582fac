package io.weft.net.tls;

import static io.weft.net.tls.TlsFixtures.client;
import static io.weft.net.tls.TlsFixtures.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.LoopConfig;
import io.weft.net.ConnectOptions;
import io.weft.net.Net;
import io.weft.net.Server;
import io.weft.net.TlsHandshakeException;
import io.weft.net.tls.TlsFixtures.Pump;
import io.weft.net.tls.TlsFixtures.Recorder;
import io.weft.testkit.ManualClock;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer that never finishes the handshake. Time is a {@link ManualClock} that jumps to the next
 * timer whenever the loop would wait for one with nothing else to do, after a short real wait
 * for I/O: when the loop has nothing to do but wait for the handshake timer, time jumps to it,
 * so no test sleeps.
 */
@Timeout(30)
class TlsHandshakeTimeoutTest extends TlsTestBase {

    @Override
    LoopConfig loopConfig() {
        return LoopConfig.builder().clock(ManualClock.autoJump(Duration.ofMillis(20))).build();
    }

    @Test
    void aServerThatNeverAnswersFailsTheHandshakeWithATimeout() throws Exception {
        try (ServerSocketChannel silent = ServerSocketChannel.open()) {
            // The kernel completes the TCP handshake from the backlog; nobody ever reads.
            silent.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) silent.getLocalAddress()).getPort();
            long start = loop.time();
            Promise<Throwable> failure = Net.createConnection(loop, () -> new Pump(loop, 10), "127.0.0.1", port,
                    ConnectOptions.builder().connectTimeout(null)
                            .tls(client().handshakeTimeout(Duration.ofSeconds(7)).build()).build())
                    .map(p -> (Throwable) null).recover(e -> e);
            Throwable e = loop.runUntilComplete(failure);
            assertThat(e).isInstanceOf(TlsHandshakeException.class);
            assertThat(((TlsHandshakeException) e).reason()).isEqualTo(TlsHandshakeException.Reason.TIMEOUT);
            assertThat(e).hasMessageContaining("did not finish within 7000 ms");
            assertThat(loop.time() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(7).toNanos());
        }
    }

    @Test
    void aClientThatNeverSpeaksIsDroppedByTheServer() {
        Server s = listen(() -> new Recorder(loop, null),
                server().handshakeTimeout(Duration.ofSeconds(5)).build());
        long start = loop.time();
        // A plain client that connects and says nothing: the server must not keep it forever.
        Recorder mute = loop.runUntilComplete(Net.createConnection(loop, () -> new Recorder(loop, null), "127.0.0.1",
                port(s), ConnectOptions.builder().connectTimeout(null).build()));
        assertThat(loop.runUntilComplete(mute.lost)).containsExactly("made", "eof", "lost:null");
        assertThat(loop.time() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(s.connectionCount()).isZero();
        shutdown(s);
    }
}

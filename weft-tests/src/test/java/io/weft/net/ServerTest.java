package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.LoopConfig;
import io.weft.testkit.ManualClock;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The server handle: connection limit, connection count, close() that keeps connections,
 * graceful shutdown with a deadline. The loop runs on a jump clock
 * ({@link ManualClock#realTimeWithAutoJump}), so a deadline passes only once the loop has nothing
 * else to do: "flushed before the deadline" then means "flushed at all", whatever the machine's
 * load.
 */
class ServerTest extends NetTestSupport {

    @Override
    LoopConfig.Builder configure(LoopConfig.Builder b) {
        return b.clock(ManualClock.realTimeWithAutoJump(Duration.ofMillis(20)));
    }

    @Test
    void listensOnTheRealPortWhenAskedForPortZero() {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        assertThat(s.addresses()).singleElement().satisfies(a -> {
            assertThat(((InetSocketAddress) a).getPort()).isPositive();
            assertThat(((InetSocketAddress) a).getHostString()).isEqualTo("127.0.0.1");
        });
        assertThat(s.connectionCount()).isZero();
    }

    @Test
    void aPortInUseFailsWithTheAddressInTheMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            InetSocketAddress at = new InetSocketAddress("127.0.0.1", taken.getLocalPort());
            Throwable e = awaitFailure(Net.createServer(loop, EchoTest.HalfCloseEcho::new, at, ServerOptions.defaults()));
            assertThat(e).isInstanceOf(java.io.IOException.class)
                    .hasMessageContaining("cannot listen on")
                    .hasMessageContaining(String.valueOf(taken.getLocalPort()));
        }
    }

    @Test
    void maxConnectionsLeavesTheNextPeerInTheBacklogUntilOneCloses() throws Exception {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.builder().maxConnections(2).build());
        RawPeer first = closeLater(RawPeer.connect(address(s)));
        RawPeer second = closeLater(RawPeer.connect(address(s)));
        RawPeer third = closeLater(RawPeer.connect(address(s))); // the kernel completes it; it waits to be accepted
        third.write("3".getBytes());

        await(until(() -> s.connectionCount() == 2));
        spin(20); // plenty of turns in which a third accept would have happened
        assertThat(s.connectionCount()).isEqualTo(2);
        assertThat(checkedProtocols()).hasSize(2);

        first.shutdownOutput(); // the echo closes its side: a slot frees up
        assertThat(await(offLoop(() -> third.readExactly(1)))).isEqualTo("3".getBytes());
        assertThat(checkedProtocols()).hasSize(3);
        assertThat(s.connectionCount()).isEqualTo(2);

        second.write("2".getBytes());
        assertThat(await(offLoop(() -> second.readExactly(1)))).isEqualTo("2".getBytes());
    }

    @Test
    void connectionCountFollowsOpensAndCloses() throws Exception {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        RawPeer a = closeLater(RawPeer.connect(address(s)));
        RawPeer b = closeLater(RawPeer.connect(address(s)));
        await(until(() -> s.connectionCount() == 2));
        a.shutdownOutput();
        await(until(() -> s.connectionCount() == 1));
        b.reset();
        await(until(() -> s.connectionCount() == 0));
        assertThat(checkedProtocols()).hasSize(2).allSatisfy(c -> assertThat(c.isLost()).isTrue());
    }

    @Test
    void closeStopsListeningButKeepsOpenConnections() throws Exception {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        InetSocketAddress at = address(s);
        CheckedProtocol<Recorder> c = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), at,
                ConnectOptions.defaults()));
        await(until(() -> s.connectionCount() == 1));

        s.close();
        s.close(); // idempotent
        assertThat(s.addresses()).isEmpty();
        Throwable refused = awaitFailure(Net.createConnection(loop, () -> new Recorder(loop), at, ConnectOptions.defaults()));
        assertThat(refused).isInstanceOf(ConnectException.class);

        c.transport().write("still here".getBytes());
        await(until(() -> c.inner().size() == 10));
        assertThat(new String(c.inner().bytes())).isEqualTo("still here");
        assertThat(s.closed().isDone()).as("closed() waits for the last connection").isFalse();
        assertThat(s.connectionCount()).isEqualTo(1);

        c.transport().writeEof();
        await(s.closed());
        assertThat(s.connectionCount()).isZero();
        assertThat(await(c.lost())).isNull();
    }

    /** Sends 16 MiB on connect: more than the kernel holds for a peer that does not read. */
    static final class Sender extends Recorder {
        Sender(io.weft.loop.EventLoop loop) {
            super(loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.write(pattern(16 << 20, 21));
        }
    }

    @Test
    void shutdownFlushesEachConnectionAndAbortsThoseStillOpenAtTheDeadline() throws Exception {
        Server s = server(checked(() -> new Sender(loop)), ServerOptions.defaults());
        RawPeer straggler = closeLater(RawPeer.connect(address(s), 16 * 1024)); // never reads
        CheckedProtocol<Sender> stuck = await(made(Sender.class));
        CheckedProtocol<Recorder> reader = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s),
                ConnectOptions.defaults()));
        await(until(() -> s.connectionCount() == 2));

        long start = loop.time();
        Promise<Void> done = s.shutdown(Duration.ofSeconds(5));
        assertThat(s.addresses()).as("stopped listening at once").isEmpty();
        await(done);

        // The reader got everything, then EOF, and its connection closed cleanly before the deadline.
        assertThat(await(reader.lost())).isNull();
        assertThat(reader.inner().bytes()).isEqualTo(pattern(16 << 20, 21));
        assertThat(reader.word()).matches("MD+EL");
        // The straggler could not take it all: aborted at the deadline, its buffer dropped.
        assertThat(await(stuck.lost())).isNull();
        assertThat(loop.time() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(5).toNanos());
        long got = await(Promise.from(loop, straggler.countToEnd()));
        assertThat(got).isLessThan(16 << 20);
        assertThat(s.connectionCount()).isZero();
        assertThat(s.closed().isDone()).isTrue();
    }

    @Test
    void shutdownWithNoConnectionsCompletesAtOnce() {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        Promise<Void> done = s.shutdown(Duration.ofSeconds(5));
        long start = loop.time();
        await(done);
        assertThat(loop.time() - start).isLessThan(Duration.ofSeconds(5).toNanos());
        assertThat(s.connectionCount()).isZero();
    }

    @Test
    void shutdownEndsConnectionsThatFlushInTimeWithoutWaitingForTheDeadline() throws Exception {
        Server s = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        RawPeer idle = closeLater(RawPeer.connect(address(s)));
        await(until(() -> s.connectionCount() == 1));
        long start = loop.time();
        await(s.shutdown(Duration.ofSeconds(30)));
        assertThat(loop.time() - start).isLessThan(Duration.ofSeconds(30).toNanos());
        assertThat(await(offLoop(() -> idle.socket.getInputStream().read()))).as("EOF").isEqualTo(-1);
    }

    @Test
    void writesAfterShutdownClosedTheConnectionAreNoErrorOfTheProtocol() throws Exception {
        // The protocol never called close(); the server did, and while the server waits for the
        // deadline (the peer does not read) the protocol's heartbeat keeps writing.
        java.util.List<Throwable> thrown = new java.util.ArrayList<>();
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                beat();
            }

            void beat() {
                if (lost.isDone()) {
                    return;
                }
                try {
                    t.write(new byte[1 << 20]); // the peer does not read: this piles up
                } catch (Throwable e) {
                    thrown.add(e);
                }
                loop.callLater(Duration.ofMillis(100), this::beat);
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s), 16 * 1024));
        CheckedProtocol<Recorder> beating = await(made(Recorder.class));
        await(after(Duration.ofMillis(350)));
        await(s.shutdown(Duration.ofSeconds(1)));
        await(after(Duration.ofMillis(350))); // a few more beats after the connection is gone
        assertThat(await(beating.lost())).isNull();
        assertThat(thrown).isEmpty();
    }
}

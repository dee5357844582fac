package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A peer that resets the connection (SO_LINGER 0) while a large write is under way: the writer's
 * protocol hears of it once, as a typed {@link ConnectionResetException}; nothing leaks; the
 * loop and the other connections go on.
 */
class PeerResetTest extends NetTestSupport {
    static final int MIB = 1 << 20;

    /** Writes 32 MiB at once on connect; optionally does not read, so only writing can notice a reset. */
    static final class BigWriter extends Recorder {
        final boolean reading;

        BigWriter(io.weft.loop.EventLoop loop, boolean reading) {
            super(loop);
            this.reading = reading;
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            if (!reading) {
                transport.pauseReading();
            }
            byte[] chunk = pattern(MIB, 7);
            for (int i = 0; i < 32; i++) {
                transport.write(chunk);
            }
        }
    }

    @ParameterizedTest(name = "server reading: {0}")
    @ValueSource(booleans = {true, false})
    void resetDuringALargeWriteReachesConnectionLostOnceTyped(boolean serverReads) throws Exception {
        Server writers = server(checked(() -> new BigWriter(loop, serverReads)), ServerOptions.defaults());
        Server echo = server(checked(EchoTest.HalfCloseEcho::new), ServerOptions.defaults());
        // Another connection, mid-conversation on the same loop while the reset happens.
        Recorder bystander = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(echo),
                ConnectOptions.defaults())).inner();
        bystander.t.write("before ".getBytes());

        RawPeer peer = closeLater(RawPeer.connect(address(writers), 64 * 1024));
        CheckedProtocol<BigWriter> writer = await(made(BigWriter.class));
        assertThat(writer.transport().writeBufferSize()).as("the write is still under way").isGreaterThan(16 * MIB);
        assertThat(peer.readExactly(1000)).isEqualTo(java.util.Arrays.copyOf(pattern(MIB, 7), 1000));

        peer.reset();
        Throwable cause = await(writer.lost());

        assertThat(cause).isInstanceOf(ConnectionResetException.class)
                .hasMessageContaining("reset");
        assertThat(writer.transport().writeBufferSize()).as("the buffer was dropped").isZero();
        assertThat(writer.transport().isClosing()).isTrue();
        assertThat(writers.connectionCount()).isZero();
        assertThat(writer.word()).isEqualTo("MPL");

        // The loop and the other connection never noticed.
        bystander.t.write("after".getBytes());
        bystander.t.writeEof();
        await(bystander.lost);
        assertThat(new String(bystander.bytes())).isEqualTo("before after");
        // A new connection to the same server works too.
        RawPeer again = closeLater(RawPeer.connect(address(writers)));
        assertThat(await(offLoop(() -> again.readExactly(1000)))).hasSize(1000);
    }

    @org.junit.jupiter.api.Test
    void aWriteThatFindsTheConnectionResetConsumesItsBufferAndReportsTheResetOnce() throws Exception {
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.pauseReading(); // nothing will notice the reset but a write
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Recorder> p = await(made(Recorder.class));
        int local = ((InetSocketAddress) p.transport().localAddress()).getPort();
        peer.reset();
        await(until(() -> TcpTable.rxQueue(local, peer.localPort()) < 0)); // the kernel dropped the connection

        ByteBuffer data = ByteBuffer.wrap(new byte[1000]);
        p.transport().write(data);
        assertThat(data.hasRemaining()).as("write() takes the whole buffer, even when it fails").isFalse();
        p.transport().write(new byte[10]); // lost now: dropped silently
        assertThat(await(p.lost())).isInstanceOf(ConnectionResetException.class);
        assertThat(p.word()).isEqualTo("ML");
    }

    /** Pauses reading as soon as it is connected, and never writes. */
    static final class Paused extends Recorder {
        Paused(io.weft.loop.EventLoop loop) {
            super(loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.pauseReading();
        }
    }

    /**
     * A reset while reading is paused and nothing is queued reaches connectionLost at once, typed,
     * on every backend. epoll hears it because EPOLLERR|EPOLLHUP come whatever the interest set;
     * the JDK's selectors (nio, poll) drop a descriptor with no interest from the kernel's set, so
     * the NIO backend keeps read interest while paused and takes at most one byte, held for resume.
     */
    @org.junit.jupiter.api.Test
    void aResetWhileReadingIsPausedAndNothingIsQueuedReachesConnectionLostTyped() throws Exception {
        Server s = server(checked(() -> new Paused(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Paused> paused = await(made(Paused.class));
        assertThat(paused.transport().writeBufferSize()).isZero();

        peer.reset();
        Throwable cause = await(paused.lost());

        assertThat(cause).isInstanceOf(ConnectionResetException.class).hasMessageContaining("reset");
        assertThat(s.connectionCount()).isZero();
    }
}

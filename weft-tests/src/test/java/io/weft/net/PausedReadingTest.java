package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What arrives while reading is paused is delivered on resume, complete and in order, and the
 * end of stream after it, on every backend: the NIO backend keeps listening while paused (to hear
 * a reset, see {@link PeerResetTest}) and holds the byte that listening takes, so these are the
 * cases where it could lose, duplicate or reorder that byte.
 */
class PausedReadingTest extends NetTestSupport {

    @Test
    void bytesAndTheEndOfStreamThatArriveWhilePausedComeOnResumeInOrder() throws Exception {
        Server s = server(checked(() -> new PeerResetTest.Paused(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<PeerResetTest.Paused> p = await(made(PeerResetTest.Paused.class));
        peer.write("hello, paused world".getBytes());
        peer.shutdownOutput();
        await(after(Duration.ofMillis(100))); // let them arrive (the result must not depend on it)
        assertThat(p.inner().size()).as("nothing while paused").isZero();

        p.transport().resumeReading();
        await(p.inner().eof);

        assertThat(new String(p.inner().bytes())).isEqualTo("hello, paused world");
    }

    /** Pauses after every delivery and resumes on the next turn: the held byte's worst case. */
    static final class Toggler extends Recorder {
        Toggler(io.weft.loop.EventLoop loop) {
            super(loop);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            super.dataReceived(data);
            t.pauseReading();
            t.loop().callLater(Duration.ofMillis(1), t::resumeReading);
        }
    }

    @Test
    void pausingAfterEveryDeliveryLosesAndReordersNothing() throws Exception {
        Server s = server(checked(() -> new Toggler(loop)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Toggler> p = await(made(Toggler.class));
        byte[] sent = pattern(1 << 20, 3);
        offLoop(() -> {
            for (int i = 0; i < sent.length; i += 1000) {
                peer.write(java.util.Arrays.copyOfRange(sent, i, Math.min(sent.length, i + 1000)));
            }
            peer.shutdownOutput();
            return null;
        });

        await(p.inner().eof);

        assertThat(p.inner().bytes()).isEqualTo(sent);
    }

    /**
     * While reading is paused the bytes stay in the kernel, so TCP's flow control stops the
     * peer: a paused connection takes no more than the sockets' buffers hold (here a few MiB;
     * an io_uring receive left running would take all 32 MiB), and on resume every byte comes,
     * in order.
     */
    @Test
    void aPausedConnectionPushesBackOnItsPeerAndResumesWithEveryByte() throws Exception {
        Server s = server(checked(() -> new PeerResetTest.Paused(loop)), ServerOptions.defaults());
        java.nio.channels.SocketChannel peer = closeLater(java.nio.channels.SocketChannel.open(address(s)));
        CheckedProtocol<PeerResetTest.Paused> p = await(made(PeerResetTest.Paused.class));
        byte[] sent = pattern(32 << 20, 7);
        ByteBuffer out = ByteBuffer.wrap(sent);

        long taken = await(offLoop(() -> {
            peer.configureBlocking(false);
            try (java.nio.channels.Selector sel = java.nio.channels.Selector.open()) {
                peer.register(sel, java.nio.channels.SelectionKey.OP_WRITE);
                // Stalled: three times in a row the socket stayed full for 200 ms.
                for (int idle = 0; idle < 3 && out.hasRemaining(); ) {
                    if (peer.write(out) > 0) {
                        idle = 0;
                    } else if (sel.select(200) == 0) {
                        idle++;
                    }
                    sel.selectedKeys().clear();
                }
                peer.keyFor(sel).cancel();
                sel.selectNow();
            }
            peer.configureBlocking(true);
            return (long) out.position();
        }));
        assertThat(taken).as("bytes the paused connection let the peer send").isLessThan(16L << 20);

        p.transport().resumeReading();
        await(offLoop(() -> {
            while (out.hasRemaining()) {
                peer.write(out);
            }
            peer.shutdownOutput();
            return null;
        }));
        await(p.inner().eof);

        assertThat(p.inner().bytes()).isEqualTo(sent);
    }

    /**
     * Forty connections paused with bytes waiting, more than a loop's first read buffers hold:
     * none keeps another from reading (an echo on the same loop still answers), and on resume each
     * gets every byte, in order, and its end of stream. On io_uring: the provided-buffer ring
     * grows on ENOBUFS, and paused sockets keep only their share of it.
     */
    @Test
    void manyPausedConnectionsStarveNoOtherAndLoseNothing() throws Exception {
        Server s = server(checked(() -> new PeerResetTest.Paused(loop)), ServerOptions.defaults());
        Server echo = server(checked(() -> new Recorder(loop) {
            @Override
            public void dataReceived(ByteBuffer data) {
                t.write(data);
            }
        }), ServerOptions.defaults());
        int n = 40;
        java.util.List<RawPeer> peers = new java.util.ArrayList<>();
        java.util.List<CheckedProtocol<PeerResetTest.Paused>> paused = new java.util.ArrayList<>();
        java.util.List<io.weft.future.Promise<Void>> writes = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawPeer peer = closeLater(RawPeer.connect(address(s)));
            peers.add(peer);
            paused.add(await(made(PeerResetTest.Paused.class)));
            byte[] sent = pattern(96 * 1024, 100 + i);
            writes.add(offLoop(() -> {
                peer.write(sent);
                peer.shutdownOutput();
                return null;
            }));
        }
        await(after(Duration.ofMillis(100))); // let them arrive (the result must not depend on it)

        RawPeer other = closeLater(RawPeer.connect(address(echo)));
        byte[] back = await(offLoop(() -> {
            other.write("ping".getBytes());
            return other.readExactly(4);
        }));
        assertThat(new String(back)).as("an echo beside the paused connections").isEqualTo("ping");

        for (CheckedProtocol<PeerResetTest.Paused> p : paused) {
            assertThat(p.inner().size()).as("nothing while paused").isZero();
            p.transport().resumeReading();
        }
        for (int i = 0; i < n; i++) {
            await(writes.get(i));
            await(paused.get(i).inner().eof);
            assertThat(paused.get(i).inner().bytes()).as("connection %d", i).isEqualTo(pattern(96 * 1024, 100 + i));
        }
    }
}

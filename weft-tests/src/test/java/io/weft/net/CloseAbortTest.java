package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** close() flushes then closes, abort() drops; writing after either is a bug, after a loss a no-op. */
class CloseAbortTest extends NetTestSupport {
    static final int SIXTEEN_MIB = 16 << 20;

    /** A server-side protocol that runs {@code onMade} once connected. */
    static class Acting extends Recorder {
        final Consumer<Acting> onMade;
        final List<Throwable> thrown = new ArrayList<>();
        long bufferedAtClose = -1;

        Acting(io.weft.loop.EventLoop loop, Consumer<Acting> onMade) {
            super(loop);
            this.onMade = onMade;
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            onMade.accept(this);
        }

        /** Runs {@code r}, keeping what it throws for the test to look at. */
        void attempt(Runnable r) {
            try {
                r.run();
            } catch (Throwable e) {
                thrown.add(e);
            }
        }
    }

    Acting serverSide() {
        return await(made(Acting.class)).inner();
    }

    Server actingServer(Consumer<Acting> onMade) {
        return server(checked(() -> new Acting(loop, onMade)), ServerOptions.defaults());
    }

    Promise<Recorder> client(Server s) {
        return Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s), ConnectOptions.defaults())
                .map(CheckedProtocol::inner);
    }

    @Test
    void closeFlushesEverythingBufferedThenSendsEof() {
        byte[] payload = pattern(SIXTEEN_MIB, 1);
        Server s = actingServer(a -> {
            a.t.write(payload);
            a.t.close();
            a.bufferedAtClose = a.t.writeBufferSize();
            assertThat(a.t.isClosing()).isTrue();
            assertThat(a.t.isReading()).isFalse();
        });
        Recorder c = await(client(s));
        assertThat(await(c.lost)).isNull();
        Acting a = serverSide();
        assertThat(a.bufferedAtClose).as("close() had data left to flush").isPositive();
        assertThat(await(a.lost)).isNull();
        assertThat(c.bytes()).isEqualTo(payload);
        assertThat(c.eof.isDone()).isTrue();
    }

    @Test
    void abortDropsWhatIsBuffered() throws Exception {
        Server s = actingServer(a -> {
            a.t.write(pattern(SIXTEEN_MIB, 2));
            a.bufferedAtClose = a.t.writeBufferSize();
            a.t.abort();
            assertThat(a.t.writeBufferSize()).isZero();
            assertThat(a.t.isClosing()).isTrue();
        });
        RawPeer peer = closeLater(RawPeer.connect(address(s), 32 * 1024));
        Acting a = await(made(Acting.class)).inner();
        assertThat(await(a.lost)).isNull();
        long got = await(Promise.from(loop, peer.countToEnd()));
        assertThat(a.bufferedAtClose).isPositive();
        assertThat(got).as("bytes that reached the peer").isLessThanOrEqualTo(SIXTEEN_MIB - a.bufferedAtClose);
    }

    @Test
    void writeAfterCloseThrowsWithAHelpfulMessage() {
        Server s = actingServer(a -> {
            a.t.write("last words".getBytes());
            a.t.close();
            a.attempt(() -> a.t.write("more".getBytes()));
        });
        Recorder c = await(client(s));
        await(c.lost);
        Acting a = serverSide();
        assertThat(a.thrown).singleElement().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).asString().contains("write", "close()");
        assertThat(new String(c.bytes())).isEqualTo("last words");
    }

    @Test
    void writeAfterCloseThrowsEvenWhenNothingWasBuffered() {
        // close() with an empty buffer finishes at once: still a write after close(), still a bug.
        Server s = actingServer(a -> {
            a.t.close();
            a.attempt(() -> a.t.write("more".getBytes()));
            a.attempt(() -> a.t.write(ByteBuffer.allocate(0)));
        });
        Recorder c = await(client(s));
        await(c.lost);
        assertThat(serverSide().thrown).hasSize(2).allSatisfy(e -> assertThat(e)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("close()"));
        assertThat(c.bytes()).isEmpty();
    }

    @Test
    void writeAfterAbortThrows() {
        Server s = actingServer(a -> {
            a.t.abort();
            a.attempt(() -> a.t.write("more".getBytes()));
        });
        Recorder c = await(client(s));
        await(c.lost);
        assertThat(serverSide().thrown).singleElement().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).asString().contains("abort()");
    }

    @Test
    void writeAfterWriteEofThrows() {
        Server s = actingServer(a -> {
            a.t.writeEof();
            a.attempt(() -> a.t.write("more".getBytes()));
            a.t.close();
        });
        Recorder c = await(client(s));
        await(c.lost);
        assertThat(serverSide().thrown).singleElement().isInstanceOf(IllegalStateException.class)
                .extracting(Throwable::getMessage).asString().contains("writeEof()");
    }

    @Test
    void writesAfterTheConnectionWasLostAreDroppedSilently() throws Exception {
        Promise<Void> wroteLate = loop.newPromise();
        Server s = server(checked(() -> new Acting(loop, a -> { }) {
            @Override
            public void connectionLost(Throwable cause) {
                super.connectionLost(cause);
                // In connectionLost and later (a timer, say): the bytes go nowhere, nothing throws.
                attempt(() -> t.write("in connectionLost".getBytes()));
                attempt(() -> t.writeEof());
                loop.callSoon(() -> {
                    attempt(() -> t.write("later".getBytes()));
                    attempt(() -> t.close());
                    wroteLate.complete(null);
                });
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        Acting a = await(made(Acting.class)).inner();
        peer.reset();
        assertThat(await(a.lost)).isInstanceOf(ConnectionResetException.class);
        await(wroteLate);
        assertThat(a.thrown).isEmpty();
        assertThat(a.t.writeBufferSize()).isZero();
    }

    @Test
    void writesAfterThePeerClosedAndTheTransportClosedItselfAreDroppedSilently() throws Exception {
        // eofReceived returned false, so the transport closed itself: the protocol did not call close().
        Promise<Void> wroteLate = loop.newPromise();
        Server s = server(checked(() -> new Acting(loop, a -> { }) {
            @Override
            public void connectionLost(Throwable cause) {
                super.connectionLost(cause);
                loop.callSoon(() -> {
                    attempt(() -> t.write("later".getBytes()));
                    wroteLate.complete(null);
                });
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        peer.shutdownOutput();
        Acting a = await(made(Acting.class)).inner();
        assertThat(await(a.lost)).isNull();
        await(wroteLate);
        assertThat(a.thrown).isEmpty();
    }

    @Test
    void writeCopiesWhatItCannotSendSoTheCallerMayReuseItsBuffer() throws Exception {
        byte[] first = pattern(8 << 20, 3);
        Promise<Void> written = loop.newPromise();
        Server s = actingServer(a -> {
            ByteBuffer buf = ByteBuffer.wrap(first.clone());
            a.t.write(buf);
            assertThat(buf.hasRemaining()).as("write consumes the whole buffer").isFalse();
            assertThat(a.t.writeBufferSize()).as("some of it is buffered").isPositive();
            buf.clear();
            buf.put(new byte[buf.capacity()]); // scribble over it
            a.t.close();
            written.complete(null);
        });
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        // The peer reads only after the write: while it reads, an idle machine's kernel can take
        // all 8 MiB in one write, leaving nothing buffered to check.
        await(written);
        byte[] got = await(Promise.from(loop, peer.readToEof()));
        assertThat(got).isEqualTo(first);
    }

    @Test
    void closeAndAbortAreIdempotent() {
        Server s = actingServer(a -> {
            a.t.close();
            a.t.close();
            a.t.abort();
            a.t.abort();
        });
        Recorder c = await(client(s));
        await(c.lost);
        assertThat(await(serverSide().lost)).isNull();
    }
}

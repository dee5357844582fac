package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * Protocols that call back into their transport from inside its callbacks: close, abort,
 * write, pause and resume from connectionMade, dataReceived, pauseWriting, resumeWriting and
 * connectionLost; and callbacks that throw.
 */
class CallbackReentrancyTest extends NetTestSupport {
    static final int READ_BUFFER = 64 * 1024;

    /** A recorder that starts paused (so data piles up in the kernel) and runs {@code onData} per read. */
    static class Piling extends Recorder {
        final Consumer<Piling> onData;
        boolean paused;
        int readsWhilePaused;

        Piling(EventLoop loop, Consumer<Piling> onData) {
            super(loop);
            this.onData = onData;
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            pause();
        }

        void pause() {
            paused = true;
            t.pauseReading();
        }

        void resume() {
            paused = false;
            t.resumeReading();
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            if (paused) {
                readsWhilePaused++;
            }
            super.dataReceived(data);
            onData.accept(this);
        }
    }

    /**
     * Has a raw peer send {@code n} bytes, and waits until the server side (paused) has more
     * than one full read waiting in its socket: enough that a transport which ignored a pause
     * would read again in the same readiness event.
     */
    CheckedProtocol<Piling> piledUp(Server s, RawPeer peer, int n) {
        offLoop(() -> {
            peer.write(pattern(n, 5));
            return null;
        });
        CheckedProtocol<Piling> p = await(made(Piling.class));
        int local = ((InetSocketAddress) p.transport().localAddress()).getPort();
        await(until(() -> TcpTable.rxQueue(local, peer.localPort()) > READ_BUFFER));
        return p;
    }

    @Test
    void pauseReadingInsideDataReceivedStopsReadsInTheSameReadinessEvent() throws Exception {
        Server s = server(checked(() -> new Piling(loop, Piling::pause)), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Piling> p = piledUp(s, peer, 1 << 20);
        Piling server = p.inner();

        server.resume();
        await(until(() -> server.dataCalls > 0));
        spin(20);
        assertThat(server.dataCalls).as("reads after pauseReading() in dataReceived").isEqualTo(1);
        // A readiness backend reads into the loop's 64 KiB buffer; io_uring's multishot receive
        // fills one 8 KiB provided buffer per completion. Either way the first read was full.
        assertThat(server.size()).as("the first read filled the backend's read buffer: more was waiting")
                .isEqualTo(backend == io.weft.loop.PollerKind.IO_URING ? 8 * 1024 : READ_BUFFER);
        assertThat(server.t.isReading()).isFalse();

        // Resuming reads the rest, one read per resume, all of it in order.
        while (server.size() < 1 << 20) {
            int before = server.dataCalls;
            server.resume();
            await(until(() -> server.dataCalls > before));
        }
        assertThat(server.readsWhilePaused).isZero();
        assertThat(server.bytes()).isEqualTo(pattern(1 << 20, 5));
    }

    @Test
    void abortInsideDataReceivedStopsReadingAtOnce() throws Exception {
        Server s = server(checked(() -> new Piling(loop, pl -> pl.t.abort())), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Piling> p = piledUp(s, peer, 1 << 20);
        p.inner().resume();
        assertThat(await(p.lost())).isNull();
        assertThat(p.word()).isEqualTo("MDL");
    }

    @Test
    void closeInsideConnectionMadeClosesCleanly() {
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport transport) {
                super.connectionMade(transport);
                transport.close();
            }
        }), ServerOptions.defaults());
        Recorder c = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s),
                ConnectOptions.defaults())).inner();
        assertThat(await(c.lost)).isNull();
        assertThat(c.eof.isDone()).isTrue();
        assertThat(checkedProtocols()).extracting(CheckedProtocol::word).containsExactlyInAnyOrder("ML", "MEL");
    }

    /** Writes 8 MiB on connect; then {@code onPause}/{@code onResume} act. */
    class Flooder extends Recorder {
        final Consumer<Flooder> onPause;
        final Consumer<Flooder> onResume;

        Flooder(Consumer<Flooder> onPause, Consumer<Flooder> onResume) {
            super(loop);
            this.onPause = onPause;
            this.onResume = onResume;
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.write(pattern(8 << 20, 9));
        }

        @Override
        public void pauseWriting() {
            super.pauseWriting();
            onPause.accept(this);
        }

        @Override
        public void resumeWriting() {
            super.resumeWriting();
            onResume.accept(this);
        }
    }

    @Test
    void closeInsidePauseWritingStillFlushesEverything() throws Exception {
        Promise<Void> paused = loop.newPromise();
        Server s = server(checked(() -> new Flooder(f -> {
            f.t.close();
            paused.complete(null);
        }, f -> { })), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        // The peer reads only once the flooder was paused: while it reads, the kernel can take all
        // 8 MiB in one write on an idle machine, and no pause would ever come.
        await(paused);
        byte[] got = await(Promise.from(loop, peer.readToEof()));
        assertThat(got).isEqualTo(pattern(8 << 20, 9));
        CheckedProtocol<Flooder> f = await(made(Flooder.class));
        assertThat(await(f.lost())).isNull();
        assertThat(f.word()).matches("MPR?L");
    }

    @Test
    void writeAndAbortInsideResumeWriting() throws Exception {
        Promise<Void> paused = loop.newPromise();
        Server s = server(checked(() -> new Flooder(f -> paused.complete(null), f -> {
            f.t.write("tail".getBytes()); // allowed: writing resumed
            f.t.abort();
        })), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        await(paused); // as above: no reading before the pause, or there may be none
        long got = await(Promise.from(loop, peer.countToEnd()));
        CheckedProtocol<Flooder> f = await(made(Flooder.class));
        assertThat(await(f.lost())).isNull();
        assertThat(f.word()).isEqualTo("MPRL");
        assertThat(got).isGreaterThanOrEqualTo((8 << 20) - 64 * 1024).isLessThanOrEqualTo((8 << 20) + 4);
    }

    @Test
    void setWriteBufferLimitsAfterALossCallsNoFlowControl() throws Exception {
        // Paused when the peer resets; lowering the marks afterwards must not resume a dead transport.
        Server s = server(checked(() -> new Flooder(f -> { }, f -> { }) {
            @Override
            public void connectionLost(Throwable cause) {
                super.connectionLost(cause);
                t.setWriteBufferLimits(1 << 30, 1 << 29);
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        CheckedProtocol<Flooder> f = await(made(Flooder.class));
        assertThat(f.word()).isEqualTo("MP");
        peer.reset();
        assertThat(await(f.lost())).isInstanceOf(ConnectionResetException.class);
        f.transport().setWriteBufferLimits(1 << 30, 1 << 29);
        spin(2);
        assertThat(f.word()).isEqualTo("MPL");
    }

    @Test
    void anExceptionFromDataReceivedIsReportedAndEndsTheConnectionWithItAsTheCause() throws Exception {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void dataReceived(ByteBuffer data) {
                throw boom;
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        peer.write("x".getBytes());
        CheckedProtocol<Recorder> r = await(made(Recorder.class));
        assertThat(await(r.lost())).isSameAs(boom);
        assertThat(takeReports()).singleElement().asString().contains("dataReceived", "boom");
        assertThat(await(Promise.from(loop, peer.countToEnd()))).isZero();
    }

    @Test
    void anExceptionFromConnectionMadeIsReportedAndEndsTheConnectionWithItAsTheCause() {
        IllegalStateException boom = new IllegalStateException("boom");
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void connectionMade(Transport transport) {
                throw boom;
            }
        }), ServerOptions.defaults());
        Recorder c = await(Net.createConnection(loop, checked(() -> new Recorder(loop)), address(s),
                ConnectOptions.defaults())).inner();
        await(c.lost);
        CheckedProtocol<Recorder> r = await(made(Recorder.class));
        assertThat(await(r.lost())).isSameAs(boom);
        assertThat(takeReports()).singleElement().asString().contains("connectionMade", "boom");
        assertThat(s.connectionCount()).isZero();
    }

    @Test
    void setProtocolHandsLaterEventsToTheNewProtocol() throws Exception {
        Recorder second = new Recorder(loop);
        Server s = server(checked(() -> new Recorder(loop) {
            @Override
            public void dataReceived(ByteBuffer data) {
                super.dataReceived(data);
                t.setProtocol(second); // e.g. after a STARTTLS line
            }
        }), ServerOptions.defaults());
        RawPeer peer = closeLater(RawPeer.connect(address(s)));
        peer.write("first".getBytes());
        CheckedProtocol<Recorder> first = await(made(Recorder.class));
        await(until(() -> first.inner().dataCalls == 1));
        assertThat(first.transport().protocol()).isSameAs(second);
        peer.write("second".getBytes());
        peer.shutdownOutput();
        assertThat(await(second.lost)).isNull();
        assertThat(new String(first.inner().bytes())).isEqualTo("first");
        assertThat(new String(second.bytes())).isEqualTo("second");
        assertThat(second.eof.isDone()).isTrue();
        assertThat(second.made.isDone()).as("no connectionMade for the new protocol").isFalse();
        assertThat(first.word()).isEqualTo("MD");
        // The first protocol never hears connectionLost: mark it done for the call-order check.
        first.connectionLost(null);
    }
}

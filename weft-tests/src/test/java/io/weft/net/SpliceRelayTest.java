package io.weft.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.loop.EventLoop;
import io.weft.loop.PollerKind;
import io.weft.testkit.FileDescriptors;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/**
 * {@link Relay}'s contract on every backend, written for its zero-copy path (a pipe per direction:
 * splice(2) on native epoll, the ring's splice on io_uring) and held by the copying path as well: large
 * transfers both ways at once arrive intact, half-close each way after the data, a reset or a
 * close mid-transfer ends both sides, a slow reader keeps what the relay holds bounded, bytes a
 * caller buffered before the relay started go first, Unix sockets splice too, and no pipe or
 * socket outlives a tunnel.
 */
class SpliceRelayTest extends NetTestSupport {
    static final int MIB = 1 << 20;

    final List<Relay> relays = new ArrayList<>();
    Relay.Options options = Relay.Options.defaults();
    /** Written by the front to the upstream / the client before it starts the relay, or null. */
    byte[] earlyToBack;
    byte[] earlyToClient;

    /** The front server's protocol: stops reading, connects to {@code back}, writes the early bytes, relays. */
    final class Front implements Protocol {
        final java.net.SocketAddress back;

        Front(java.net.SocketAddress back) {
            this.back = back;
        }

        @Override
        public void connectionMade(Transport client) {
            client.pauseReading();
            Net.createConnection(loop, () -> new Recorder(loop) {
                @Override
                public void connectionMade(Transport t) {
                    super.connectionMade(t);
                    t.pauseReading();
                }
            }, back, ConnectOptions.defaults()).whenComplete((up, e) -> {
                if (e != null) {
                    client.abort();
                    return;
                }
                if (earlyToBack != null) {
                    up.t.write(earlyToBack);
                }
                if (earlyToClient != null) {
                    client.write(earlyToClient);
                }
                relays.add(Relay.start(client, up.t, options));
            });
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            throw new AssertionError("the relay reads, not the front");
        }
    }

    private Server front(Server back) {
        InetSocketAddress b = address(back);
        return server(() -> new Front(b), ServerOptions.defaults());
    }

    private Relay relay() {
        await(until(() -> !relays.isEmpty()));
        return relays.get(0);
    }

    /** Whether the backend splices between sockets: native epoll (splice(2)) and io_uring (the ring's splice). */
    private boolean splices() {
        return backend == PollerKind.EPOLL || backend == PollerKind.IO_URING;
    }

    /** Zero copy exactly where the backend can splice, for a tunnel that carried bulk: bytes really went through a pipe. */
    private void assertPath(Relay r) {
        assertThat(r.isZeroCopy()).as("zero copy on " + backend).isEqualTo(splices());
        if (splices()) {
            assertThat(r.bytesSpliced()).as("bytes spliced on " + backend).isPositive();
        } else {
            assertThat(r.bytesSpliced()).isZero();
        }
    }

    static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** Writes {@code out} and its FIN once connected; keeps the other direction open after the peer's FIN. */
    static class Streamer extends Recorder {
        final byte[] out;

        Streamer(EventLoop loop, byte[] out) {
            super(loop);
            this.out = out;
            keepOpenOnEof = true;
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            if (out != null) {
                transport.write(out);
                transport.writeEof();
            }
        }
    }

    static final class BackStreamer extends Streamer {
        BackStreamer(EventLoop loop, byte[] out) {
            super(loop, out);
        }
    }

    @Test
    void largeTransfersBothWaysAtOnceArriveByteIdentical() {
        byte[] up = pattern(24 * MIB, 1);
        byte[] down = pattern(24 * MIB, 2);
        Server back = server(checked(() -> new BackStreamer(loop, down)), ServerOptions.defaults());
        Server front = front(back);
        CheckedProtocol<Streamer> client = await(Net.createConnection(loop, checked(() -> new Streamer(loop, up)),
                address(front), ConnectOptions.defaults()));
        CheckedProtocol<BackStreamer> server = await(made(BackStreamer.class));

        assertThat(await(client.lost())).isNull();
        assertThat(await(server.lost())).isNull();
        assertThat(crc(client.inner().bytes())).as("down").isEqualTo(crc(down));
        assertThat(client.inner().size()).isEqualTo(down.length);
        assertThat(crc(server.inner().bytes())).as("up").isEqualTo(crc(up));
        assertThat(server.inner().size()).isEqualTo(up.length);
        Relay r = relay();
        assertPath(r);
        await(r.closed());
        assertThat(r.cause()).isNull();
        assertThat(r.bytesAToB()).isEqualTo(up.length);
        assertThat(r.bytesBToA()).isEqualTo(down.length);
        assertThat(r.bufferedBytes()).isZero();
    }

    /** Answers after the client's FIN: its reply follows the FIN it saw, so the FIN came after the data. */
    static final class AnswerAfterEof extends Recorder {
        int sizeAtEof = -1;

        AnswerAfterEof(EventLoop loop) {
            super(loop);
        }

        @Override
        public boolean eofReceived() {
            sizeAtEof = size();
            super.eofReceived();
            t.write(pattern(3 * MIB, 4));
            t.close();
            return true;
        }
    }

    @Test
    void aClientsHalfCloseIsForwardedAfterItsDataAndTheAnswerStillFlows() {
        Server back = server(checked(() -> new AnswerAfterEof(loop)), ServerOptions.defaults());
        Server front = front(back);
        byte[] request = pattern(5 * MIB, 3);
        CheckedProtocol<Streamer> client = await(Net.createConnection(loop, checked(() -> new Streamer(loop, request)),
                address(front), ConnectOptions.defaults()));
        CheckedProtocol<AnswerAfterEof> server = await(made(AnswerAfterEof.class));

        assertThat(await(client.lost())).isNull();
        assertThat(server.inner().sizeAtEof).as("every byte before the FIN").isEqualTo(request.length);
        assertThat(crc(server.inner().bytes())).isEqualTo(crc(request));
        assertThat(client.inner().bytes()).isEqualTo(pattern(3 * MIB, 4));
        Relay r = relay();
        assertPath(r);
        await(r.closed());
        assertThat(r.cause()).isNull();
    }

    /**
     * The client: on the back's FIN, which must follow all of its data, answers and half-closes too.
     * It starts reading 50 ms late, so that the relay meets the FIN with bytes still in its pipe.
     */
    static final class ThanksAfterEof extends Recorder {
        int sizeAtEof = -1;

        ThanksAfterEof(EventLoop loop) {
            super(loop);
            keepOpenOnEof = true;
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.pauseReading();
            transport.loop().callLater(Duration.ofMillis(50), transport::resumeReading);
        }

        @Override
        public boolean eofReceived() {
            sizeAtEof = size();
            t.write("thanks".getBytes());
            t.writeEof();
            return super.eofReceived();
        }
    }

    @Test
    void theUpstreamsHalfCloseIsForwardedAfterItsDataAndTheClientCanStillSend() {
        byte[] down = pattern(6 * MIB, 5);
        Server back = server(checked(() -> new BackStreamer(loop, down)), ServerOptions.defaults());
        Server front = front(back);
        CheckedProtocol<ThanksAfterEof> client = await(Net.createConnection(loop, checked(() -> new ThanksAfterEof(loop)),
                address(front), ConnectOptions.defaults()));
        CheckedProtocol<BackStreamer> server = await(made(BackStreamer.class));

        assertThat(await(server.lost())).isNull();
        assertThat(await(client.lost())).isNull();
        assertThat(client.inner().sizeAtEof).as("every byte before the FIN").isEqualTo(down.length);
        assertThat(crc(client.inner().bytes())).isEqualTo(crc(down));
        assertThat(new String(server.inner().bytes())).isEqualTo("thanks");
        Relay r = relay();
        assertPath(r);
        await(r.closed());
        assertThat(r.cause()).isNull();
        assertThat(r.bytesAToB()).isEqualTo(6);
    }

    /**
     * A slow client behind a small receive buffer: the relay meets the upstream's FIN while its
     * pipe still holds bytes the client has not taken, and must send them all before the FIN.
     */
    @Test
    void aFinMetWithBytesStillInThePipeFollowsThem() throws Exception {
        byte[] down = pattern(32 * MIB, 17);
        Server back = server(checked(() -> new BackStreamer(loop, down)), ServerOptions.defaults());
        Server front = front(back);
        RawPeer client = closeLater(RawPeer.connect(address(front), 64 * 1024));
        byte[] got = await(offLoop(() -> {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            for (byte[] b; (b = client.readExactly(256 * 1024)).length > 0; ) {
                all.writeBytes(b);
                Thread.sleep(1); // slower than the relay, so its side of the client's socket stays full
            }
            return all.toByteArray();
        }), Duration.ofSeconds(40));
        assertThat(got.length).as("every byte before the FIN").isEqualTo(down.length);
        assertThat(crc(got)).isEqualTo(crc(down));
        Relay r = relay();
        assertPath(r);
        client.shutdownOutput();
        await(r.closed());
        assertThat(r.cause()).isNull();
    }

    @Test
    void aResetMidTransferEndsBothSidesWithTheResetAsCause() throws Exception {
        Server back = server(checked(() -> new BackStreamer(loop, pattern(64 * MIB, 6))), ServerOptions.defaults());
        Server front = front(back);
        RawPeer client = closeLater(RawPeer.connect(address(front), 64 * 1024));
        CheckedProtocol<BackStreamer> server = await(made(BackStreamer.class));
        byte[] first = await(offLoop(() -> client.readExactly(MIB)));
        assertThat(first).isEqualTo(Arrays.copyOf(pattern(64 * MIB, 6), MIB));
        Relay r = relay();
        assertPath(r);

        client.reset();
        await(r.closed());
        await(server.lost());
        assertThat(r.cause()).isInstanceOf(ConnectionResetException.class);
        assertThat(r.bytesBToA()).as("far from all of it").isLessThan(64 * MIB);
        assertThat(r.bufferedBytes()).isZero();
    }

    /** Reads 64 KiB, then pauses for a few milliseconds; tracks the most the relay held meanwhile. */
    final class SlowReader extends Recorder {
        long mostBuffered;
        private int untilBreak = 64 * 1024;

        SlowReader() {
            super(loop);
        }

        @Override
        public void dataReceived(ByteBuffer data) {
            untilBreak -= data.remaining();
            super.dataReceived(data);
            if (!relays.isEmpty()) {
                mostBuffered = Math.max(mostBuffered, relays.get(0).bufferedBytes());
            }
            if (untilBreak <= 0) {
                untilBreak = 64 * 1024;
                t.pauseReading();
                loop.callLater(Duration.ofMillis(2), t::resumeReading);
            }
        }
    }

    @Test
    void aSlowReaderKeepsWhatTheRelayHoldsWithinItsMarks() {
        int high = 128 * 1024;
        options = Relay.Options.defaults().withWriteBufferLimits(high, 32 * 1024);
        byte[] down = pattern(8 * MIB, 7);
        Server back = server(checked(() -> new BackStreamer(loop, down)), ServerOptions.defaults());
        Server front = front(back);
        CheckedProtocol<SlowReader> client = await(Net.createConnection(loop, checked(SlowReader::new),
                address(front), ConnectOptions.defaults()));

        await(client.inner().eof);
        assertThat(crc(client.inner().bytes())).isEqualTo(crc(down));
        Relay r = relay();
        assertPath(r);
        assertThat(r.peakBufferedBytes()).isLessThanOrEqualTo(high + 64 * 1024);
        assertThat(client.inner().mostBuffered).isLessThanOrEqualTo(high + 64 * 1024);
        assertThat(r.peakBufferedBytes()).as("it did buffer, so the bound was tested").isPositive();
    }

    /**
     * A client that reads nothing, behind a front whose server-wide outbound cap is far below one
     * pipe: what the relay holds for the client (in its write buffer, or in the pipe towards it)
     * counts, so the server drops the client rather than hold it unseen. (On io_uring the pipe is
     * filled only when empty, so it stalls holding one splice's worth, not a whole pipe: hence the
     * small cap.)
     */
    @Test
    void whatThePipeHoldsForAClientCountsInTheServersOutboundCap() throws Exception {
        Server back = server(checked(() -> new BackStreamer(loop, pattern(32 * MIB, 18))), ServerOptions.defaults());
        InetSocketAddress b = address(back);
        Server front = server(() -> new Front(b),
                ServerOptions.builder().maxBufferedBytes(16 * 1024, OverflowPolicy.DROP_LARGEST).build());
        RawPeer client = closeLater(RawPeer.connect(address(front), 64 * 1024));
        Relay r = relay();
        await(r.closed(), Duration.ofSeconds(20));
        assertThat(r.cause()).isInstanceOf(OutboundLimitException.class);
        assertThat(r.bytesBToA()).as("far from all of it").isLessThan(32 * MIB);
        assertThat(r.bufferedBytes()).isZero();
        assertThat(r.isZeroCopy()).as("it spliced where it can, so the pipe was tested").isEqualTo(splices());
    }

    static final byte[] AFTER = pattern(2 * MIB, 12);
    static final byte[] FROM_BACK = pattern(2 * MIB, 13);

    /** The client: writes {@link #AFTER} at once and half-closes, but reads only 50 ms later. */
    final class LateReader extends Recorder {
        LateReader() {
            super(loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.write(AFTER);
            transport.writeEof();
            transport.pauseReading();
            loop.callLater(Duration.ofMillis(50), transport::resumeReading);
        }
    }

    /** The back: writes {@link #FROM_BACK} at once, reads only 50 ms later, closes after the client's FIN. */
    static final class LateBack extends Recorder {
        LateBack(EventLoop loop) {
            super(loop);
        }

        @Override
        public void connectionMade(Transport transport) {
            super.connectionMade(transport);
            transport.write(FROM_BACK);
            transport.pauseReading();
            EventLoop l = transport.loop();
            l.callLater(Duration.ofMillis(50), transport::resumeReading);
        }
    }

    @Test
    void bytesBufferedBeforeTheRelayStartedGoFirstAndInOrder() {
        // More than the kernel's socket buffers take at once, so much of it waits in the transports' queues.
        earlyToBack = pattern(8 * MIB, 8);
        earlyToClient = pattern(8 * MIB, 9);
        Server back = server(checked(() -> new LateBack(loop)), ServerOptions.defaults());
        Server front = front(back);
        CheckedProtocol<LateReader> client = await(Net.createConnection(loop, checked(LateReader::new),
                address(front), ConnectOptions.defaults()));
        CheckedProtocol<LateBack> server = await(made(LateBack.class));

        assertThat(await(server.lost())).isNull();
        assertThat(await(client.lost())).isNull();
        byte[] toBack = server.inner().bytes();
        assertThat(toBack).hasSize(earlyToBack.length + AFTER.length);
        assertThat(crc(Arrays.copyOf(toBack, earlyToBack.length))).isEqualTo(crc(earlyToBack));
        assertThat(crc(Arrays.copyOfRange(toBack, earlyToBack.length, toBack.length))).isEqualTo(crc(AFTER));
        byte[] toClient = client.inner().bytes();
        assertThat(toClient).hasSize(earlyToClient.length + FROM_BACK.length);
        assertThat(crc(Arrays.copyOf(toClient, earlyToClient.length))).isEqualTo(crc(earlyToClient));
        assertThat(crc(Arrays.copyOfRange(toClient, earlyToClient.length, toClient.length))).isEqualTo(crc(FROM_BACK));
        Relay r = relay();
        assertPath(r);
        assertThat(r.bytesAToB()).as("the early bytes are the caller's, not counted").isEqualTo(AFTER.length);
        assertThat(r.bytesBToA()).isEqualTo(FROM_BACK.length);
    }

    /** 1,000 tunnels that each carry 100 KiB both ways, so that each direction switches to splicing where it can. */
    @Test
    void aThousandTunnelsLeaveNoDescriptorBehind() {
        Server back = server(EchoTest.HalfCloseEcho::new, ServerOptions.defaults());
        Server front = front(back);
        runTunnels(front, 20, 5); // warm: the descriptors a first connection brings stay out of the count
        FileDescriptors.Snapshot before = ioFds();
        runTunnels(front, 1000, 50);
        assertThat(relays).hasSize(1020);
        for (Relay r : relays) {
            assertThat(r.closed().isDone()).isTrue();
            assertThat(r.cause()).isNull();
            assertPath(r);
        }
        assertNoLeak(before);
    }

    /** {@code n} echo round trips through the relay, {@code parallel} at a time. */
    private void runTunnels(Server front, int n, int parallel) {
        for (int done = 0; done < n; done += parallel) {
            List<Promise<?>> batch = new ArrayList<>();
            for (int i = 0; i < parallel; i++) {
                byte[] msg = pattern(100 * 1024, done + i);
                Recorder c = await(Net.createConnection(loop, () -> new Recorder(loop) {
                    @Override
                    public void connectionMade(Transport t) {
                        super.connectionMade(t);
                        t.write(msg);
                        t.writeEof();
                    }
                }, address(front), ConnectOptions.defaults()));
                batch.add(c.lost.map(cause -> {
                    assertThat(cause).isNull();
                    assertThat(c.bytes()).isEqualTo(msg);
                    return null;
                }));
            }
            await(Promise.all(loop, batch));
        }
        await(until(() -> relays.stream().allMatch(r -> r.closed().isDone())));
    }

    @Test
    void closeOrAbortDuringATransferEndsBothSidesAndHoldsNothing() throws Exception {
        for (boolean abort : new boolean[] {false, true}) {
            relays.clear();
            Server back = server(checked(() -> new BackStreamer(loop, pattern(64 * MIB, 10))), ServerOptions.defaults());
            Server front = front(back);
            RawPeer client = closeLater(RawPeer.connect(address(front), 64 * 1024));
            await(offLoop(() -> client.readExactly(MIB)));
            Relay r = relay();
            assertPath(r);
            // The client reads on: a graceful close flushes what the relay holds for it, which
            // needs a reader (without one, bytes the kernel has not taken yet wait for room).
            Promise<Long> rest = Promise.from(loop, client.countToEnd());
            if (abort) {
                r.abort();
            } else {
                r.close();
            }
            await(r.closed());
            assertThat(r.bufferedBytes()).isZero();
            assertThat(r.a().isClosing()).isTrue();
            assertThat(r.b().isClosing()).isTrue();
            // The client's side ends too (FIN after what was flushed, or a reset): its reader returns.
            assertThat(await(rest)).isLessThan(64L * MIB);
        }
    }

    @Test
    void closingTheLoopDuringASpliceLeavesNoDescriptor() throws Exception {
        Server back = server(checked(() -> new BackStreamer(loop, pattern(64 * MIB, 11))), ServerOptions.defaults());
        Server front = front(back);
        RawPeer client = closeLater(RawPeer.connect(address(front), 64 * 1024));
        await(offLoop(() -> client.readExactly(MIB)));
        assertPath(relay());
        loop.close(); // the teardown counts descriptors: every pipe went with its socket
    }

    @Test
    void unixSocketsRelayBothWaysAtOnce() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory(java.nio.file.Path.of("/tmp"), "weft-splice");
        java.nio.file.Path backPath = dir.resolve("back");
        java.nio.file.Path frontPath = dir.resolve("front");
        byte[] up = pattern(8 * MIB, 15);
        byte[] down = pattern(8 * MIB, 16);
        Server back = await(Net.createUnixServer(loop, checked(() -> new BackStreamer(loop, down)), backPath,
                ServerOptions.defaults()));
        Server front = await(Net.createUnixServer(loop, () -> new Front(java.net.UnixDomainSocketAddress.of(backPath)),
                frontPath, ServerOptions.defaults()));
        try {
            CheckedProtocol<Streamer> client = await(Net.createUnixConnection(loop, checked(() -> new Streamer(loop, up)),
                    frontPath, ConnectOptions.defaults()));
            CheckedProtocol<BackStreamer> server = await(made(BackStreamer.class));
            assertThat(await(client.lost())).isNull();
            assertThat(await(server.lost())).isNull();
            assertThat(crc(client.inner().bytes())).isEqualTo(crc(down));
            assertThat(crc(server.inner().bytes())).isEqualTo(crc(up));
            Relay r = relay();
            assertPath(r);
            await(r.closed());
            assertThat(r.cause()).isNull();
        } finally {
            await(front.shutdown(Duration.ZERO));
            await(back.shutdown(Duration.ZERO));
            java.nio.file.Files.deleteIfExists(frontPath);
            java.nio.file.Files.deleteIfExists(backPath);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void smallMessagesStayOnTheCopyingPath() {
        Server back = server(EchoTest.HalfCloseEcho::new, ServerOptions.defaults());
        Server front = front(back);
        CheckedProtocol<Streamer> client = await(Net.createConnection(loop, checked(() -> new Streamer(loop,
                pattern(16 * 1024, 14))), address(front), ConnectOptions.defaults()));
        await(client.inner().eof);
        assertThat(client.inner().bytes()).isEqualTo(pattern(16 * 1024, 14));
        assertThat(relay().isZeroCopy()).isFalse();
    }

    /**
     * Bulk both ways (64 KiB reads: both directions splice), then 100 round trips of 100 bytes on
     * the same tunnel: on epoll each direction goes back to copying after a few small reads, so
     * at most those few messages per direction go through a pipe; then bulk again splices again.
     * Every byte arrives in order on every backend.
     */
    @Test
    void aTunnelThatTurnsInteractiveAfterBulkCopiesAgain() {
        Server back = server(EchoTest.HalfCloseEcho::new, ServerOptions.defaults());
        Server front = front(back);
        Recorder c = await(Net.createConnection(loop, () -> new Recorder(loop), address(front), ConnectOptions.defaults()));
        byte[] bulk = pattern(2 * MIB, 21);
        c.t.write(bulk);
        await(until(() -> c.received.size() == bulk.length));
        Relay r = relay();
        assertPath(r);
        long splicedAfterBulk = r.bytesSpliced();
        int trips = 100;
        int size = 100;
        for (int i = 0; i < trips; i++) {
            int want = bulk.length + (i + 1) * size;
            c.t.write(pattern(size, 100 + i));
            await(until(() -> c.received.size() == want));
        }
        byte[] got = c.received.toByteArray();
        assertThat(Arrays.copyOf(got, bulk.length)).isEqualTo(bulk);
        for (int i = 0; i < trips; i++) {
            int at = bulk.length + i * size;
            assertThat(Arrays.copyOfRange(got, at, at + size)).as("message " + i).isEqualTo(pattern(size, 100 + i));
        }
        long splicedSmall = r.bytesSpliced() - splicedAfterBulk;
        if (backend == PollerKind.EPOLL) {
            assertThat(splicedSmall).as("small messages spliced before going back to copying")
                    .isLessThanOrEqualTo(2L * SplicePump.BACK_AFTER * size);
        }
        // Bulk again: it splices again, through the pipe the first switch opened.
        long splicedBefore = r.bytesSpliced();
        byte[] more = pattern(MIB, 22);
        int had = c.received.size();
        c.t.write(more);
        await(until(() -> c.received.size() == had + more.length));
        assertThat(Arrays.copyOfRange(c.received.toByteArray(), had, had + more.length)).isEqualTo(more);
        if (splices()) {
            assertThat(r.bytesSpliced() - splicedBefore).as("the second bulk spliced").isGreaterThan(MIB / 2);
        }
        long total = 3L * MIB + (long) trips * size;
        assertThat(r.bytesAToB()).isEqualTo(total);
        assertThat(r.bytesBToA()).isEqualTo(total);
        c.t.close();
        await(until(() -> r.closed().isDone()));
    }

    @Test
    void zeroCopyOffCopiesOnEveryBackend() {
        options = Relay.Options.defaults().withZeroCopy(false);
        Server back = server(checked(() -> new AnswerAfterEof(loop)), ServerOptions.defaults());
        Server front = front(back);
        CheckedProtocol<Streamer> client = await(Net.createConnection(loop, checked(() -> new Streamer(loop, "hi".getBytes())),
                address(front), ConnectOptions.defaults()));
        assertThat(await(client.lost())).isNull();
        assertThat(client.inner().bytes()).isEqualTo(pattern(3 * MIB, 4));
        assertThat(relay().isZeroCopy()).isFalse();
    }
}

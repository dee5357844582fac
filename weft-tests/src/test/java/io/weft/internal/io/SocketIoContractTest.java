package io.weft.internal.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.future.Promise;
import io.weft.internal.loop.Loop;
import io.weft.loop.EventLoop;
import io.weft.loop.LoopConfig;
import io.weft.loop.PollerKind;
import io.weft.net.ConnectionResetException;
import io.weft.testkit.EveryBackend;
import io.weft.testkit.FileDescriptors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.Parameter;

/**
 * The {@link SocketIo} contract, checked against each backend's own sockets with a plain JDK
 * socket as the scripted peer on the other side: what every backend (a completion one included)
 * must do for a transport to sit on it unchanged. Reading starts off and nothing arrives while
 * it is off; bytes that arrive while paused are held, not lost; {@code writeNow} plus
 * {@link SocketIo#flush} deliver every byte in order with {@link IoSink#onFlushed} as the queue
 * drains; FIN both ways; a reset is a {@link ConnectionResetException}; after {@code close()} no
 * sink call follows and the descriptor is gone.
 */
@EveryBackend
@Timeout(30)
class SocketIoContractTest {
    @Parameter
    PollerKind backend;

    EventLoop loop;
    ServerSocket listener;
    Socket peer;
    SocketIo io;
    final Events events = new Events();
    FileDescriptors.Snapshot before;

    /** Everything the sink heard, in order. */
    static final class Events implements IoSink {
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        final List<String> log = new ArrayList<>();
        int flushed;
        boolean eof;
        IOException error;

        @Override
        public void onRead(ByteBuffer buf) {
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            data.writeBytes(b);
            log.add("read " + b.length);
        }

        @Override
        public void onReadEof() {
            eof = true;
            log.add("eof");
        }

        @Override
        public void onFlushed() {
            flushed++;
        }

        @Override
        public void onIoError(IOException e) {
            error = e;
            log.add("error " + e.getClass().getSimpleName());
        }

        String text() {
            return data.toString(StandardCharsets.US_ASCII);
        }
    }

    @BeforeEach
    void connect() throws Exception {
        before = FileDescriptors.snapshot(FileDescriptors.NOT_FILES);
        loop = EventLoop.create(LoopConfig.builder().poller(backend).build());
        listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        Promise<SocketIo> connected = loop.newPromise();
        loop.runUntilComplete(loop.submit(() -> Loop.of(loop).sockets().connect(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort()), null, true,
                new ConnectSink() {
                    @Override
                    public void onConnected(SocketIo s) {
                        connected.complete(s);
                    }

                    @Override
                    public void onConnectFailed(IOException error) {
                        connected.fail(error);
                    }
                })));
        // Accepted on another thread while the loop runs: a backend may hand the connect to the
        // kernel only at the loop's next turn (io_uring submits its SQEs in io_uring_enter), so an
        // accept on this thread before running the loop could wait forever.
        CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return listener.accept();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        io = loop.runUntilComplete(connected);
        peer = accepted.get(10, TimeUnit.SECONDS);
        peer.setSoTimeout(20_000); // a blocking read that never gets its bytes fails rather than hangs the suite
        loop.runUntilComplete(loop.submit(() -> {
            io.start(events);
            return null;
        }));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (!loop.isClosed()) {
            loop.runUntilComplete(loop.submit(() -> {
                io.close();
                return null;
            }));
            loop.close();
        }
        peer.close();
        listener.close();
        before.assertNoneLeaked(Duration.ofSeconds(2));
    }

    /** Runs the loop until {@code done} holds, for at most ten seconds of real time. */
    void runUntil(BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited ten seconds").isLessThan(deadline);
            runFor(5);
        }
    }

    /** Runs the loop for {@code millis} of real time (it waits in the kernel meanwhile). */
    void runFor(long millis) {
        Promise<Void> later = loop.newPromise();
        loop.runUntilComplete(loop.submit(() -> loop.callLater(Duration.ofMillis(millis), () -> later.complete(null))));
        loop.runUntilComplete(later);
    }

    void onLoop(Runnable r) {
        loop.runUntilComplete(loop.submit(() -> {
            r.run();
            return null;
        }));
    }

    @Test
    void readingStartsOffAndBytesWaitingForItAreDeliveredWhenItStarts() throws Exception {
        peer.getOutputStream().write("early".getBytes(StandardCharsets.US_ASCII));
        runFor(50);
        assertThat(events.log).as("no read while reading is off").isEmpty();
        onLoop(() -> io.setReading(true));
        runUntil(() -> events.text().equals("early"));
    }

    @Test
    void bytesThatArriveWhilePausedAreHeldAndDeliveredInOrderOnResume() throws Exception {
        onLoop(() -> io.setReading(true));
        OutputStream out = peer.getOutputStream();
        out.write("one ".getBytes(StandardCharsets.US_ASCII));
        runUntil(() -> events.text().equals("one "));
        onLoop(() -> io.setReading(false));
        out.write("two three".getBytes(StandardCharsets.US_ASCII));
        runFor(50);
        assertThat(events.text()).as("nothing while paused").isEqualTo("one ");
        onLoop(() -> io.setReading(true));
        runUntil(() -> events.text().equals("one two three"));
    }

    /**
     * A write larger than a chunk (a proxy forwarding a whole 64 KiB read) is split over the
     * backend's pooled chunks: a backend that pools native memory never answers it with one
     * fresh buffer of that size, allocated and zeroed per write (NIO's heap chunks are unbounded).
     */
    @Test
    void aWriteLargerThanAChunkIsQueuedInPooledChunks() {
        WriteQueue.Chunks chunks = io.chunks();
        WriteQueue queue = new WriteQueue(chunks);
        onLoop(() -> queue.add(ByteBuffer.allocate(64 << 10)));
        assertThat(queue.size()).isEqualTo(64 << 10);
        if (chunks != WriteQueue.HEAP) {
            for (int i = queue.offset(); i < queue.offset() + queue.count(); i++) {
                assertThat(queue.array()[i].isDirect()).as("chunk %d of a 64 KiB write on %s", i, backend).isTrue();
                assertThat(queue.array()[i].capacity()).isLessThanOrEqualTo(chunks.maxChunk());
            }
        }
        onLoop(queue::clear);
    }

    @Test
    void writeNowThenTheQueueDeliverEveryByteInOrderAndReportProgress() throws Exception {
        byte[] big = new byte[8 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + (i >>> 13));
        }
        WriteQueue queue = new WriteQueue(io.chunks());
        onLoop(() -> {
            try {
                ByteBuffer src = ByteBuffer.wrap(big);
                int n = io.writeNow(src);
                assertThat(n).isBetween(0, big.length);
                assertThat(src.position()).isEqualTo(n);
                queue.add(src);
                io.flush(queue);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                InputStream in = peer.getInputStream();
                byte[] buf = new byte[64 << 10];
                while (got.size() < big.length) {
                    int k = in.read(buf);
                    if (k < 0) {
                        break;
                    }
                    synchronized (got) {
                        got.write(buf, 0, k);
                    }
                }
            } catch (IOException e) {
                // the assertion below says what was missing
            }
        });
        runUntil(queue::isEmpty);
        reader.join(10_000);
        assertThat(events.flushed).as("onFlushed as the queue drained").isPositive();
        assertThat(events.error).isNull();
        synchronized (got) {
            assertThat(got.toByteArray()).isEqualTo(big);
        }
    }

    @Test
    void finTravelsBothWays() throws Exception {
        onLoop(() -> io.setReading(true));
        peer.shutdownOutput();
        runUntil(() -> events.eof);
        onLoop(() -> {
            try {
                io.shutdownOutput();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        // A completion backend's SHUTDOWN, like its sends, leaves at the turn's enter: let the loop
        // run before the peer reads.
        runFor(20);
        assertThat(peer.getInputStream().read()).as("the peer sees our FIN").isEqualTo(-1);
    }

    @Test
    void aResetIsAConnectionResetException() throws Exception {
        onLoop(() -> io.setReading(true));
        peer.setSoLinger(true, 0);
        peer.close(); // RST
        runUntil(() -> events.error != null);
        assertThat(events.error).isInstanceOf(ConnectionResetException.class);
    }

    @Test
    void afterCloseNoSinkCallFollowsAndTheDescriptorIsGone() throws Exception {
        onLoop(() -> io.setReading(true));
        onLoop(io::close);
        peer.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
        runFor(50);
        assertThat(events.log).as("nothing after close").isEmpty();
        try {
            assertThat(peer.getInputStream().read()).as("the peer sees the close").isEqualTo(-1);
        } catch (java.net.SocketException resetAfterItsLateWrite) {
            // the late bytes hit a closed socket, whose kernel answers with RST: closed all the same
        }
    }
}
